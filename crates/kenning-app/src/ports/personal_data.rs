//! A person's own data: all of it, to download; and erasing it when they delete their
//! account.

use async_trait::async_trait;
use kenning_domain::ids::AccountId;

use super::StoreResult;

/// The rows of one table that are a person's, as JSON objects (secrets left out).
#[derive(Clone, Debug, PartialEq)]
pub struct PersonalTable {
    pub table: String,
    pub rows: Vec<serde_json::Map<String, serde_json::Value>>,
}

#[async_trait]
pub trait PersonalDataStore: Send + Sync {
    /// Every table that holds the person's rows, with those rows. Columns that hold a
    /// secret (password hashes, tokens, signing keys) are left out.
    async fn personal_data(&self, id: AccountId) -> StoreResult<Vec<PersonalTable>>;
    /// Erases the account in one transaction: the address, name and password are
    /// replaced, sessions, links, progress, messages, reviews, certificates, feeds and
    /// applications deleted, renewing memberships cancelled. Orders, receipts, the
    /// ledger, refunds and gifts bought for others stay.
    async fn erase_account(&self, id: AccountId, at_ms: i64) -> StoreResult<()>;
}
