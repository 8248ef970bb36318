//! A search index that matches words.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use kenning_domain::ids::ProductId;

use super::lock;
use crate::ports::{
    IndexError, LessonHit, LessonSearch, ProductSearch, SearchEngine, SearchEntry, SearchHit,
    SearchSort,
};

/// The words of a text, lower-cased, for matching.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A search index over the entries it was given: a product matches when every word of
/// the query is among the words of its title, description, tags, lesson titles or
/// preview text (any language); locked lesson text is kept apart and searched only
/// within the products a query names.
#[derive(Debug, Default)]
pub struct MemorySearch {
    entries: Mutex<BTreeMap<ProductId, SearchEntry>>,
    lesson_queries: Mutex<Vec<LessonSearch>>,
}

impl MemorySearch {
    /// The products indexed now.
    pub fn indexed(&self) -> Vec<ProductId> {
        lock(&self.entries).keys().copied().collect()
    }

    pub fn entry(&self, product: ProductId) -> Option<SearchEntry> {
        lock(&self.entries).get(&product).cloned()
    }

    /// Every lesson search asked of it, oldest first.
    pub fn lesson_queries(&self) -> Vec<LessonSearch> {
        lock(&self.lesson_queries).clone()
    }

    fn public_words(entry: &SearchEntry) -> HashSet<String> {
        let p = &entry.product;
        let mut texts: Vec<String> = Vec::new();
        for locale in p.title.locales() {
            texts.push(p.title.get(locale).to_owned());
        }
        for locale in p.description.locales() {
            texts.push(p.description.get(locale).to_owned());
        }
        texts.extend(p.tags.iter().cloned());
        for lesson in &entry.lessons {
            for locale in lesson.title.locales() {
                texts.push(lesson.title.get(locale).to_owned());
            }
        }
        for lesson in &entry.previews {
            for locale in lesson.body.locales() {
                texts.push(lesson.body.get(locale).to_owned());
            }
        }
        texts.iter().flat_map(|t| words(t)).collect()
    }
}

impl SearchEngine for MemorySearch {
    fn upsert(&self, entry: &SearchEntry) -> Result<(), IndexError> {
        lock(&self.entries).insert(entry.product.id, entry.clone());
        Ok(())
    }

    fn remove(&self, product: ProductId) -> Result<(), IndexError> {
        lock(&self.entries).remove(&product);
        Ok(())
    }

    fn rebuild(&self, entries: &[SearchEntry]) -> Result<(), IndexError> {
        let mut index = lock(&self.entries);
        index.clear();
        for entry in entries {
            index.insert(entry.product.id, entry.clone());
        }
        Ok(())
    }

    fn search(&self, query: &ProductSearch) -> Result<Vec<SearchHit>, IndexError> {
        let wanted = words(&query.text);
        let index = lock(&self.entries);
        let mut hits: Vec<&SearchEntry> = index
            .values()
            .filter(|e| {
                let have = MemorySearch::public_words(e);
                !wanted.is_empty() && wanted.iter().all(|w| have.contains(w))
            })
            .filter(|e| query.kind.is_none_or(|k| e.product.kind == k))
            .filter(|e| {
                let price = e.product.prices.in_currency(query.currency);
                let minor = price.map(|p| p.amount_minor);
                query
                    .min_price
                    .is_none_or(|min| minor.is_some_and(|m| m >= min))
                    && query
                        .max_price
                        .is_none_or(|max| minor.is_some_and(|m| m <= max))
            })
            .collect();
        match query.sort {
            SearchSort::Newest => {
                hits.sort_by_key(|e| std::cmp::Reverse(e.product.published_at_ms))
            }
            SearchSort::PriceLow | SearchSort::PriceHigh => {
                hits.sort_by_key(|e| {
                    e.product
                        .prices
                        .in_currency(query.currency)
                        .map_or(i64::MAX, |p| p.amount_minor)
                });
                if query.sort == SearchSort::PriceHigh {
                    hits.reverse();
                }
            }
            SearchSort::Relevance | SearchSort::Rating => {}
        }
        Ok(hits
            .into_iter()
            .take(query.limit)
            .map(|e| SearchHit {
                product: e.product.id,
                highlight: e.product.title.get(query.locale).to_owned(),
            })
            .collect())
    }

    fn search_lessons(&self, query: &LessonSearch) -> Result<Vec<LessonHit>, IndexError> {
        lock(&self.lesson_queries).push(query.clone());
        let wanted = words(&query.text);
        let index = lock(&self.entries);
        let mut hits = Vec::new();
        for entry in index.values() {
            if let Some(allowed) = &query.products
                && !allowed.contains(&entry.product.id)
            {
                continue;
            }
            for lesson in &entry.locked {
                let have: HashSet<String> = lesson
                    .body
                    .locales()
                    .flat_map(|l| words(lesson.body.get(l)))
                    .collect();
                if !wanted.is_empty() && wanted.iter().all(|w| have.contains(w)) {
                    hits.push(LessonHit {
                        lesson: lesson.id,
                        product: entry.product.id,
                        highlight: lesson.title.get(query.locale).to_owned(),
                    });
                }
            }
        }
        hits.truncate(query.limit);
        Ok(hits)
    }
}
