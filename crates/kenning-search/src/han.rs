//! Pairs of Chinese characters, the fallback beside jieba. Jieba may cut a query
//! differently from the text it should find (a name, a word it does not know, a phrase
//! longer than its dictionary words); overlapping character pairs match whatever the
//! segmentation. They are a looser match than jieba's words, so searches use them only
//! when words find little.

use tantivy::tokenizer::{PreTokenizedStream, PreTokenizedString, Token, Tokenizer};

/// Tokenizes runs of Han characters into overlapping pairs ("中国茶" → "中国", "国茶");
/// a lone character is its own token. Everything else is skipped.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct HanBigrams;

impl Tokenizer for HanBigrams {
    type TokenStream<'a> = PreTokenizedStream;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> PreTokenizedStream {
        PreTokenizedStream::from(PreTokenizedString {
            text: String::new(),
            tokens: han_bigrams(text),
        })
    }
}

pub(crate) fn is_han(c: char) -> bool {
    matches!(c,
        '\u{3400}'..='\u{4DBF}'
        | '\u{4E00}'..='\u{9FFF}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{20000}'..='\u{2FFFF}')
}

fn han_bigrams(text: &str) -> Vec<Token> {
    let mut tokens = Vec::new();
    // The Han characters of the current run, with their byte offsets.
    let mut run: Vec<(usize, char)> = Vec::new();
    for (offset, c) in text
        .char_indices()
        .chain(std::iter::once((text.len(), ' ')))
    {
        if is_han(c) {
            run.push((offset, c));
            continue;
        }
        push_run(&run, &mut tokens);
        run.clear();
    }
    tokens
}

/// The tokens of one run of Han characters.
fn push_run(run: &[(usize, char)], tokens: &mut Vec<Token>) {
    let token = |from: usize, last: (usize, char), text: String, position: usize| Token {
        offset_from: from,
        offset_to: last.0 + last.1.len_utf8(),
        position,
        text,
        position_length: 1,
    };
    if let [(from, c)] = run {
        tokens.push(token(*from, (*from, *c), c.to_string(), tokens.len()));
        return;
    }
    for pair in run.windows(2) {
        if let [(from, a), (next, b)] = pair {
            tokens.push(token(*from, (*next, *b), format!("{a}{b}"), tokens.len()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(text: &str) -> Vec<String> {
        han_bigrams(text).into_iter().map(|t| t.text).collect()
    }

    #[test]
    fn han_runs_become_overlapping_pairs_and_the_rest_is_skipped() {
        assert_eq!(
            texts("中国茶 Rust 手册。茶"),
            ["中国", "国茶", "手册", "茶"]
        );
        assert!(texts("plain English").is_empty());
        let tokens = han_bigrams("a中国");
        assert_eq!(
            tokens.first().map(|t| (t.offset_from, t.offset_to)),
            Some((1, 7))
        );
    }
}
