//! Accounts: people, their roles and passwords, and their sessions.

use async_trait::async_trait;
use kenning_domain::account::{Account, Email, Role};
use kenning_domain::ids::AccountId;

use super::StoreResult;

/// A new account to insert.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub id: AccountId,
    pub email: Email,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at_ms: i64,
}

/// People: their accounts, roles and password hashes.
#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Fails with [`StoreError::Duplicate`] when the e-mail is taken.
    async fn insert_account(&self, account: &NewAccount) -> StoreResult<()>;
    /// The account and its password hash.
    async fn account_by_email(&self, email: &Email) -> StoreResult<Option<(Account, String)>>;
    async fn account_by_id(&self, id: AccountId) -> StoreResult<Option<Account>>;
    async fn set_role(&self, id: AccountId, role: Role) -> StoreResult<()>;
    async fn set_password_hash(&self, id: AccountId, hash: &str) -> StoreResult<()>;
}

/// Logins: sessions, stored as the hash of their token.
#[async_trait]
pub trait SessionStore: Send + Sync {
    async fn insert_session(
        &self,
        token_hash: &str,
        account_id: AccountId,
        created_at_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<()>;
    /// The account behind an unexpired session, and when the session expires.
    async fn session_account(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<(Account, i64)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
}
