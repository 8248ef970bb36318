//! Accounts and sessions.

use async_trait::async_trait;
use kenning_app::ports::{AccountStore, NewAccount, SessionStore, StoreError, StoreResult};
use kenning_domain::account::{Account, Email, Role};
use kenning_domain::ids::AccountId;

use crate::{SqlStore, db_error, rows};

const ACCOUNT_COLUMNS: &str = "id, email, display_name, role, created_at_ms";

#[async_trait]
impl AccountStore for SqlStore {
    async fn insert_account(&self, a: &NewAccount) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO accounts (id, email, display_name, password_hash, role, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(a.id.to_string())
        .bind(a.email.as_str().to_owned())
        .bind(a.display_name.clone())
        .bind(a.password_hash.clone())
        .bind(a.role.as_str())
        .bind(a.created_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn account_by_email(&self, email: &Email) -> StoreResult<Option<(Account, String)>> {
        let row = sqlx::query(
            "SELECT id, email, display_name, role, created_at_ms, password_hash \
             FROM accounts WHERE email = $1",
        )
        .bind(email.as_str().to_owned())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.map(|r| Ok((rows::account(&r)?, rows::text(&r, "password_hash")?)))
            .transpose()
    }

    async fn account_by_id(&self, id: AccountId) -> StoreResult<Option<Account>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(rows::account).transpose()
    }

    async fn set_role(&self, id: AccountId, role: Role) -> StoreResult<()> {
        let done = sqlx::query("UPDATE accounts SET role = $1 WHERE id = $2")
            .bind(role.as_str())
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_password_hash(&self, id: AccountId, hash: &str) -> StoreResult<()> {
        // A new password ends every open session.
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash.to_owned())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1")
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }
}

#[async_trait]
impl SessionStore for SqlStore {
    async fn insert_session(
        &self,
        token_hash: &str,
        account_id: AccountId,
        created_at_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO sessions (token_hash, account_id, created_at_ms, expires_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(token_hash.to_owned())
        .bind(account_id.to_string())
        .bind(created_at_ms)
        .bind(expires_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn session_account(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<(Account, i64)>> {
        let row = sqlx::query(
            "SELECT a.id, a.email, a.display_name, a.role, a.created_at_ms, s.expires_at_ms \
             FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.expires_at_ms > $2",
        )
        .bind(token_hash.to_owned())
        .bind(now_ms)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.map(|r| Ok((rows::account(&r)?, rows::int(&r, "expires_at_ms")?)))
            .transpose()
    }

    async fn delete_session(&self, token_hash: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
            .bind(token_hash.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
