//! Full-text search over the public catalog with tantivy: jieba segments Chinese, English
//! is stemmed; prefixes, typos and Chinese character pairs are a fallback when exact words
//! find little (see `rank` for how results are chosen). Results carry a highlighted
//! snippet of the plain text (Markdown is indexed without its syntax).
//!
//! An index holds only what its caller puts in. [`CatalogSearch`] is the engine behind the
//! app's `SearchEngine` port: two indexes, one of what anyone may see (titles,
//! descriptions, tags, lesson titles and preview lesson text), one of the text of locked
//! lessons. They live in memory and are rebuilt from the database, so they are never the
//! only copy of anything.

mod catalog;
mod han;
mod plain;
mod rank;
mod words;

pub use catalog::CatalogSearch;

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Mutex;

use tantivy::query::{BooleanQuery, Query, RangeQuery, TermQuery, TermSetQuery};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, TextAnalyzer};
use tantivy::{Index, IndexReader, IndexWriter, Searcher, TantivyDocument, Term};

use han::HanBigrams;
use plain::plain_text;
use words::{Tier, Word, analyze, union};

#[derive(Debug, thiserror::Error)]
pub enum SearchError {
    #[error("search index: {0}")]
    Index(#[from] tantivy::TantivyError),
    #[error("search index lock poisoned")]
    Poisoned,
}

/// One product as the index sees it.
#[derive(Clone, Debug, Default)]
pub struct SearchDoc {
    pub id: String,
    pub kind: String,
    /// Language tags of the product's text ("en", "zh-CN").
    pub languages: Vec<String>,
    pub title_en: String,
    pub title_zh: String,
    /// Description, tags, lesson titles and preview text, in English: Markdown, indexed
    /// and shown in snippets as plain text.
    pub text_en: String,
    /// The same in Chinese.
    pub text_zh: String,
    /// Prices in minor units, by ISO currency code.
    pub prices: Vec<(String, i64)>,
    pub published_at_ms: i64,
    /// An outside key searches can be restricted to, e.g. the product a lesson belongs to
    /// (empty when unused).
    pub group: String,
    /// The average rating in hundredths of a star (450 is 4.5 stars); 0 when unrated.
    pub rating_centi: i64,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Sort {
    #[default]
    Relevance,
    Newest,
    PriceLow,
    PriceHigh,
    /// Best rated first.
    Rating,
}

/// What a person asks for.
#[derive(Clone, Debug, Default)]
pub struct SearchQuery {
    pub text: String,
    pub kind: Option<String>,
    pub language: Option<String>,
    /// Price filter and sort currency, with inclusive bounds in minor units.
    pub currency: Option<String>,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Only products rated at least this, in hundredths of a star.
    pub min_rating_centi: Option<i64>,
    pub sort: Sort,
    pub limit: usize,
    /// Highlight in Chinese ("zh") or English (anything else).
    pub highlight_language: String,
    /// Only documents whose group is one of these; None searches every document.
    pub groups: Option<Vec<String>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Hit {
    pub id: String,
    pub group: String,
    pub score: f32,
    /// HTML with the matched words in `<b>`; the rest is plain text, escaped.
    pub highlight: String,
}

struct Fields {
    id: Field,
    group: Field,
    kind: Field,
    language: Field,
    title_en: Field,
    title_zh: Field,
    text_en: Field,
    text_zh: Field,
    /// English words unstemmed, for prefix and typo matching ("isolat" → "isolation"):
    /// the title apart, so that a near miss in a title outranks one in a description.
    title_words_en: Field,
    words_en: Field,
    /// Chinese title and text segmented without overlapping sub-words: search mode's
    /// overlapping tokens break snippet offsets, so highlights come from this field.
    highlight_zh: Field,
    /// Chinese title and text as overlapping character pairs, for what jieba cuts
    /// differently in a query than in the text.
    han_pairs: Field,
    published: Field,
    rating: Field,
    /// One numeric column per currency ("price_CNY"), in minor units.
    prices: HashMap<String, Field>,
}

pub struct SearchIndex {
    index: Index,
    reader: IndexReader,
    writer: Mutex<IndexWriter>,
    f: Fields,
}

fn price_column(currency: &str) -> String {
    format!("price_{currency}")
}

const RATING: &str = "rating";
const JIEBA: &str = "jieba";
const JIEBA_PLAIN: &str = "jieba_plain";
const ENGLISH: &str = "en_stem";
const HAN_PAIRS: &str = "han_pairs";

fn text_field(tokenizer: &str) -> TextOptions {
    TextOptions::default()
        .set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(tokenizer)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
        .set_stored()
}

impl SearchIndex {
    /// An empty index in memory, with price columns for these currency codes.
    pub fn in_memory(currencies: &[&str]) -> Result<SearchIndex, SearchError> {
        let mut b = Schema::builder();
        let f = Fields {
            id: b.add_text_field("id", STRING | STORED),
            group: b.add_text_field("group", STRING | STORED),
            kind: b.add_text_field("kind", STRING),
            language: b.add_text_field("language", STRING),
            title_en: b.add_text_field("title_en", text_field(ENGLISH)),
            title_zh: b.add_text_field("title_zh", text_field(JIEBA)),
            text_en: b.add_text_field("text_en", text_field(ENGLISH)),
            text_zh: b.add_text_field("text_zh", text_field(JIEBA)),
            title_words_en: b.add_text_field("title_words_en", text_field("default")),
            words_en: b.add_text_field("words_en", text_field("default")),
            highlight_zh: b.add_text_field("highlight_zh", text_field(JIEBA_PLAIN)),
            han_pairs: b.add_text_field(
                "han_pairs",
                TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(HAN_PAIRS)
                        .set_index_option(IndexRecordOption::WithFreqs),
                ),
            ),
            prices: currencies
                .iter()
                .map(|c| {
                    let field = b.add_i64_field(&price_column(c), INDEXED | FAST);
                    ((*c).to_owned(), field)
                })
                .collect(),
            published: b.add_i64_field("published", FAST),
            rating: b.add_i64_field(RATING, INDEXED | FAST),
        };
        let index = Index::create_in_ram(b.build());
        index.tokenizers().register(
            JIEBA,
            TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::new())
                .filter(LowerCaser)
                .build(),
        );
        index.tokenizers().register(
            JIEBA_PLAIN,
            TextAnalyzer::builder(tantivy_jieba::JiebaTokenizer::with_search_mode(false))
                .filter(LowerCaser)
                .build(),
        );
        index
            .tokenizers()
            .register(HAN_PAIRS, TextAnalyzer::from(HanBigrams));
        // One indexing thread with a small arena: catalogs are small, and every node keeps
        // this writer for its lifetime.
        let writer = index.writer_with_num_threads(1, 20_000_000)?;
        let reader = index.reader()?;
        Ok(SearchIndex {
            index,
            reader,
            writer: Mutex::new(writer),
            f,
        })
    }

