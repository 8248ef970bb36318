//! Media storage, recommendations, search, the clock and documents.

use super::*;

/// A stream of bytes, for uploads and deliveries that are never held whole in memory.
pub type ByteStream = futures::stream::BoxStream<'static, Result<Bytes, String>>;

/// Why a streamed upload was not stored.
#[derive(Debug, PartialEq, Eq)]
pub enum PutStreamError {
    /// More than the allowed bytes arrived; nothing was kept.
    TooLarge,
    Failed(String),
}

/// Object storage for uploaded files.
#[async_trait]
pub trait MediaStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), String>;
    async fn get(&self, key: &str) -> Result<Option<Bytes>, String>;
    /// Streams an upload to storage, refusing (and removing) it past `max_bytes`;
    /// returns the number of bytes stored.
    async fn put_stream(
        &self,
        key: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<u64, PutStreamError>;
    /// The bytes `start..end` of a stored object, as a stream.
    async fn get_range(&self, key: &str, start: u64, end: u64) -> Result<ByteStream, String>;
}

/// A suggested product and, when it comes from the person's own history, the product
/// that led to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub product: ProductId,
    pub because: Option<ProductId>,
}

/// What a recommender is trained on: weighted (person, product) interest, and the
/// features of every published product (so that new ones can be suggested too).
#[derive(Clone, Debug, Default)]
pub struct TrainingSet {
    pub interest: Vec<(AccountId, ProductId, f64)>,
    pub products: Vec<(ProductId, Vec<String>)>,
}

/// A recommender. Implementations keep a trained model in memory; it is derived data,
/// rebuilt from the store on start and on every refresh.
pub trait RecommendationEngine: Send + Sync {
    /// Replaces the model with one trained on this set.
    fn train(&self, data: &TrainingSet);
    /// Products for a person, best first, excluding what they have.
    fn for_user(&self, user: AccountId, k: usize) -> Vec<Suggestion>;
    /// Products bought by the same people (or, for new ones, described alike), best first.
    fn similar(&self, product: ProductId, k: usize) -> Vec<ProductId>;
    /// The most bought products.
    fn popular(&self, k: usize) -> Vec<ProductId>;
}

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

/// The full-text index of the public catalog, and of locked lesson text apart.
pub trait SearchEngine: Send + Sync {
    fn upsert(&self, entry: &SearchEntry) -> Result<(), String>;
    fn remove(&self, product: ProductId) -> Result<(), String>;
    fn rebuild(&self, entries: &[SearchEntry]) -> Result<(), String>;
    fn search(&self, query: &ProductSearch) -> Result<Vec<SearchHit>, String>;
    fn search_lessons(&self, query: &LessonSearch) -> Result<Vec<LessonHit>, String>;
}

/// The time, so tests can move it.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    /// Moves time forward, when this clock allows it (a test clock); false otherwise.
    fn advance(&self, _ms: i64) -> bool {
        false
    }
}

/// The real clock plus an offset an operator can move forward: a test clock, for trying
/// renewals and expiries without waiting a month (`--test-clock`; never in production).
#[derive(Default)]
pub struct TestClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        SystemClock
            .now_ms()
            .saturating_add(self.offset_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn advance(&self, ms: i64) -> bool {
        self.offset_ms
            .fetch_add(ms.max(0), std::sync::atomic::Ordering::Relaxed);
        true
    }
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
    }
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file is not a document this kind can read (damaged, encrypted, not a PDF…).
    #[error("unreadable document: {0}")]
    Unreadable(String),
    #[error("document not written: {0}")]
    Write(String),
}

/// The words of a certificate, already in the reader's language.
#[derive(Clone, Debug)]
pub struct CertificateText {
    /// "Certificate of completion"
    pub title: String,
    /// "This certifies that"
    pub preamble: String,
    pub holder: String,
    /// "has completed"
    pub completed: String,
    pub product: String,
    /// "6 lessons · by Lin Wei · Nov 23, 2026"
    pub details: String,
    /// "Certificate ABCD-… · verify at https://…"
    pub verification: String,
}

/// The words of a receipt, already in the reader's language.
#[derive(Clone, Debug)]
pub struct ReceiptText {
    /// "Receipt"
    pub title: String,
    /// Seller and buyer lines under the title.
    pub parties: Vec<String>,
    /// (label, value) rows: item, price, discount, tax, total, payment, refunds.
    pub rows: Vec<(String, String)>,
    /// "Order … · paid on …"
    pub footer: String,
}

/// What is written into a copy made for one buyer.
#[derive(Clone, Debug)]
pub struct BuyerMark {
    /// The visible line on every page (PDF) or on a page of its own (EPUB), in the
    /// buyer's language: e.g. "Licensed to Ana · order 0193…".
    pub line: String,
    pub holder_name: String,
    /// The order it was bought with, or the account when there was no order.
    pub reference: String,
}

/// Writing documents: certificates, and marked copies of PDF and EPUB files.
pub trait Documents: Send + Sync {
    fn certificate_pdf(&self, text: &CertificateText) -> Result<Vec<u8>, DocumentError>;
    fn receipt_pdf(&self, text: &ReceiptText) -> Result<Vec<u8>, DocumentError>;
    /// A copy of `original` carrying the mark; video and audio come back unchanged.
    fn mark(
        &self,
        kind: kenning_domain::media::MediaKind,
        original: &[u8],
        mark: &BuyerMark,
    ) -> Result<Vec<u8>, DocumentError>;
}
