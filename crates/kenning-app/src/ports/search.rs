//! The full-text search index.

use kenning_domain::catalog::{Lesson, LessonOutline, Product, ProductKind};
use kenning_domain::ids::{LessonId, ProductId};
use kenning_domain::locale::Locale;
use kenning_domain::money::Currency;
use kenning_domain::review::Rating;

/// A published product as the search index receives it. The public index holds only
/// what anyone may read (its text, tags, lesson titles and the text of preview lessons);
/// the text of locked lessons goes to a separate index that is searched only within the
/// products a person may read.
#[derive(Clone, Debug)]
pub struct SearchEntry {
    pub product: Product,
    pub lessons: Vec<LessonOutline>,
    pub previews: Vec<Lesson>,
    pub locked: Vec<Lesson>,
}

/// A search through the text of locked lessons.
#[derive(Clone, Debug)]
pub struct LessonSearch {
    pub text: String,
    /// The products whose lessons may be searched; None for all (operators).
    pub products: Option<Vec<ProductId>>,
    pub locale: Locale,
    pub limit: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonHit {
    pub lesson: LessonId,
    pub product: ProductId,
    /// Escaped HTML with the matched words in `<b>`.
    pub highlight: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SearchSort {
    #[default]
    Relevance,
    Newest,
    PriceLow,
    PriceHigh,
    Rating,
}

/// A search as a person asks it.
#[derive(Clone, Debug)]
pub struct ProductSearch {
    pub text: String,
    pub kind: Option<ProductKind>,
    pub language: Option<Locale>,
    /// Currency of the price bounds and of price sorting.
    pub currency: Currency,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Only products whose average rating is at least this.
    pub min_rating: Option<Rating>,
    pub sort: SearchSort,
    pub limit: usize,
    /// The language to highlight in.
    pub locale: Locale,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub product: ProductId,
    /// Escaped HTML with the matched words in `<b>`.
    pub highlight: String,
}

/// Why the search index failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IndexError {
    /// The index could not be read or written.
    #[error("search index: {0}")]
    Failed(String),
    /// A writer stopped half-way while holding the index: it needs rebuilding.
    #[error("search index left half-written")]
    Poisoned,
}

/// The full-text index of the public catalog, and of locked lesson text apart.
pub trait SearchEngine: Send + Sync {
    fn upsert(&self, entry: &SearchEntry) -> Result<(), IndexError>;
    fn remove(&self, product: ProductId) -> Result<(), IndexError>;
    fn rebuild(&self, entries: &[SearchEntry]) -> Result<(), IndexError>;
    fn search(&self, query: &ProductSearch) -> Result<Vec<SearchHit>, IndexError>;
    fn search_lessons(&self, query: &LessonSearch) -> Result<Vec<LessonHit>, IndexError>;
}
