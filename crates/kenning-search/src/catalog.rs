//! The search engine behind the app's port: two kenning-search (tantivy) indexes. The
//! catalog index holds the public text of published products; the lesson index holds the
//! text of locked lessons, one document per lesson grouped by product, and is only ever
//! searched within a set of products the app has checked the person may read.

use crate::{SearchDoc, SearchError, SearchIndex, SearchQuery, Sort};
use kenning_app::ports::{
    IndexError, LessonHit, LessonSearch, ProductSearch, SearchEngine, SearchEntry, SearchHit,
    SearchSort,
};
use kenning_domain::catalog::Lesson;
use kenning_domain::ids::ProductId;
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::Currency;

pub struct CatalogSearch {
    index: SearchIndex,
    lessons: SearchIndex,
}

impl CatalogSearch {
    pub fn new() -> Result<CatalogSearch, IndexError> {
        // A price column for every currency Kenning can price in.
        let codes: Vec<&str> = Currency::all().map(|c| c.code()).collect();
        Ok(CatalogSearch {
            index: SearchIndex::in_memory(&codes).map_err(index_error)?,
            lessons: SearchIndex::in_memory(&[]).map_err(index_error)?,
        })
    }
}

/// A locked lesson as a document of the lesson index.
fn index_error(e: SearchError) -> IndexError {
    match e {
        SearchError::Index(e) => IndexError::Failed(e.to_string()),
        SearchError::Poisoned => IndexError::Poisoned,
    }
}

fn lesson_document(entry: &SearchEntry, lesson: &Lesson) -> SearchDoc {
    SearchDoc {
        id: lesson.id.to_string(),
        group: entry.product.id.to_string(),
        kind: "lesson".to_owned(),
        languages: lesson.body.locales().map(|l| l.tag().to_owned()).collect(),
        title_en: lesson
            .title
            .exact(Locale::En)
            .unwrap_or_default()
            .to_owned(),
        title_zh: lesson
            .title
            .exact(Locale::ZhCn)
            .unwrap_or_default()
            .to_owned(),
        text_en: lesson.body.exact(Locale::En).unwrap_or_default().to_owned(),
        text_zh: lesson
            .body
            .exact(Locale::ZhCn)
            .unwrap_or_default()
            .to_owned(),
        prices: Vec::new(),
        published_at_ms: entry.product.published_at_ms.unwrap_or_default(),
        rating_centi: 0,
    }
}

fn lesson_documents(entry: &SearchEntry) -> Vec<SearchDoc> {
    entry
        .locked
        .iter()
        .map(|l| lesson_document(entry, l))
        .collect()
}

/// The text of one language, joined from several localized pieces.
fn joined<'a>(pieces: impl Iterator<Item = &'a LocalizedText>, locale: Locale) -> String {
    pieces
        .filter_map(|t| t.exact(locale))
        .collect::<Vec<_>>()
        .join("\n")
}

fn document(entry: &SearchEntry) -> SearchDoc {
    let p = &entry.product;
    let tags = LocalizedText::from_pairs([
        (Locale::En, p.tags.join(" ")),
        (Locale::ZhCn, p.tags.join(" ")),
    ]);
    let text = |locale| {
        let pieces = std::iter::once(&p.description)
            .chain(std::iter::once(&tags))
            .chain(entry.lessons.iter().map(|l| &l.title))
            .chain(entry.previews.iter().map(|l| &l.body));
        joined(pieces, locale)
    };
    SearchDoc {
        id: p.id.to_string(),
        kind: p.kind.as_str().to_owned(),
        languages: p.languages().iter().map(|l| l.tag().to_owned()).collect(),
        title_en: p.title.exact(Locale::En).unwrap_or_default().to_owned(),
        title_zh: p.title.exact(Locale::ZhCn).unwrap_or_default().to_owned(),
        text_en: text(Locale::En),
        text_zh: text(Locale::ZhCn),
        prices: p
            .prices
            .iter()
            .map(|m| (m.currency.code().to_owned(), m.amount_minor))
            .collect(),
        published_at_ms: p.published_at_ms.unwrap_or(p.created_at_ms),
        group: String::new(),
        rating_centi: p.rating.average_centi().unwrap_or(0),
    }
}

impl SearchEngine for CatalogSearch {
    fn upsert(&self, entry: &SearchEntry) -> Result<(), IndexError> {
        self.index.upsert(&[document(entry)]).map_err(index_error)?;
        self.lessons
            .replace_group(&entry.product.id.to_string(), &lesson_documents(entry))
            .map_err(index_error)
    }

    fn remove(&self, product: ProductId) -> Result<(), IndexError> {
        self.index
            .remove(&product.to_string())
            .map_err(index_error)?;
        self.lessons
            .replace_group(&product.to_string(), &[])
            .map_err(index_error)
    }

    fn rebuild(&self, entries: &[SearchEntry]) -> Result<(), IndexError> {
        let docs: Vec<SearchDoc> = entries.iter().map(document).collect();
        self.index.rebuild(&docs).map_err(index_error)?;
        let lessons: Vec<SearchDoc> = entries.iter().flat_map(lesson_documents).collect();
        self.lessons.rebuild(&lessons).map_err(index_error)
    }

    fn search_lessons(&self, q: &LessonSearch) -> Result<Vec<LessonHit>, IndexError> {
        let query = SearchQuery {
            text: q.text.clone(),
            limit: q.limit,
            highlight_language: q.locale.tag().to_owned(),
            groups: q
                .products
                .as_ref()
                .map(|ids| ids.iter().map(ToString::to_string).collect()),
            ..SearchQuery::default()
        };
        let hits = self.lessons.search(&query).map_err(index_error)?;
        Ok(hits
            .into_iter()
            .filter_map(|h| {
                Some(LessonHit {
                    lesson: h.id.parse().ok()?,
                    product: h.group.parse().ok()?,
                    highlight: h.highlight,
                })
            })
            .collect())
    }

    fn search(&self, q: &ProductSearch) -> Result<Vec<SearchHit>, IndexError> {
        let query = SearchQuery {
            text: q.text.clone(),
            kind: q.kind.map(|k| k.as_str().to_owned()),
            language: q.language.map(|l| l.tag().to_owned()),
            currency: Some(q.currency.code().to_owned()),
            min_price: q.min_price,
            max_price: q.max_price,
            min_rating_centi: q.min_rating.map(|r| i64::from(r.stars()) * 100),
            sort: match q.sort {
                SearchSort::Relevance => Sort::Relevance,
                SearchSort::Newest => Sort::Newest,
                SearchSort::PriceLow => Sort::PriceLow,
                SearchSort::PriceHigh => Sort::PriceHigh,
                SearchSort::Rating => Sort::Rating,
            },
            limit: q.limit,
            highlight_language: q.locale.tag().to_owned(),
            groups: None,
        };
        let hits = self.index.search(&query).map_err(index_error)?;
        Ok(hits
            .into_iter()
            .filter_map(|h| {
                Some(SearchHit {
                    product: h.id.parse().ok()?,
                    highlight: h.highlight,
                })
            })
            .collect())
    }
}
