//! What `kenning ledger verify` reads: whether the books and the grants agree.

use async_trait::async_trait;

use super::StoreResult;

/// A year whose receipt numbers have a gap or run past its counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptSeriesBreak {
    pub year: i64,
    /// How many orders carry a number of this year.
    pub numbered: i64,
    pub highest: i64,
    /// The last number the year's counter gave.
    pub counter: i64,
}

/// Checks that the books and the grants agree (`kenning ledger verify`).
#[async_trait]
pub trait AuditStore: Send + Sync {
    /// Sum of all postings per currency; every value is zero in a healthy ledger.
    async fn ledger_imbalances(&self) -> StoreResult<Vec<(String, i64)>>;
    /// Ids of paid orders that granted nothing.
    async fn paid_orders_without_entitlement(&self) -> StoreResult<Vec<String>>;
    /// Years whose receipt numbers are not exactly 1, 2, … up to the year's counter.
    async fn receipt_series_breaks(&self) -> StoreResult<Vec<ReceiptSeriesBreak>>;
    /// Ids of entitlements from an order that is not paid, or with no source at all.
    async fn entitlements_without_payment(&self) -> StoreResult<Vec<String>>;
}
