//! Two-step sign-in: the TOTP secret, recovery codes, and the challenge between a right
//! password and its code.

use async_trait::async_trait;
use kenning_domain::ids::AccountId;

use super::StoreResult;

#[async_trait]
pub trait TwoFactorStore: Send + Sync {
    /// The confirmed secret (base32), if two-step sign-in is on.
    async fn totp_secret(&self, id: AccountId) -> StoreResult<Option<String>>;
    /// Keeps a secret being set up (replacing one set up before).
    async fn set_pending_totp(&self, id: AccountId, secret: &str) -> StoreResult<()>;
    async fn pending_totp(&self, id: AccountId) -> StoreResult<Option<String>>;
    /// Turns two-step sign-in on with `secret`, if it is still the pending one and none
    /// is on, with these recovery codes (hashes), taking `step` as used, in one
    /// transaction; false when it was not.
    async fn enable_totp(
        &self,
        id: AccountId,
        secret: &str,
        code_hashes: &[String],
        step: i64,
    ) -> StoreResult<bool>;
    /// Turns it off: secret and recovery codes go.
    async fn disable_totp(&self, id: AccountId) -> StoreResult<()>;
    /// Takes a 30-second step for a code; false when it (or a later one) was taken.
    async fn take_totp_step(&self, id: AccountId, step: i64) -> StoreResult<bool>;
    /// Uses a recovery code once; false when unknown or used.
    async fn use_recovery_code(&self, id: AccountId, hash: &str, at_ms: i64) -> StoreResult<bool>;
    async fn recovery_codes_left(&self, id: AccountId) -> StoreResult<i64>;
    async fn insert_login_challenge(
        &self,
        hash: &str,
        id: AccountId,
        expires_at_ms: i64,
    ) -> StoreResult<()>;
    /// The account behind an unexpired challenge (it stays until used or expired).
    async fn login_challenge(&self, hash: &str, now_ms: i64) -> StoreResult<Option<AccountId>>;
    async fn delete_login_challenge(&self, hash: &str) -> StoreResult<()>;
}
