//! Pages rendered once and served many times.
//!
//! A public page looks the same to every visitor who is not signed in and shares its
//! language, currency and country, except for a few values that belong to the request:
//! the form token bound to the visitor's cookie and the idempotency key of a buy form.
//! Such a page is rendered with placeholders in their place, kept, and filled in for
//! each response: copying the kept HTML costs far less than formatting every message
//! and price again.
//!
//! Freshness is not decided here. An entry is kept with the page model's public part
//! it was rendered from (for a product page, the app's cached showcase, compared by
//! pointer, and what changes with the clock), and it is used only while the model of
//! the request is that same one: when the app's catalog cache refreshes or the change
//! feed clears it, the next request renders again. So this cache adds no staleness of
//! its own, only skips work whose result is known.
//!
//! The placeholders are random per process, so no text a creator writes can contain
//! one and have a visitor's token written into it.

use std::collections::HashMap;
use std::hash::Hash;
use std::ops::Range;
use std::sync::{Arc, Mutex};

/// What differs per response in a kept page.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Slot {
    /// The form token ([`crate::context::RequestContext::csrf`]).
    Csrf,
    /// A fresh idempotency key for a buy form.
    OrderKey,
}

/// The placeholders pages are rendered with (alphanumeric, so HTML escaping keeps them
/// as they are).
#[derive(Debug)]
pub struct Placeholders {
    pub csrf: String,
    pub order_key: String,
}

impl Placeholders {
    fn random() -> Placeholders {
        let nonce = kenning_app::accounts::random_uuid().simple().to_string();
        Placeholders {
            csrf: format!("kslot{nonce}csrf"),
            order_key: format!("kslot{nonce}order"),
        }
    }
}

/// The values of one response.
pub struct Fill<'a> {
    pub csrf: &'a str,
    pub order_key: &'a str,
}

/// A rendered page with its placeholders located.
#[derive(Debug)]
struct Kept {
    html: String,
    slots: Vec<(Range<usize>, Slot)>,
}

impl Kept {
    fn new(html: String, placeholders: &Placeholders) -> Kept {
        let mut slots: Vec<(Range<usize>, Slot)> = [
            (placeholders.csrf.as_str(), Slot::Csrf),
            (placeholders.order_key.as_str(), Slot::OrderKey),
        ]
        .into_iter()
        .flat_map(|(needle, slot)| {
            html.match_indices(needle)
                .map(move |(at, _)| (at..at + needle.len(), slot))
                .collect::<Vec<_>>()
        })
        .collect();
        slots.sort_by_key(|(range, _)| range.start);
        Kept { html, slots }
    }

    /// The page with this response's values in place of the placeholders.
    fn fill(&self, values: &Fill<'_>) -> String {
        let mut out = String::with_capacity(self.html.len() + 64);
        let mut from = 0;
        for (range, slot) in &self.slots {
            out.push_str(&self.html[from..range.start]);
            out.push_str(match slot {
                Slot::Csrf => values.csrf,
                Slot::OrderKey => values.order_key,
            });
            from = range.end;
        }
        out.push_str(&self.html[from..]);
        out
    }

    fn bytes(&self) -> usize {
        self.html.len()
    }
}

/// A kept page and the model it was rendered from.
pub struct Entry<M> {
    model: M,
    page: Kept,
}

impl<M> Entry<M> {
    /// The page with this response's values in place of the placeholders.
    pub fn fill(&self, values: &Fill<'_>) -> String {
        self.page.fill(values)
    }
}

/// Kept pages by key, each with the model it was rendered from (`M`: compared with the
/// request's model to decide whether the page still holds).
pub struct PageCache<K, M> {
    placeholders: Placeholders,
    /// Past this many bytes of HTML the cache is emptied and fills again.
    budget: usize,
    inner: Mutex<Entries<K, M>>,
}

struct Entries<K, M> {
    map: HashMap<K, Arc<Entry<M>>>,
    bytes: usize,
}

