//! Gifts.

use async_trait::async_trait;
use kenning_domain::gift::Gift;
use kenning_domain::ids::{AccountId, OrderId};

use super::StoreResult;

/// Gifts.
#[async_trait]
pub trait GiftStore: Send + Sync {
    /// Keeps the gift of an order (once per order).
    async fn insert_gift(&self, gift: &Gift) -> StoreResult<()>;
    async fn gift(&self, code: &str) -> StoreResult<Option<Gift>>;
    async fn gift_of_order(&self, order: OrderId) -> StoreResult<Option<Gift>>;
    /// Gifts a person sent, newest first.
    async fn gifts_from(&self, buyer: AccountId) -> StoreResult<Vec<Gift>>;
    /// Marks the gift claimed by `account` and grants them its product, in one
    /// transaction. False when it was claimed already; [`StoreError::Duplicate`] (and
    /// nothing written) when they hold the product already.
    async fn claim_gift(&self, code: &str, account: AccountId, now_ms: i64) -> StoreResult<bool>;
}
