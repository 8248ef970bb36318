//! Receipt numbers: one unbroken series per calendar year.

use async_trait::async_trait;
use kenning_domain::ids::OrderId;
use kenning_domain::order::ReceiptNumber;

use super::StoreResult;

/// Receipt numbers: one unbroken series per year.
#[async_trait]
pub trait ReceiptStore: Send + Sync {
    /// The number of a paid order's receipt, once numbered.
    async fn receipt_number(&self, order: OrderId) -> StoreResult<Option<ReceiptNumber>>;
    /// Whether any paid order waits for its receipt number.
    async fn receipts_to_number(&self) -> StoreResult<bool>;
    /// Numbers up to `limit` paid orders' receipts in the order they were paid, each in
    /// the series of the year `year_of` gives its payment time, one numbering at a time;
    /// answers how many.
    async fn number_receipts(&self, limit: i64, year_of: fn(i64) -> i32) -> StoreResult<u64>;
}
