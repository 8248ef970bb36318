//! Every error code the server can answer has a message in every language. The codes are
//! read from the sources themselves: the `=> "code"` arms of `DomainError::code` and
//! `AppError::code`, and every `StatusCode::…, "code"` report the web layer makes, so a
//! new code without its messages fails here rather than showing `error-<code>` to people.

use std::path::{Path, PathBuf};

use kenning_domain::locale::Locale;
use kenning_web::i18n::I18n;

fn crate_dir(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(|p| p.join(name))
        .unwrap_or_default()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The string literal at the start of `text` (after whitespace, and the opening brace of
/// a match arm's block that rustfmt makes of a long arm), if it is a code.
fn code_at(text: &str) -> Option<&str> {
    let text = text.trim_start();
    let text = text.strip_prefix('{').unwrap_or(text);
    let rest = text.trim_start().strip_prefix('"')?;
    let code = &rest[..rest.find('"')?];
    let is_code = !code.is_empty()
        && code
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    is_code.then_some(code)
}

/// What follows the first top-level comma of an argument list (`rest` starts just after
/// its opening parenthesis), if the list has a second argument.
fn second_argument(rest: &str) -> Option<&str> {
    let mut depth = 0_i32;
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' | '{' => depth += 1,
            ')' | ']' | '}' if depth == 0 => return None,
            ')' | ']' | '}' => depth -= 1,
            ',' if depth == 0 => return Some(&rest[i + 1..]),
            _ => {}
        }
    }
    None
}

/// Every code literal right after `marker`.
fn codes_after(source: &str, marker: &str, out: &mut Vec<String>) {
    for (at, _) in source.match_indices(marker) {
        if let Some(code) = code_at(&source[at + marker.len()..]) {
            out.push(code.to_owned());
        }
    }
}

fn all_codes() -> Vec<String> {
    let mut codes = Vec::new();
    for file in [
        crate_dir("kenning-domain").join("src/error.rs"),
        crate_dir("kenning-app").join("src/error.rs"),
    ] {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        assert!(!source.is_empty(), "cannot read {}", file.display());
        codes_after(&source, "=>", &mut codes);
    }
    let mut web = Vec::new();
    rust_files(&crate_dir("kenning-web").join("src"), &mut web);
    for file in web {
        let source = std::fs::read_to_string(&file).unwrap_or_default();
        // `ErrorReport::new(<any status>, "code")`, also with a status computed at run
        // time (`response.status()`), however it is wrapped.
        for constructor in ["ErrorReport::new(", "HttpError::new("] {
            for (at, _) in source.match_indices(constructor) {
                let rest = &source[at + constructor.len()..];
                if let Some(code) = second_argument(rest).and_then(code_at) {
                    codes.push(code.to_owned());
                }
            }
        }
        // `StatusCode::CONFLICT, "code"` pairs built any other way.
        for (at, _) in source.match_indices("StatusCode::") {
            let rest = &source[at + "StatusCode::".len()..];
            let name_end = rest
                .find(|c: char| !(c.is_ascii_uppercase() || c == '_'))
                .unwrap_or(rest.len());
            let after = rest[name_end..].trim_start();
            if let Some(code) = after.strip_prefix(',').and_then(code_at) {
                codes.push(code.to_owned());
            }
        }
    }
    codes.sort();
    codes.dedup();
    codes
}

#[test]
fn every_error_code_has_a_message_in_every_language() {
    let i18n = I18n::load().unwrap_or_else(|e| panic!("{e}"));
    let codes = all_codes();
    // The scan found the codes it is meant to find.
    for known in [
        "invalid_text",
        "invalid_membership",
        "common_password",
        "invalid_page",
        "card_declined",
        "malformed_json",
        "upload_too_large",
        // Made with a status known only at run time.
        "invalid_request",
    ] {
        assert!(
            codes.iter().any(|c| c == known),
            "{known} not found among {codes:?}"
        );
    }
    let mut missing = Vec::new();
    for locale in Locale::ALL {
        for code in &codes {
            if !i18n.has(locale, &format!("error-{code}")) {
                missing.push(format!("{locale:?}: error-{code}"));
            }
        }
    }
    assert!(missing.is_empty(), "messages missing: {missing:#?}");
}
