//! What operators manage: people (finding them, their role, suspending them) and
//! applications to become a creator.

use async_trait::async_trait;
use kenning_domain::account::Account;
use kenning_domain::creator::{ApplicationStatus, CreatorApplication};
use kenning_domain::ids::{AccountId, ApplicationId};

use super::StoreResult;

/// An account as operators list it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AccountSummary {
    pub account: Account,
    /// When and why it was suspended, while it is.
    pub suspended: Option<(i64, String)>,
}

/// People as operators see them.
#[async_trait]
pub trait PeopleStore: Send + Sync {
    /// Accounts whose address or name contains `query` (all when empty), newest first.
    async fn search_accounts(&self, query: &str, limit: i64) -> StoreResult<Vec<AccountSummary>>;
    async fn account_summary(&self, id: AccountId) -> StoreResult<Option<AccountSummary>>;
    /// Suspends (with when and why) or restores (`None`) an account; a suspension ends
    /// every session in the same transaction.
    async fn set_suspension(
        &self,
        id: AccountId,
        suspension: Option<(i64, &str)>,
    ) -> StoreResult<()>;
    /// Whether the account is suspended (logging in checks it).
    async fn is_suspended(&self, id: AccountId) -> StoreResult<bool>;
}

/// What creators' public pages say about them.
#[async_trait]
pub trait CreatorProfileStore: Send + Sync {
    /// The biography the creator wrote for their page, if they did.
    async fn creator_bio(&self, account: AccountId) -> StoreResult<Option<String>>;
    async fn set_creator_bio(&self, account: AccountId, bio: &str, at_ms: i64) -> StoreResult<()>;
}

/// Applications to become a creator.
#[async_trait]
pub trait CreatorApplicationStore: Send + Sync {
    /// Fails with [`super::StoreError::Duplicate`] while the person has one pending.
    async fn insert_application(&self, application: &CreatorApplication) -> StoreResult<()>;
    async fn application(&self, id: ApplicationId) -> StoreResult<Option<CreatorApplication>>;
    /// The person's latest application.
    async fn latest_application(
        &self,
        account: AccountId,
    ) -> StoreResult<Option<CreatorApplication>>;
    /// Applications in a status (all when `None`), oldest pending first, else newest.
    async fn applications(
        &self,
        status: Option<ApplicationStatus>,
        limit: i64,
    ) -> StoreResult<Vec<CreatorApplication>>;
    /// Decides a pending application in one transaction: approving also makes a
    /// learner a creator. `None` when it was not pending (decided meanwhile).
    async fn decide_application(
        &self,
        id: ApplicationId,
        approve: bool,
        reason: Option<&str>,
        by: AccountId,
        at_ms: i64,
    ) -> StoreResult<Option<CreatorApplication>>;
}
