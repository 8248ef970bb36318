//! Refunds: taking a paid order for refunding, and the refund as recorded.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, OrderId, ProductId};
use kenning_domain::ledger::LedgerTransaction;
use kenning_domain::money::Money;

use super::StoreResult;

/// A refund as recorded.
#[derive(Clone, Debug)]
pub struct RefundRecord {
    pub id: kenning_domain::ids::RefundId,
    pub order_id: OrderId,
    pub amount: Money,
    pub reason: String,
    pub actor_id: AccountId,
    pub provider_reference: String,
    pub created_at_ms: i64,
}

/// Refunds.
#[async_trait]
pub trait RefundStore: Send + Sync {
    /// How much of the order has been refunded (0 when nothing).
    async fn refunded_total(&self, order: OrderId) -> StoreResult<i64>;
    /// Takes a paid order for refunding; false when another refund holds it (a claim
    /// older than `stale_before_ms` is taken over).
    async fn claim_refund(
        &self,
        order: OrderId,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> StoreResult<bool>;
    /// Lets go of a refund claim without refunding (the provider refused).
    async fn release_refund(&self, order: OrderId) -> StoreResult<()>;
    /// Writes the refund and its ledger entries, when `revoke` removes every entitlement
    /// the order granted (a bundle's items and a claimed gift too), and releases the
    /// claim, in one transaction. One that would take the
    /// refunded sum past the total writes nothing ([`StoreError::Conflict`]).
    async fn record_refund(
        &self,
        refund: &RefundRecord,
        order_total: Money,
        ledger: &LedgerTransaction,
        revoke: Option<(AccountId, ProductId)>,
    ) -> StoreResult<()>;
    /// The order's refunds, oldest first: (when, amount).
    async fn refunds_of(&self, order: OrderId) -> StoreResult<Vec<(i64, Money)>>;
}
