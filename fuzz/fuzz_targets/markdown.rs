//! Lesson and product Markdown written by creators, rendered as readers see it: no
//! script, no event handler, no `javascript:` address and no image from a host the
//! operator has not allowed survives, whatever the Markdown (and HTML inside it) says.
//! Addresses are judged the way a browser resolves them (WHATWG URL parsing).
//!
//! The renderer is kenning-web's own file, compiled here by itself: building all of
//! kenning-web (axum, askama, utoipa …) for the fuzzer would take longer than CI allows.
//! The file must therefore only use std, pulldown-cmark, ammonia and url.
#![no_main]

#[allow(dead_code)]
#[path = "../../crates/kenning-web/src/markdown.rs"]
mod markdown;

use libfuzzer_sys::fuzz_target;
use markdown::Markdown;

const SITE: &str = "https://kenning.test/lessons/1";
const ALLOWED: &str = "images.example.com";

/// The start tags of serialized HTML with their attributes (html5ever writes every
/// value in double quotes, and escapes `<` and `>` in text, so this is exact).
fn start_tags(html: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut tags = Vec::new();
    let mut chars = html.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '<' {
            continue;
        }
        let mut name = String::new();
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '>' {
                break;
            }
            name.push(c);
            chars.next();
        }
        let mut attributes = Vec::new();
        loop {
            while chars.peek().is_some_and(|c| c.is_whitespace() || *c == '/') {
                chars.next();
            }
            match chars.peek() {
                None => break,
                Some('>') => {
                    chars.next();
                    break;
                }
                _ => {}
            }
            let mut attribute = String::new();
            while let Some(&c) = chars.peek() {
                if c.is_whitespace() || c == '=' || c == '>' {
                    break;
                }
                attribute.push(c);
                chars.next();
            }
            let mut value = String::new();
            if chars.peek() == Some(&'=') {
                chars.next();
                assert_eq!(chars.next(), Some('"'), "unquoted value in {html}");
                for c in chars.by_ref() {
                    if c == '"' {
                        break;
                    }
                    value.push(c);
                }
            }
            attributes.push((
                attribute,
                value.replace("&quot;", "\"").replace("&amp;", "&"),
            ));
        }
        if !name.starts_with('/') {
            tags.push((name.to_ascii_lowercase(), attributes));
        }
    }
    tags
}

fuzz_target!(|text: &str| {
    let html = Markdown::new(&[ALLOWED.to_owned()]).to_safe_html(text);
    let site = url::Url::parse(SITE).expect("a valid base");
    for (tag, attributes) in start_tags(&html) {
        assert!(
            !matches!(
                tag.as_str(),
                "script" | "iframe" | "object" | "embed" | "style" | "form"
            ),
            "{text:?} gave {html}"
        );
        for (name, value) in attributes {
            assert!(
                !name.to_ascii_lowercase().starts_with("on"),
                "{text:?} gave {html}"
            );
            if !matches!(name.as_str(), "href" | "src" | "srcset" | "cite" | "action") {
                continue;
            }
            let Ok(resolved) = site.join(&value) else {
                continue;
            };
            assert!(
                !matches!(resolved.scheme(), "javascript" | "vbscript" | "data"),
                "{text:?} gave {html}"
            );
            if tag == "img" {
                let host = resolved.host_str().unwrap_or_default();
                assert!(
                    host == "kenning.test" || host == ALLOWED,
                    "{text:?} kept an image from {host:?}: {html}"
                );
            }
        }
    }
});
