//! Reviews and the rating totals of products.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::review::Review;

use super::StoreResult;

/// Reviews and the rating totals of products.
#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// Writes a person's review of a product (replacing theirs, if any) and recomputes
    /// the product's rating totals, atomically.
    async fn upsert_review(&self, review: &Review) -> StoreResult<()>;
    /// A product's reviews, most recently written first.
    async fn reviews(&self, product: ProductId, limit: i64) -> StoreResult<Vec<Review>>;
    async fn review_by(
        &self,
        product: ProductId,
        account: AccountId,
    ) -> StoreResult<Option<Review>>;
}
