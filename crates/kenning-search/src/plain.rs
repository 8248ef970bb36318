//! Markdown to plain text for the index. Descriptions and lessons are Markdown, and
//! snippets are cut from the stored text: indexing the source would put `##`, `**` and
//! raw tags into the snippets people read.

use pulldown_cmark::{Event, Options, Parser, TagEnd};

/// The words of a Markdown text, without its syntax or HTML tags (the text between tags
/// stays). Blocks and line breaks become single spaces, so a snippet never breaks lines.
pub(crate) fn plain_text(markdown: &str) -> String {
    let mut text = String::with_capacity(markdown.len());
    let options =
        Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    for event in Parser::new_ext(markdown, options) {
        match event {
            Event::Text(t) | Event::Code(t) => push_collapsed(&mut text, &t),
            Event::SoftBreak
            | Event::HardBreak
            | Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::TableCell
                | TagEnd::CodeBlock,
            ) => push_collapsed(&mut text, " "),
            _ => {}
        }
    }
    text.trim_end().to_owned()
}

/// Appends text with every run of whitespace as one space.
fn push_collapsed(text: &mut String, piece: &str) {
    for c in piece.chars() {
        if !c.is_whitespace() {
            text.push(c);
        } else if !(text.is_empty() || text.ends_with(' ')) {
            text.push(' ');
        }
    }
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn markdown_syntax_and_tags_are_dropped_and_words_kept() {
        assert_eq!(
            plain_text("## Green and white\n\nRun `cargo new` on **SQLite**.\n\n> Tip: *notes*"),
            "Green and white Run cargo new on SQLite. Tip: notes"
        );
        assert_eq!(
            plain_text("<b>bold</b> and <script>x</script> text"),
            "bold and x text"
        );
        assert_eq!(plain_text("1. Why\n2. How"), "Why How");
        assert_eq!(
            plain_text("[a link](https://example.com) ![alt](i.png)"),
            "a link alt"
        );
        assert_eq!(
            plain_text("## 绿茶与白茶\n\n这是《中国茶田野指南》的第 1 课时。"),
            "绿茶与白茶 这是《中国茶田野指南》的第 1 课时。"
        );
    }
}
