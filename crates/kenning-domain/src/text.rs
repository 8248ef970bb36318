//! Free text typed by people: titles, names, descriptions, lesson bodies, reviews,
//! questions, answers, chat and gift messages. Whatever is kept must be printable in every
//! place it is shown again — an HTML page, a PDF, an e-mail, a podcast feed's XML — so
//! control characters (NUL, U+0001 …, DEL, the C1 range) and the noncharacters XML
//! forbids never get in. Tab and line breaks are text in fields of several lines.

use crate::DomainError;

/// How many lines a field holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lines {
    /// A title, a name, a code: tab and line breaks are refused too.
    One,
    /// A description, a lesson, a review, a message: tab, `\n` and `\r` are allowed.
    Many,
}

/// Whether `c` may be stored in a field of `lines`.
pub fn allowed(c: char, lines: Lines) -> bool {
    match c {
        '\t' | '\n' | '\r' => lines == Lines::Many,
        // U+FFFE and U+FFFF are not characters, and XML 1.0 refuses them.
        '\u{FFFE}' | '\u{FFFF}' => false,
        c => !c.is_control(),
    }
}

/// Refuses text holding a character [`allowed`] rejects (`invalid_text`).
pub fn check(text: &str, lines: Lines) -> Result<(), DomainError> {
    if text.chars().all(|c| allowed(c, lines)) {
        Ok(())
    } else {
        Err(DomainError::InvalidText)
    }
}

/// A field as typed: trimmed, checked, and at most `max` characters (`text_too_long`).
/// Blank text comes back empty; fields that need text say so themselves.
pub fn parse(raw: &str, lines: Lines, max: usize) -> Result<String, DomainError> {
    let text = raw.trim();
    check(text, lines)?;
    if text.chars().count() > max {
        return Err(DomainError::TextTooLong);
    }
    Ok(text.to_owned())
}

/// The same text with every refused character dropped, for fields that are kept as
/// best they can be (a refund reason, a gift message) rather than refused.
pub fn strip(raw: &str, lines: Lines) -> String {
    raw.chars().filter(|c| allowed(*c, lines)).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_refused_in_every_field() {
        for bad in [
            "a\0b",
            "a\u{1}b",
            "a\u{1b}[31m",
            "a\u{7f}",
            "a\u{85}b",
            "a\u{ffff}",
        ] {
            assert_eq!(
                check(bad, Lines::One),
                Err(DomainError::InvalidText),
                "{bad:?}"
            );
            assert_eq!(
                check(bad, Lines::Many),
                Err(DomainError::InvalidText),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn tab_and_line_breaks_belong_only_to_fields_of_several_lines() {
        for text in ["a\tb", "a\nb", "a\r\nb"] {
            assert_eq!(check(text, Lines::Many), Ok(()));
            assert_eq!(check(text, Lines::One), Err(DomainError::InvalidText));
        }
    }

    #[test]
    fn ordinary_text_in_any_script_passes() {
        assert_eq!(
            parse("  数据库 — Ünïcödé ✓ 🎓  ", Lines::One, 80),
            Ok("数据库 — Ünïcödé ✓ 🎓".into())
        );
        assert_eq!(parse("   ", Lines::One, 80), Ok(String::new()));
    }

    #[test]
    fn length_is_counted_in_characters_after_trimming() {
        assert_eq!(parse(&"字".repeat(3), Lines::One, 3), Ok("字字字".into()));
        assert_eq!(
            parse(&"字".repeat(4), Lines::One, 3),
            Err(DomainError::TextTooLong)
        );
    }

    #[test]
    fn stripping_keeps_everything_else() {
        assert_eq!(strip("a\0b\u{1}c\nd", Lines::Many), "abc\nd");
        assert_eq!(strip("a\tb\nc", Lines::One), "abc");
    }
}