impl<K: Eq + Hash, M: PartialEq> PageCache<K, M> {
    pub fn new(budget: usize) -> Self {
        PageCache {
            placeholders: Placeholders::random(),
            budget,
            inner: Mutex::new(Entries {
                map: HashMap::new(),
                bytes: 0,
            }),
        }
    }

    /// The page kept for `key` when it was rendered from a model equal to `model`;
    /// otherwise `render` renders it from `model`, writing the placeholders it is given
    /// instead of the per-response values, and it is kept. `None` when rendering fails.
    pub fn get_or_render(
        &self,
        key: K,
        model: M,
        render: impl FnOnce(&M, &Placeholders) -> Option<String>,
    ) -> Option<Arc<Entry<M>>> {
        if let Some(hit) = self.lookup(&key).filter(|hit| hit.model == model) {
            return Some(hit);
        }
        let html = render(&model, &self.placeholders)?;
        let page = Kept::new(html, &self.placeholders);
        let entry = Arc::new(Entry { model, page });
        if let Ok(mut inner) = self.inner.lock() {
            if inner.bytes + entry.page.bytes() > self.budget {
                inner.map.clear();
                inner.bytes = 0;
            }
            inner.bytes += entry.page.bytes();
            if let Some(old) = inner.map.insert(key, Arc::clone(&entry)) {
                inner.bytes -= old.page.bytes();
            }
        }
        Some(entry)
    }

    fn lookup(&self, key: &K) -> Option<Arc<Entry<M>>> {
        let inner = self.inner.lock().ok()?;
        inner.map.get(key).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(_model: &u32, p: &Placeholders, title: &str) -> Option<String> {
        Some(format!(
            "<h1>{title}</h1><input value=\"{}\"><input value=\"{}\"><b>{}</b>",
            p.csrf, p.order_key, p.csrf
        ))
    }

    #[test]
    fn every_placeholder_is_filled_per_response() {
        let cache: PageCache<u8, u32> = PageCache::new(1 << 20);
        let kept = cache
            .get_or_render(1, 7, |m, p| page(m, p, "A"))
            .expect("rendered");
        let html = kept.fill(&Fill {
            csrf: "tok",
            order_key: "key-1",
        });
        assert_eq!(
            html,
            "<h1>A</h1><input value=\"tok\"><input value=\"key-1\"><b>tok</b>"
        );
        assert!(!html.contains("kslot"));
    }

    #[test]
    fn a_page_is_rendered_again_when_its_model_changes() {
        let cache: PageCache<u8, u32> = PageCache::new(1 << 20);
        let fill = Fill {
            csrf: "t",
            order_key: "k",
        };
        let first = cache
            .get_or_render(1, 7, |m, p| page(m, p, "A"))
            .expect("A");
        let same = cache
            .get_or_render(1, 7, |_, _| panic!("rendered twice"))
            .expect("kept");
        assert_eq!(first.fill(&fill), same.fill(&fill));
        let changed = cache
            .get_or_render(1, 8, |m, p| page(m, p, "B"))
            .expect("B");
        assert!(changed.fill(&fill).contains("<h1>B</h1>"));
        let other_key = cache
            .get_or_render(2, 8, |m, p| page(m, p, "C"))
            .expect("C");
        assert!(other_key.fill(&fill).contains("<h1>C</h1>"));
    }

    #[test]
    fn the_budget_bounds_what_is_kept() {
        let cache: PageCache<u32, u32> = PageCache::new(1000);
        for key in 0..100 {
            cache
                .get_or_render(key, 0, |m, p| page(m, p, "x"))
                .expect("rendered");
        }
        let inner = cache.inner.lock().expect("lock");
        assert!(inner.bytes <= 1000, "{} bytes kept", inner.bytes);
        assert_eq!(
            inner.bytes,
            inner.map.values().map(|e| e.page.bytes()).sum::<usize>()
        );
    }
}
