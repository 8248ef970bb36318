//! Two-step sign-in: secrets, recovery codes and login challenges.

use async_trait::async_trait;
use kenning_app::ports::{StoreResult, TwoFactorStore};
use kenning_domain::ids::AccountId;

use crate::{SqlStore, db_error, parse_col, rows};

#[async_trait]
impl TwoFactorStore for SqlStore {
    async fn totp_secret(&self, id: AccountId) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT totp_secret FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row
            .map(|r| rows::opt_text(&r, "totp_secret"))
            .transpose()?
            .flatten())
    }

    async fn set_pending_totp(&self, id: AccountId, secret: &str) -> StoreResult<()> {
        sqlx::query("UPDATE accounts SET totp_pending_secret = $1 WHERE id = $2")
            .bind(secret.to_owned())
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn pending_totp(&self, id: AccountId) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT totp_pending_secret FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row
            .map(|r| rows::opt_text(&r, "totp_pending_secret"))
            .transpose()?
            .flatten())
    }

    async fn enable_totp(
        &self,
        id: AccountId,
        secret: &str,
        code_hashes: &[String],
        step: i64,
    ) -> StoreResult<bool> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let done = sqlx::query(
            "UPDATE accounts SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, \
             totp_last_step = $1 \
             WHERE id = $2 AND totp_pending_secret = $3 AND totp_secret IS NULL",
        )
        .bind(step)
        .bind(id.to_string())
        .bind(secret.to_owned())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for hash in code_hashes {
            sqlx::query("INSERT INTO recovery_codes (account_id, code_hash) VALUES ($1, $2)")
                .bind(id.to_string())
                .bind(hash.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn disable_totp(&self, id: AccountId) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query(
            "UPDATE accounts SET totp_secret = NULL, totp_pending_secret = NULL, \
             totp_last_step = NULL WHERE id = $1",
        )
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query("DELETE FROM recovery_codes WHERE account_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn take_totp_step(&self, id: AccountId, step: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE accounts SET totp_last_step = $1 \
             WHERE id = $2 AND (totp_last_step IS NULL OR totp_last_step < $1)",
        )
        .bind(step)
        .bind(id.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn use_recovery_code(&self, id: AccountId, hash: &str, at_ms: i64) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE recovery_codes SET used_at_ms = $1 \
             WHERE account_id = $2 AND code_hash = $3 AND used_at_ms IS NULL",
        )
        .bind(at_ms)
        .bind(id.to_string())
        .bind(hash.to_owned())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn recovery_codes_left(&self, id: AccountId) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM recovery_codes WHERE account_id = $1 AND used_at_ms IS NULL",
        )
        .bind(id.to_string())
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        rows::int(&row, "n")
    }

    async fn insert_login_challenge(
        &self,
        hash: &str,
        id: AccountId,
        expires_at_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO login_challenges (token_hash, account_id, expires_at_ms) \
             VALUES ($1, $2, $3)",
        )
        .bind(hash.to_owned())
        .bind(id.to_string())
        .bind(expires_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn login_challenge(&self, hash: &str, now_ms: i64) -> StoreResult<Option<AccountId>> {
        let row = sqlx::query(
            "SELECT account_id FROM login_challenges WHERE token_hash = $1 AND expires_at_ms > $2",
        )
        .bind(hash.to_owned())
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.map(|r| parse_col(&rows::text(&r, "account_id")?, "account id"))
            .transpose()
    }

    async fn delete_login_challenge(&self, hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM login_challenges WHERE token_hash = $1")
            .bind(hash.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
