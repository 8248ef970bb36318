//! Tax, exchange rates, revenue shares, earnings and payouts.

use async_trait::async_trait;
use kenning_domain::fx::ExchangeRate;
use kenning_domain::ids::{AccountId, OrderId, PayoutId, ProductId};
use kenning_domain::ledger::{LedgerTransaction, Payee, Posting};
use kenning_domain::money::Money;
use kenning_domain::revenue::{AffiliateProgram, CoCreator, PartnerContract};
use kenning_domain::statement::StatementLine;
use kenning_domain::tax::{Country, TaxRate};

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

/// Tax, exchange rates, revenue shares and payouts.
#[async_trait]
pub trait RevenueStore: Send + Sync {
    async fn tax_rates(&self) -> StoreResult<Vec<TaxRate>>;
    async fn tax_rate(&self, country: &Country) -> StoreResult<Option<TaxRate>>;
    /// Inserts or replaces a country's rate.
    async fn set_tax_rate(&self, rate: &TaxRate, now_ms: i64) -> StoreResult<()>;
    async fn exchange_rates(&self) -> StoreResult<Vec<ExchangeRate>>;
    /// Inserts or replaces a currency's row of the rate table.
    async fn set_exchange_rate(&self, rate: &ExchangeRate, now_ms: i64) -> StoreResult<()>;

    async fn cocreators(&self, product: ProductId) -> StoreResult<Vec<CoCreator>>;
    /// Replaces the product's co-creators.
    async fn set_cocreators(&self, product: ProductId, shares: &[CoCreator]) -> StoreResult<()>;
    async fn insert_partner_contract(&self, contract: &PartnerContract) -> StoreResult<()>;
    /// Contracts on any of the creator's products, oldest first.
    async fn partner_contracts_of(&self, creator: AccountId) -> StoreResult<Vec<PartnerContract>>;
    /// Contracts that name the account as partner, oldest first.
    async fn contracts_as_partner(&self, partner: AccountId) -> StoreResult<Vec<PartnerContract>>;
    async fn affiliate_program(&self, creator: AccountId) -> StoreResult<Option<AffiliateProgram>>;
    async fn set_affiliate_program(
        &self,
        program: &AffiliateProgram,
        now_ms: i64,
    ) -> StoreResult<()>;
    async fn referral_code_of(&self, account: AccountId) -> StoreResult<Option<String>>;
    /// Gives the account a referral code; returns the one it holds when it has one.
    async fn insert_referral_code(&self, account: AccountId, code: &str) -> StoreResult<String>;
    async fn referral_owner(&self, code: &str) -> StoreResult<Option<AccountId>>;

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
