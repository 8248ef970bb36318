//! Accounts: people, their roles and passwords, and their sessions.

use async_trait::async_trait;
use kenning_domain::account::{Account, DisplayName, Email, Role};
use kenning_domain::ids::AccountId;
use kenning_domain::jobs::Job;
use kenning_domain::locale::Locale;
use kenning_domain::mail::{TokenPurpose, TokenUse};

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
    pub locale: Locale,
    /// Set for accounts an operator makes (their address is taken on trust); people who
    /// register confirm theirs by mail.
    pub email_verified_at_ms: Option<i64>,
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
    /// Sets a new password and ends every session of the account but `keep` (the
    /// hash of the session that changed it, if any), in one transaction.
    async fn set_password_hash(
        &self,
        id: AccountId,
        hash: &str,
        keep: Option<&str>,
    ) -> StoreResult<()>;
    /// The password hash alone (to check the current password before a change).
    async fn password_hash(&self, id: AccountId) -> StoreResult<Option<String>>;
    async fn set_display_name(&self, id: AccountId, name: &DisplayName) -> StoreResult<()>;
    async fn set_locale(&self, id: AccountId, locale: Locale) -> StoreResult<()>;
    /// Keeps the IANA name of the zone the person's times are shown in.
    async fn set_time_zone(&self, id: AccountId, zone: &str) -> StoreResult<()>;
}

/// A single-use link mailed to a person, stored as the hash of its secret.
#[derive(Clone, Debug)]
pub struct NewAccountToken {
    pub token_hash: String,
    pub account_id: AccountId,
    pub purpose: TokenPurpose,
    /// The new address a change-of-address link confirms.
    pub email: Option<Email>,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}

/// What following a link does, besides using it up.
#[derive(Clone, Debug)]
pub enum TokenEffect {
    /// Marks the account's address confirmed.
    VerifyEmail,
    /// Sets this password hash and ends every session.
    SetPassword(String),
    /// Replaces the address with the one the link was mailed to (confirmed by this).
    ChangeEmail,
}

/// Links mailed to people: address confirmations and password resets.
#[async_trait]
pub trait AccountTokenStore: Send + Sync {
    /// Stores the link and queues the mail that carries it, in one transaction.
    async fn issue_token(
        &self,
        token: &NewAccountToken,
        mail: &Job,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Uses a link of `purpose` once and does its effect, in one transaction: a second
    /// use, however close, finds it used. A change of address to one another account
    /// holds fails with [`StoreError::Duplicate`] and leaves the link unused.
    async fn use_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        effect: &TokenEffect,
        now_ms: i64,
    ) -> StoreResult<TokenUse<Account>>;
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
    /// The account's unexpired sessions, newest first.
    async fn sessions_of(
        &self,
        account_id: AccountId,
        now_ms: i64,
    ) -> StoreResult<Vec<SessionRecord>>;
    /// Ends every session of the account except `keep`; returns how many ended.
    async fn delete_other_sessions(&self, account_id: AccountId, keep: &str) -> StoreResult<u64>;
}

/// A signed-in session as its owner sees it in their list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionRecord {
    pub token_hash: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
}
