//! The catalog: products, chapters, lessons, lesson prices, bundles and sales.

use async_trait::async_trait;
use kenning_domain::catalog::{
    Chapter, Lesson, LessonOutline, Product, ProductHold, ProductKind, ProductStatus, Release,
};
use kenning_domain::ids::{AccountId, ChapterId, LessonId, ProductId};
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::Money;
use kenning_domain::sale::Sale;

use super::StoreResult;

/// Which products to list.
#[derive(Clone, Debug, Default)]
pub struct ProductFilter {
    pub status: Option<ProductStatus>,
    pub kind: Option<ProductKind>,
    pub language: Option<Locale>,
    pub creator_id: Option<AccountId>,
    /// Words in the title (any language), case aside.
    pub title_contains: Option<String>,
    pub limit: i64,
    pub offset: i64,
}

/// Products: their text, prices, tags, cover and status.
#[async_trait]
pub trait ProductStore: Send + Sync {
    async fn insert_product(&self, product: &Product) -> StoreResult<()>;
    /// Replaces the product's text, prices, tags, cover and status.
    async fn update_product(&self, product: &Product, now_ms: i64) -> StoreResult<()>;
    async fn product(&self, id: ProductId) -> StoreResult<Option<Product>>;
    async fn list_products(&self, filter: &ProductFilter) -> StoreResult<Vec<Product>>;
    async fn count_products(&self, filter: &ProductFilter) -> StoreResult<i64>;
}

/// Products operators took off sale, and why.
#[async_trait]
pub trait ModerationStore: Send + Sync {
    /// Unpublishes the product and keeps the hold, in one transaction; `false` (and
    /// nothing changed) when it is held already.
    async fn hold_product(&self, hold: &ProductHold) -> StoreResult<bool>;
    /// Lifts the hold (the product stays unpublished); `false` when there was none.
    async fn release_product(&self, product: ProductId) -> StoreResult<bool>;
    async fn product_hold(&self, product: ProductId) -> StoreResult<Option<ProductHold>>;
}

/// A product's chapters and lessons, and when each lesson opens.
#[async_trait]
pub trait LessonStore: Send + Sync {
    async fn insert_chapter(&self, chapter: &Chapter) -> StoreResult<()>;
    async fn chapters(&self, product: ProductId) -> StoreResult<Vec<Chapter>>;
    async fn insert_lesson(&self, lesson: &Lesson) -> StoreResult<()>;
    /// The product's lessons in order, without their text.
    async fn lessons(&self, product: ProductId) -> StoreResult<Vec<LessonOutline>>;
    async fn lesson(&self, id: LessonId) -> StoreResult<Option<Lesson>>;
    async fn set_lesson_release(&self, id: LessonId, release: Release) -> StoreResult<()>;
    /// Replaces a lesson's chapter, position, title, text and preview flag.
    async fn update_lesson(&self, lesson: &Lesson) -> StoreResult<()>;
    /// Swaps two lessons' places, in one transaction.
    async fn swap_lessons(&self, a: LessonId, b: LessonId) -> StoreResult<()>;
    /// Deletes a lesson with its files' records, progress and own prices, in one
    /// transaction; [`super::StoreError::Conflict`] when anyone bought it on its own.
    async fn delete_lesson(&self, id: LessonId) -> StoreResult<()>;
    async fn rename_chapter(&self, id: ChapterId, title: &LocalizedText) -> StoreResult<()>;
    /// Swaps two chapters' places, in one transaction.
    async fn swap_chapters(&self, a: ChapterId, b: ChapterId) -> StoreResult<()>;
    /// Deletes a chapter; its lessons stay, outside any chapter.
    async fn delete_chapter(&self, id: ChapterId) -> StoreResult<()>;
}

/// Lessons sold on their own.
#[async_trait]
pub trait LessonPriceStore: Send + Sync {
    /// A lesson's own prices (empty: only sold with its product).
    async fn lesson_prices(&self, lesson: LessonId) -> StoreResult<Vec<Money>>;
    /// Replaces a lesson's own prices.
    async fn set_lesson_prices(&self, lesson: LessonId, prices: &[Money]) -> StoreResult<()>;
    /// The own prices of every lesson of a product.
    async fn lesson_prices_of(&self, product: ProductId) -> StoreResult<Vec<(LessonId, Money)>>;
}

/// The products a bundle holds.
#[async_trait]
pub trait BundleStore: Send + Sync {
    /// Replaces the products a bundle holds.
    async fn set_bundle_items(&self, bundle: ProductId, items: &[ProductId]) -> StoreResult<()>;
    async fn bundle_items(&self, bundle: ProductId) -> StoreResult<Vec<ProductId>>;
}

/// A product's sale: a lower price for a while.
#[async_trait]
pub trait ProductSaleStore: Send + Sync {
    /// Starts, replaces or (None) ends a product's sale.
    async fn set_sale(&self, product: ProductId, sale: Option<Sale>) -> StoreResult<()>;
    async fn sale(&self, product: ProductId) -> StoreResult<Option<Sale>>;
}
