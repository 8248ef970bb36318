//! Full-text search over the public catalog with tantivy: jieba segments Chinese, English
//! is stemmed and matched with prefixes and one typo. Results carry a highlighted snippet.
//!
//! An index holds only what its caller puts in. [`CatalogSearch`] is the engine behind the
//! app's `SearchEngine` port: two indexes, one of what anyone may see (titles,
//! descriptions, tags, lesson titles and preview lesson text), one of the text of locked
//! lessons. They live in memory and are rebuilt from the database, so they are never the
//! only copy of anything.

mod catalog;

pub use catalog::CatalogSearch;

use std::collections::HashMap;
use std::ops::Bound;
use std::sync::Mutex;

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{
    BooleanQuery, Occur, Query, QueryParser, RangeQuery, TermQuery, TermSetQuery,
};
use tantivy::schema::{
    FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::tokenizer::{LowerCaser, TextAnalyzer};
use tantivy::{DocAddress, Index, IndexReader, IndexWriter, Searcher, TantivyDocument, Term};

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
    /// Description, tags, lesson titles and preview text, in English.
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
    /// HTML with the matched words in `<b>`; the rest is escaped.
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
        doc.add_text(f.title_en, &d.title_en);
        doc.add_text(f.title_zh, &d.title_zh);
        doc.add_text(f.text_en, &d.text_en);
        doc.add_text(f.text_zh, &d.text_zh);
        doc.add_text(f.highlight_zh, format!("{}。{}", d.title_zh, d.text_zh));
        doc.add_text(f.title_words_en, &d.title_en);
        doc.add_text(f.words_en, &d.text_en);
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
        let f = &self.f;
        let searcher = self.reader.searcher();
        let mut parser = QueryParser::for_index(
            &self.index,
            vec![
                f.title_en,
                f.title_zh,
                f.text_en,
                f.text_zh,
                f.title_words_en,
                f.words_en,
            ],
        );
        parser.set_field_boost(f.title_en, 3.0);
        parser.set_field_boost(f.title_zh, 3.0);
        parser.set_field_boost(f.title_words_en, 2.0);
        parser.set_field_boost(f.words_en, 0.5);
        // Prefixes ("isolat" finds "isolation") and one typo ("databse") in English,
        // matched against the unstemmed words.
        parser.set_field_fuzzy(f.title_words_en, true, 1, true);
        parser.set_field_fuzzy(f.words_en, true, 1, true);
        // Operators typed by people are taken as words, never as errors.
        let (text_query, _errors) = parser.parse_query_lenient(q.text.trim());
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text_query)];
        if let Some(groups) = &q.groups {
            if groups.is_empty() {
                return Ok(Vec::new());
            }
            clauses.push((
                Occur::Must,
                Box::new(TermSetQuery::new(
                    groups.iter().map(|g| Term::from_field_text(f.group, g)),
                )),
            ));
        }
        if let Some(kind) = &q.kind {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.kind, kind),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        if let Some(language) = &q.language {
            clauses.push((
                Occur::Must,
                Box::new(TermQuery::new(
                    Term::from_field_text(f.language, language),
                    IndexRecordOption::Basic,
                )),
            ));
        }
        let price_field = q.currency.as_ref().and_then(|c| f.prices.get(c).copied());
        if let Some(field) = price_field
            && (q.min_price.is_some() || q.max_price.is_some())
        {
            let bound = |v: Option<i64>, inclusive: fn(Term) -> Bound<Term>| match v {
                Some(v) => inclusive(Term::from_field_i64(field, v)),
                None => Bound::Unbounded,
            };
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    bound(q.min_price, Bound::Included),
                    bound(q.max_price, Bound::Included),
                )),
            ));
        }
        if let Some(min) = q.min_rating_centi {
            clauses.push((
                Occur::Must,
                Box::new(RangeQuery::new(
                    Bound::Included(Term::from_field_i64(f.rating, min)),
                    Bound::Unbounded,
                )),
            ));
        }
        let query = BooleanQuery::new(clauses);
        let limit = if q.limit == 0 { 20 } else { q.limit };
        let addresses = self.ranked(&searcher, &query, q.sort, price_field, limit)?;

        let (snippets, title_snippets) = if q.highlight_language.starts_with("zh") {
            let plain = QueryParser::for_index(&self.index, vec![f.highlight_zh]);
            let (hl_query, _) = plain.parse_query_lenient(q.text.trim());
            let s = SnippetGenerator::create(&searcher, &*hl_query, f.highlight_zh)?;
            (s, None)
        } else {
            (
                SnippetGenerator::create(&searcher, &query, f.text_en)?,
                Some(SnippetGenerator::create(&searcher, &query, f.title_en)?),
            )
        };

        let mut hits = Vec::with_capacity(addresses.len());
        for (score, address) in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let stored = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_owned()
            };
            let (id, group) = (stored(f.id), stored(f.group));
            let mut highlight = snippets.snippet_from_doc(&doc).to_html();
            if highlight.is_empty()
                && let Some(titles) = &title_snippets
            {
                highlight = titles.snippet_from_doc(&doc).to_html();
            }
            hits.push(Hit {
                id,
                group,
                score,
                highlight,
            });
        }
        Ok(hits)
    }

    /// The best `limit` matches: by score, or by a column read from the fast fields (only
    /// the final page is ever loaded from the store).
    fn ranked(
        &self,
        searcher: &Searcher,
        query: &dyn Query,
        sort: Sort,
        price_field: Option<Field>,
        limit: usize,
    ) -> Result<Vec<(f32, DocAddress)>, SearchError> {
        let column = match (sort, price_field) {
            (Sort::Relevance, _) => None,
            (Sort::Newest, _) => Some(("published".to_owned(), true)),
            (Sort::Rating, _) => Some((RATING.to_owned(), true)),
            (Sort::PriceLow | Sort::PriceHigh, Some(field)) => Some((
                self.index.schema().get_field_name(field).to_owned(),
                sort == Sort::PriceHigh,
            )),
            (Sort::PriceLow | Sort::PriceHigh, None) => None,
        };
        let Some((column, descending)) = column else {
            return Ok(searcher.search(query, &TopDocs::with_limit(limit).order_by_score())?);
        };
        let matches = searcher.search(query, &DocSetCollector)?;
        let mut keyed: Vec<(i64, DocAddress)> = Vec::with_capacity(matches.len());
        let mut columns = HashMap::new();
        for address in matches {
            let values = match columns.entry(address.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(e) => e.insert(
                    searcher
                        .segment_reader(address.segment_ord)
                        .fast_fields()
                        .i64(&column)?,
                ),
            };
            // Products without a price in this currency sort last either way.
            let missing = if descending { i64::MIN } else { i64::MAX };
            keyed.push((values.first(address.doc_id).unwrap_or(missing), address));
        }
        if descending {
            keyed.sort_by_key(|(v, a)| (std::cmp::Reverse(*v), *a));
        } else {
            keyed.sort_by_key(|(v, a)| (*v, *a));
        }
        Ok(keyed
            .into_iter()
            .take(limit)
            .map(|(_, a)| (0.0, a))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(
        id: &str,
        kind: &str,
        en: (&str, &str),
        zh: (&str, &str),
        cny: i64,
        at: i64,
    ) -> SearchDoc {
        SearchDoc {
            id: id.into(),
            kind: kind.into(),
            languages: vec!["en".into(), "zh-CN".into()],
            title_en: en.0.into(),
            text_en: en.1.into(),
            title_zh: zh.0.into(),
            text_zh: zh.1.into(),
            prices: vec![("CNY".into(), cny)],
            published_at_ms: at,
            group: format!("group-of-{kind}"),
            rating_centi: match id {
                "rust" => 450,
                "db" => 380,
                "tea" => 490,
                _ => 0,
            },
        }
    }

    fn index() -> SearchIndex {
        let idx = SearchIndex::in_memory(&["CNY", "USD"]).unwrap_or_else(|e| panic!("{e}"));
        idx.rebuild(&[
            doc(
                "rust",
                "course",
                (
                    "Rust in Practice",
                    "Build fast web services with ownership and async.",
                ),
                (
                    "Rust 实战",
                    "用 Rust 构建高性能 Web 服务，讲透所有权与异步。",
                ),
                19900,
                3,
            ),
            doc(
                "db",
                "course",
                (
                    "Database Internals",
                    "B-trees, write-ahead logs and isolation levels.",
                ),
                ("数据库内核入门", "B 树、预写日志与隔离级别。"),
                14900,
                2,
            ),
            doc(
                "tea",
                "ebook",
                (
                    "Tea: A Field Guide",
                    "Six families of tea and how to brew them.",
                ),
                ("中国茶田野指南", "六大茶类的制作工艺与冲泡方法。"),
                3900,
                1,
            ),
        ])
        .unwrap_or_else(|e| panic!("{e}"));
        idx
    }

    fn ids(idx: &SearchIndex, q: SearchQuery) -> Vec<String> {
        idx.search(&q)
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .map(|h| h.id)
            .collect()
    }

    fn q(text: &str) -> SearchQuery {
        SearchQuery {
            text: text.into(),
            ..SearchQuery::default()
        }
    }

    #[test]
    fn english_is_stemmed_prefixed_and_typo_tolerant() {
        let idx = index();
        assert_eq!(
            ids(&idx, q("rust")).first().map(String::as_str),
            Some("rust")
        );
        assert_eq!(
            ids(&idx, q("brewing teas")).first().map(String::as_str),
            Some("tea")
        );
        assert_eq!(
            ids(&idx, q("databse")).first().map(String::as_str),
            Some("db")
        );
        assert_eq!(
            ids(&idx, q("isolat")).first().map(String::as_str),
            Some("db")
        );
    }

    #[test]
    fn a_near_miss_in_a_title_outranks_one_in_a_description_across_segments() {
        let idx = SearchIndex::in_memory(&["CNY"]).unwrap_or_else(|e| panic!("{e}"));
        // One upsert per product: several segments, each with its own statistics.
        idx.upsert(&[doc(
            "rust",
            "course",
            (
                "Rust in Practice",
                "Ownership, async, databases and testing, explained with one running project.",
            ),
            ("", ""),
            1,
            1,
        )])
        .unwrap_or_else(|e| panic!("{e}"));
        idx.upsert(&[doc(
            "db",
            "course",
            (
                "Database Internals for Application Engineers",
                "B-trees and isolation levels.",
            ),
            ("", ""),
            1,
            2,
        )])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            ids(&idx, q("databse")).first().map(String::as_str),
            Some("db")
        );
    }

    #[test]
    fn chinese_is_segmented() {
        let idx = index();
        assert_eq!(
            ids(&idx, q("数据库")).first().map(String::as_str),
            Some("db")
        );
        assert_eq!(
            ids(&idx, q("冲泡")).first().map(String::as_str),
            Some("tea")
        );
        assert_eq!(
            ids(&idx, q("异步")).first().map(String::as_str),
            Some("rust")
        );
    }

    #[test]
    fn filters_and_sorts_apply() {
        let idx = index();
        let all = |sort| SearchQuery {
            text: "course OR ebook OR rust OR tea OR database".into(),
            sort,
            currency: Some("CNY".into()),
            ..SearchQuery::default()
        };
        assert_eq!(
            ids(
                &idx,
                SearchQuery {
                    kind: Some("ebook".into()),
                    ..all(Sort::Relevance)
                }
            ),
            vec!["tea"]
        );
        assert_eq!(ids(&idx, all(Sort::Newest)), vec!["rust", "db", "tea"]);
        assert_eq!(ids(&idx, all(Sort::PriceLow)), vec!["tea", "db", "rust"]);
        assert_eq!(
            ids(
                &idx,
                SearchQuery {
                    min_price: Some(10_000),
                    max_price: Some(15_000),
                    ..all(Sort::PriceHigh)
                }
            ),
            vec!["db"]
        );
        assert!(
            ids(
                &idx,
                SearchQuery {
                    language: Some("fr".into()),
                    ..all(Sort::Relevance)
                }
            )
            .is_empty()
        );
        assert_eq!(ids(&idx, all(Sort::Rating)), vec!["tea", "rust", "db"]);
        assert_eq!(
            ids(
                &idx,
                SearchQuery {
                    min_rating_centi: Some(400),
                    ..all(Sort::Rating)
                }
            ),
            vec!["tea", "rust"]
        );
    }

    #[test]
    fn results_highlight_the_match_and_escape_the_rest() {
        let idx = index();
        let hits = idx
            .search(&SearchQuery {
                text: "隔离".into(),
                highlight_language: "zh".into(),
                ..SearchQuery::default()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(
            hits.first()
                .is_some_and(|h| h.highlight.contains("<b>隔离</b>")),
            "{hits:?}"
        );
        idx.upsert(&[doc(
            "x",
            "report",
            ("<script>alert(1)</script> report", "about <script> tags"),
            ("", ""),
            1,
            0,
        )])
        .unwrap_or_else(|e| panic!("{e}"));
        let hits = idx.search(&q("report")).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            hits.iter().all(|h| !h.highlight.contains("<script>")),
            "{hits:?}"
        );
    }

    #[test]
    fn removed_and_replaced_products_leave_no_trace() {
        let idx = index();
        idx.remove("tea").unwrap_or_else(|e| panic!("{e}"));
        assert!(ids(&idx, q("tea")).is_empty());
        idx.upsert(&[doc(
            "rust",
            "course",
            ("Rust Again", "renamed"),
            ("", ""),
            1,
            9,
        )])
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(idx.len(), 2);
        assert_eq!(ids(&idx, q("renamed")), vec!["rust"]);
    }

    #[test]
    fn a_search_can_be_restricted_to_groups() {
        let idx = index();
        let everything = ids(&idx, q("rust"));
        assert!(!everything.is_empty());
        let only = |groups: Vec<&str>| {
            ids(
                &idx,
                SearchQuery {
                    groups: Some(groups.into_iter().map(String::from).collect()),
                    ..q("rust")
                },
            )
        };
        assert!(only(vec![]).is_empty(), "an empty set allows nothing");
        assert!(only(vec!["group-of-nothing"]).is_empty());
        let courses = only(vec!["group-of-course"]);
        assert!(!courses.is_empty());
        assert!(courses.len() <= everything.len());
        let hits = idx
            .search(&SearchQuery {
                groups: Some(vec!["group-of-course".into()]),
                ..q("rust")
            })
            .unwrap_or_default();
        assert!(hits.iter().all(|h| h.group == "group-of-course"));
    }

    #[test]
    fn operators_typed_by_people_are_not_errors() {
        let idx = index();
        assert!(idx.search(&q("rust AND (")).is_ok());
        assert!(idx.search(&q("\"unterminated")).is_ok());
    }
}
