//! Earnings: what people are owed from sales, their statements, and payouts.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, OrderId, PayoutId};
use kenning_domain::ledger::{LedgerTransaction, Payee, Posting};
use kenning_domain::locale::LocalizedText;
use kenning_domain::money::Money;
use kenning_domain::statement::StatementLine;

use super::StoreResult;

/// A payout about to be written.
#[derive(Clone, Debug)]
pub struct PayoutRecord {
    pub id: PayoutId,
    pub account_id: AccountId,
    pub amount: Money,
    pub actor_id: AccountId,
    pub created_at_ms: i64,
}

/// Someone's balance on one earnings account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    pub account_id: AccountId,
    pub payee: Payee,
    /// Positive: the platform owes it.
    pub amount: Money,
}

/// What people earned and what was paid out to them.
#[async_trait]
pub trait EarningsStore: Send + Sync {
    /// The postings of an order's sale.
    async fn sale_postings(&self, order: OrderId) -> StoreResult<Vec<Posting>>;
    /// Movements on the person's earnings accounts from `from_ms` (inclusive) to `to_ms`
    /// (exclusive), oldest first.
    async fn earnings_lines(
        &self,
        account: AccountId,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<StatementLine>>;
    /// For every sale whose earnings reached the person from `from_ms` to `to_ms`: its
    /// order, the product's title, and the postings of its sale and gateway fee.
    async fn sales_earned(
        &self,
        account: AccountId,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<(OrderId, LocalizedText, Vec<Posting>)>>;
    /// What was owed to the person before `before_ms`, per currency.
    async fn owed_before(&self, account: AccountId, before_ms: i64) -> StoreResult<Vec<Money>>;
    /// Every earnings account with a balance other than zero.
    async fn owed_balances(&self) -> StoreResult<Vec<Owed>>;
    /// Writes a payout and its ledger transaction, after checking (with the person's
    /// row locked) that what they are owed in the payout's currency is still exactly its
    /// amount; otherwise nothing is written ([`StoreError::Conflict`]), so two payout runs
    /// at once never pay the same money twice.
    async fn record_payout(
        &self,
        payout: &PayoutRecord,
        ledger: &LedgerTransaction,
    ) -> StoreResult<()>;
    /// Everyone's payouts, newest first.
    async fn payouts(&self, limit: i64) -> StoreResult<Vec<PayoutRecord>>;
}
