//! What a person typed, as tantivy queries, one word at a time and in two tiers. Exact:
//! the word's stem in the English fields, its jieba segments in the Chinese ones. Loose:
//! prefixes and one typo of an English word ("isolat", "databse"), overlapping character
//! pairs of a Chinese one. Searches use the loose tier only when exact words find little,
//! so near misses never crowd out what was asked for.
//!
//! Words are scored each on its own (never as a phrase): a Chinese query is a run of words
//! that need not stand side by side in the text ("异步编程" finds "异步" in one place and
//! "编程" in another).

use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Query, TermQuery};
use tantivy::schema::{Field, IndexRecordOption};
use tantivy::tokenizer::TokenStream;
use tantivy::{Index, Term};

use crate::han::is_han;
use crate::{Fields, SearchError};

/// A match in a title counts three times one in the rest of the text.
const TITLE_BOOST: f32 = 3.0;
/// Loose matches score a constant each (tantivy does not weigh automaton matches by
/// frequency): a near miss in a title, in the text. Both are small beside an exact
/// match's BM25 score, so a product found only by a near miss falls far below one
/// matching exactly and is cut ("tea" does not find "team").
const LOOSE_TITLE: f32 = 0.5;
const LOOSE_TEXT: f32 = 0.125;
/// Chinese character pairs are weighed by BM25 like words, at a quarter.
const LOOSE_HAN_PAIR: f32 = 0.25;
/// Shorter English words match as prefixes only: one typo in three letters ("tea") is
/// another word ("ten", "sea"), and would find half the catalog.
const TYPO_MIN_CHARS: usize = 5;
/// Words shorter than this get no loose match at all.
const PREFIX_MIN_CHARS: usize = 3;

/// How close a match must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Tier {
    Exact,
    /// Exact or loose.
    Loose,
}

/// One word of a query with the queries that find it.
pub(crate) struct Word {
    /// Its text, lowercased (as jieba cut it from the query).
    text: String,
    exact: Option<Box<dyn Query>>,
    loose: Option<Box<dyn Query>>,
}

impl Word {
    /// What finds this word at a tier (None: nothing can).
    pub(crate) fn query(&self, tier: Tier) -> Option<Box<dyn Query>> {
        let clauses: Vec<Box<dyn Query>> = match tier {
            Tier::Exact => self.exact.iter().map(|q| q.box_clone()).collect(),
            Tier::Loose => self
                .exact
                .iter()
                .chain(&self.loose)
                .map(|q| q.box_clone())
                .collect(),
        };
        union(clauses)
    }

    pub(crate) fn text(&self) -> &str {
        &self.text
    }
}

/// Any of these (None when empty).
pub(crate) fn union(clauses: Vec<Box<dyn Query>>) -> Option<Box<dyn Query>> {
    match clauses.len() {
        0 => None,
        1 => clauses.into_iter().next(),
        _ => Some(Box::new(BooleanQuery::union(clauses))),
    }
}

/// The tokens a field's analyzer makes of a text, without whitespace and punctuation
/// (jieba keeps them as tokens).
pub(crate) fn analyze(index: &Index, field: Field, text: &str) -> Result<Vec<String>, SearchError> {
    let mut analyzer = index.tokenizer_for_field(field)?;
    let mut stream = analyzer.token_stream(text);
    let mut tokens = Vec::new();
    while let Some(token) = stream.next() {
        if token.text.chars().any(char::is_alphanumeric) && !tokens.contains(&token.text) {
            tokens.push(token.text.clone());
        }
    }
    Ok(tokens)
}

/// The words of a query: jieba's segments of it (without overlapping sub-words), so
/// English splits at spaces and Chinese into dictionary words.
pub(crate) fn words(index: &Index, f: &Fields, text: &str) -> Result<Vec<Word>, SearchError> {
    analyze(index, f.highlight_zh, text)?
        .into_iter()
        .map(|word| {
            Ok(Word {
                exact: exact(index, f, &word)?,
                loose: loose(index, f, &word)?,
                text: word,
            })
        })
        .collect()
}

fn terms(
    index: &Index,
    field: Field,
    word: &str,
    boost: f32,
) -> Result<Vec<Box<dyn Query>>, SearchError> {
    Ok(analyze(index, field, word)?
        .into_iter()
        .map(|token| {
            let term = TermQuery::new(
                Term::from_field_text(field, &token),
                IndexRecordOption::WithFreqs,
            );
            Box::new(BoostQuery::new(Box::new(term), boost)) as Box<dyn Query>
        })
        .collect())
}

/// The word in every language's fields, each field analyzing it its own way (stemmed in
/// English, segmented by jieba in search mode in Chinese).
fn exact(index: &Index, f: &Fields, word: &str) -> Result<Option<Box<dyn Query>>, SearchError> {
    let mut clauses = Vec::new();
    for (field, boost) in [
        (f.title_en, TITLE_BOOST),
        (f.text_en, 1.0),
        (f.title_zh, TITLE_BOOST),
        (f.text_zh, 1.0),
    ] {
        clauses.extend(terms(index, field, word, boost)?);
    }
    Ok(union(clauses))
}

fn loose(index: &Index, f: &Fields, word: &str) -> Result<Option<Box<dyn Query>>, SearchError> {
    let clauses = if word.chars().any(is_han) {
        terms(index, f.han_pairs, word, LOOSE_HAN_PAIR)?
    } else {
        near_misses(f, word)
    };
    Ok(union(clauses))
}

/// Unstemmed English words starting with this one, give or take a typo in longer words.
fn near_misses(f: &Fields, word: &str) -> Vec<Box<dyn Query>> {
    let chars = word.chars().count();
    if chars < PREFIX_MIN_CHARS || !word.chars().all(char::is_alphanumeric) {
        return Vec::new();
    }
    let distance = u8::from(chars >= TYPO_MIN_CHARS);
    [(f.title_words_en, LOOSE_TITLE), (f.words_en, LOOSE_TEXT)]
        .into_iter()
        .map(|(field, boost)| {
            let fuzzy =
                FuzzyTermQuery::new_prefix(Term::from_field_text(field, word), distance, true);
            Box::new(BoostQuery::new(Box::new(fuzzy), boost)) as Box<dyn Query>
        })
        .collect()
}