    fn document(&self, d: &SearchDoc) -> TantivyDocument {
        let f = &self.f;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.id, &d.id);
        doc.add_text(f.group, &d.group);
        doc.add_text(f.kind, &d.kind);
        for l in &d.languages {
            doc.add_text(f.language, l);
        }
        let (text_en, text_zh) = (plain_text(&d.text_en), plain_text(&d.text_zh));
        let zh = format!("{}。{text_zh}", d.title_zh);
        doc.add_text(f.title_en, &d.title_en);
        doc.add_text(f.title_zh, &d.title_zh);
        doc.add_text(f.text_en, &text_en);
        doc.add_text(f.text_zh, &text_zh);
        doc.add_text(f.han_pairs, &zh);
        doc.add_text(f.highlight_zh, zh);
        doc.add_text(f.title_words_en, &d.title_en);
        doc.add_text(f.words_en, &text_en);
        for (currency, amount) in &d.prices {
            if let Some(field) = f.prices.get(currency) {
                doc.add_i64(*field, *amount);
            }
        }
        doc.add_i64(f.published, d.published_at_ms);
        doc.add_i64(f.rating, d.rating_centi);
        doc
    }

    /// Adds or replaces products, then makes them searchable.
    pub fn upsert(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        for d in docs {
            writer.delete_term(Term::from_field_text(self.f.id, &d.id));
            writer.add_document(self.document(d))?;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Removes a product (unpublished or deleted).
    pub fn remove(&self, id: &str) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_term(Term::from_field_text(self.f.id, id));
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces every document of a group with these (none: the group is removed).
    pub fn replace_group(&self, group: &str, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_term(Term::from_field_text(self.f.group, group));
        for d in docs {
            writer.add_document(self.document(d))?;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    /// Replaces everything with these products.
    pub fn rebuild(&self, docs: &[SearchDoc]) -> Result<(), SearchError> {
        let mut writer = self.writer.lock().map_err(|_| SearchError::Poisoned)?;
        writer.delete_all_documents()?;
        for d in docs {
            writer.add_document(self.document(d))?;
        }
        writer.commit()?;
        drop(writer);
        self.reader.reload()?;
        Ok(())
    }

    pub fn len(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn search(&self, q: &SearchQuery) -> Result<Vec<Hit>, SearchError> {
        let searcher = self.reader.searcher();
        let words = words::words(&self.index, &self.f, q.text.trim())?;
        let price_field = q
            .currency
            .as_ref()
            .and_then(|c| self.f.prices.get(c).copied());
        let Some(filters) = self.filters(q, price_field) else {
            return Ok(Vec::new());
        };
        let hits = self.relevant(&searcher, &words, &filters)?;
        let limit = if q.limit == 0 { 20 } else { q.limit };
        let page = self.ordered(&searcher, hits, q.sort, price_field, limit)?;
        self.hits(&searcher, &words, q, page)
    }

    /// What a search is restricted to; None when nothing can match (an empty set of
    /// groups).
    fn filters(&self, q: &SearchQuery, price_field: Option<Field>) -> Option<Vec<Box<dyn Query>>> {
        let f = &self.f;
        let mut filters: Vec<Box<dyn Query>> = Vec::new();
        if let Some(groups) = &q.groups {
            if groups.is_empty() {
                return None;
            }
            filters.push(Box::new(TermSetQuery::new(
                groups.iter().map(|g| Term::from_field_text(f.group, g)),
            )));
        }
        let term = |field, value: &str| -> Box<dyn Query> {
            Box::new(TermQuery::new(
                Term::from_field_text(field, value),
                IndexRecordOption::Basic,
            ))
        };
        if let Some(kind) = &q.kind {
            filters.push(term(f.kind, kind));
        }
        if let Some(language) = &q.language {
            filters.push(term(f.language, language));
        }
        if let Some(field) = price_field
            && (q.min_price.is_some() || q.max_price.is_some())
        {
            let bound = |v: Option<i64>| match v {
                Some(v) => Bound::Included(Term::from_field_i64(field, v)),
                None => Bound::Unbounded,
            };
            filters.push(Box::new(RangeQuery::new(
                bound(q.min_price),
                bound(q.max_price),
            )));
        }
        if let Some(min) = q.min_rating_centi {
            filters.push(Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_i64(f.rating, min)),
                Bound::Unbounded,
            )));
        }
        Some(filters)
    }

    /// The page's documents with their highlighted snippets.
    fn hits(
        &self,
        searcher: &Searcher,
        words: &[Word],
        q: &SearchQuery,
        page: rank::Scored,
    ) -> Result<Vec<Hit>, SearchError> {
        let f = &self.f;
        let (snippets, title_snippets) = if q.highlight_language.starts_with("zh") {
            let query = self.chinese_highlight(words)?;
            (
                SnippetGenerator::create(searcher, &*query, f.highlight_zh)?,
                None,
            )
        } else {
            let exact = union(words.iter().filter_map(|w| w.query(Tier::Exact)).collect())
                .unwrap_or_else(|| Box::new(BooleanQuery::new(Vec::new())));
            (
                SnippetGenerator::create(searcher, &*exact, f.text_en)?,
                Some(SnippetGenerator::create(searcher, &*exact, f.title_en)?),
            )
        };
        let mut hits = Vec::with_capacity(page.len());
        for (score, address) in page {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let mut highlight = snippets.snippet_from_doc(&doc).to_html();
            if highlight.is_empty()
                && let Some(titles) = &title_snippets
            {
                highlight = titles.snippet_from_doc(&doc).to_html();
            }
            hits.push(Hit {
                id: stored(f.id),
                group: stored(f.group),
                score,
                highlight,
            });
        }
        Ok(hits)
    }

    /// The query's words and their jieba sub-words in the highlight field, which is
    /// segmented without sub-words: "异步编程" is highlighted where "异步" and "编程" are.
    fn chinese_highlight(&self, words: &[Word]) -> Result<Box<dyn Query>, SearchError> {
        let mut terms = Vec::new();
        for word in words {
            terms.push(Term::from_field_text(self.f.highlight_zh, word.text()));
            for token in analyze(&self.index, self.f.title_zh, word.text())? {
                terms.push(Term::from_field_text(self.f.highlight_zh, &token));
            }
        }
        Ok(Box::new(TermSetQuery::new(terms)))
    }
}

#[cfg(test)]
mod tests;
