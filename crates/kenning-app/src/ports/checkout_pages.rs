//! Payment pages opened at the provider for an order.

use async_trait::async_trait;
use kenning_domain::ids::OrderId;

use super::StoreResult;

/// Payment pages opened at the provider.
#[async_trait]
pub trait CheckoutPageStore: Send + Sync {
    /// How many of the order's provider payment pages have expired (the next page opened
    /// is a new one, numbered so).
    async fn expired_pages(&self, order: OrderId) -> StoreResult<i64>;
    /// Counts an expired payment page of an unpaid order and frees any seat it held.
    async fn page_expired(&self, order: OrderId) -> StoreResult<()>;
}
