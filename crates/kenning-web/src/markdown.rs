//! Markdown written by creators, rendered to HTML that cannot run script: pulldown-cmark
//! renders, ammonia keeps only safe tags and attributes.
//!
//! Images from other sites would let a creator (or anyone whose image they embed) watch
//! who reads a lesson and when (tracking pixels), so an image is shown only when it is
//! on this server (a relative address) or on a host the operator allows
//! (`--markdown-image-hosts`). Any other image becomes a plain link to it, labelled with
//! its alt text, so a reader can still open it on purpose.

use std::collections::HashSet;
use std::sync::Arc;

use pulldown_cmark::{CowStr, Event, LinkType, Options, Parser, Tag, TagEnd, html};

/// Renders creators' Markdown; built once from the operator's settings.
#[derive(Clone, Debug, Default)]
pub struct Markdown {
    image_hosts: Arc<HashSet<String>>,
}

/// The host an absolute (or scheme-relative) address points to, lower-cased; None for
/// an address on this server.
fn foreign_host(url: &str) -> Option<Result<String, ()>> {
    let trimmed = url.trim();
    let has_scheme = trimmed
        .split_once(':')
        .is_some_and(|(scheme, _)| !scheme.is_empty() && !scheme.contains(['/', '?', '#']));
    if !has_scheme && !trimmed.starts_with("//") && !trimmed.starts_with("\\\\") {
        return None;
    }
    let absolute = if has_scheme {
        url::Url::parse(trimmed)
    } else {
        url::Url::parse(&format!("https:{trimmed}"))
    };
    Some(
        absolute
            .ok()
            .and_then(|u| u.host_str().map(str::to_ascii_lowercase))
            .ok_or(()),
    )
}

impl Markdown {
    /// `image_hosts`: hosts whose images lessons may show (e.g. `images.example.com`).
    pub fn new(image_hosts: &[String]) -> Markdown {
        Markdown {
            image_hosts: Arc::new(
                image_hosts
                    .iter()
                    .map(|h| h.trim().trim_end_matches('.').to_ascii_lowercase())
                    .filter(|h| !h.is_empty())
                    .collect(),
            ),
        }
    }

    /// Whether an image at `url` may be shown.
    fn image_allowed(hosts: &HashSet<String>, url: &str) -> bool {
        match foreign_host(url) {
            None => true,
            Some(Ok(host)) => hosts.contains(&host),
            Some(Err(())) => false,
        }
    }

    pub fn to_safe_html(&self, markdown: &str) -> String {
        let mut options = Options::empty();
        options.insert(Options::ENABLE_TABLES);
        options.insert(Options::ENABLE_STRIKETHROUGH);
        options.insert(Options::ENABLE_TASKLISTS);
        let hosts = &*self.image_hosts;
        // Inside a link an image that may not be shown is only its alt text (a link
        // cannot hold another link).
        let mut link_depth = 0usize;
        let mut dropped_images: Vec<bool> = Vec::new();
        let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
            Event::Start(Tag::Link { .. }) => {
                link_depth += 1;
                Some(event)
            }
            Event::End(TagEnd::Link) => {
                link_depth = link_depth.saturating_sub(1);
                Some(event)
            }
            Event::Start(Tag::Image {
                dest_url, title, ..
            }) => {
                if Self::image_allowed(hosts, &dest_url) {
                    dropped_images.push(false);
                    Some(Event::Start(Tag::Image {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id: CowStr::Borrowed(""),
                    }))
                } else if link_depth > 0 {
                    dropped_images.push(true);
                    None
                } else {
                    dropped_images.push(true);
                    Some(Event::Start(Tag::Link {
                        link_type: LinkType::Inline,
                        dest_url,
                        title,
                        id: CowStr::Borrowed(""),
                    }))
                }
            }
            Event::End(TagEnd::Image) => match dropped_images.pop() {
                Some(true) if link_depth > 0 => None,
                Some(true) => Some(Event::End(TagEnd::Link)),
                _ => Some(event),
            },
            other => Some(other),
        });
        let mut unsafe_html = String::with_capacity(markdown.len() * 3 / 2);
        html::push_html(&mut unsafe_html, events);
        let hosts = Arc::clone(&self.image_hosts);
        ammonia::Builder::default()
            .link_rel(Some("noopener noreferrer nofollow"))
            // Images written as HTML keep their alt text but lose a foreign address.
            .attribute_filter(move |element, attribute, value| {
                if element == "img"
                    && matches!(attribute, "src" | "srcset")
                    && !Self::image_allowed(&hosts, value)
                {
                    return None;
                }
                Some(value.into())
            })
            .clean(&unsafe_html)
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(markdown: &str) -> String {
        Markdown::new(&["images.example.com".to_owned()]).to_safe_html(markdown)
    }

    #[test]
    fn markdown_becomes_html() {
        assert!(render("# Title\n\n*x*").contains("<h1>Title</h1>"));
    }

    #[test]
    fn script_and_event_handlers_are_removed() {
        let html = render(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))",
        );
        assert!(!html.contains("<script"));
        assert!(!html.contains("onerror"));
        assert!(!html.contains("javascript:"));
    }

    #[test]
    fn images_from_other_hosts_become_links() {
        let html = render("![pixel](https://tracker.example/p.gif)");
        assert!(!html.contains("<img"), "{html}");
        assert!(
            html.contains("href=\"https://tracker.example/p.gif\""),
            "{html}"
        );
        assert!(html.contains(">pixel</a>"), "{html}");
        let html = render("![pixel](//tracker.example/p.gif)");
        assert!(!html.contains("<img"), "{html}");
    }

    #[test]
    fn images_written_as_html_lose_a_foreign_address() {
        let html = render("<img src=\"https://tracker.example/p.gif\" alt=\"pixel\">");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(html.contains("alt=\"pixel\""), "{html}");
    }

    #[test]
    fn images_inside_links_become_their_alt_text() {
        let html = render("[![logo](https://tracker.example/l.png)](https://site.example)");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("tracker.example"), "{html}");
        assert!(html.contains(">logo</a>"), "{html}");
    }

    #[test]
    fn local_and_allowed_images_are_kept() {
        assert!(render("![c](/media/covers/a/b)").contains("<img src=\"/media/covers/a/b\""));
        assert!(
            render("![c](https://IMAGES.example.com/a.png)")
                .contains("<img src=\"https://IMAGES.example.com/a.png\"")
        );
        assert!(render("<img src=\"https://images.example.com/a.png\">").contains("<img src="));
    }
}
