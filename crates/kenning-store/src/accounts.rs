//! Accounts, sessions and the single-use links mailed to people.

use async_trait::async_trait;
use kenning_app::ports::{
    AccountStore, AccountTokenStore, NewAccount, NewAccountToken, SessionRecord, SessionStore,
    StoreError, StoreResult, TokenEffect,
};
use kenning_domain::account::{Account, DisplayName, Email, Role};
use kenning_domain::ids::AccountId;
use kenning_domain::jobs::Job;
use kenning_domain::locale::Locale;
use kenning_domain::mail::{TokenPurpose, TokenUse};
use sqlx::AnyConnection;

use crate::jobs::insert_job;
use crate::{SqlStore, db_error, rows};

const ACCOUNT_COLUMNS: &str =
    "id, email, display_name, role, created_at_ms, locale, email_verified_at_ms, time_zone";

/// Uses up every link of the account not used yet.
async fn cancel_links(conn: &mut AnyConnection, account_id: &str, now_ms: i64) -> StoreResult<()> {
    sqlx::query(
        "UPDATE account_tokens SET used_at_ms = $1 WHERE account_id = $2 AND used_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(account_id.to_owned())
    .execute(conn)
    .await
    .map_err(db_error)?;
    Ok(())
}

async fn account_in(conn: &mut AnyConnection, id: &str) -> StoreResult<Account> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {ACCOUNT_COLUMNS} FROM accounts WHERE id = $1"
    ));
    let row = sqlx::query(sql)
        .bind(id.to_owned())
        .fetch_one(conn)
        .await
        .map_err(db_error)?;
    rows::account(&row)
}

#[async_trait]
impl AccountStore for SqlStore {
    async fn insert_account(&self, a: &NewAccount) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO accounts (id, email, display_name, password_hash, role, created_at_ms, \
             locale, email_verified_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(a.id.to_string())
        .bind(a.email.as_str().to_owned())
        .bind(a.display_name.clone())
        .bind(a.password_hash.clone())
        .bind(a.role.as_str())
        .bind(a.created_at_ms)
        .bind(a.locale.tag())
        .bind(a.email_verified_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn account_by_email(&self, email: &Email) -> StoreResult<Option<(Account, String)>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {ACCOUNT_COLUMNS}, password_hash FROM accounts WHERE email = $1"
        ));
        let row = sqlx::query(sql)
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

    async fn set_password_hash(
        &self,
        id: AccountId,
        hash: &str,
        keep: Option<&str>,
    ) -> StoreResult<()> {
        // A new password ends every other open session.
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("UPDATE accounts SET password_hash = $1 WHERE id = $2")
            .bind(hash.to_owned())
            .bind(id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(id.to_string())
            .bind(keep.unwrap_or_default().to_owned())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        // Links mailed before (a change of address someone else asked for) stop working.
        let now_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX));
        cancel_links(&mut tx, &id.to_string(), now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn password_hash(&self, id: AccountId) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT password_hash FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.map(|r| rows::text(&r, "password_hash")).transpose()
    }

    async fn set_display_name(&self, id: AccountId, name: &DisplayName) -> StoreResult<()> {
        let done = sqlx::query("UPDATE accounts SET display_name = $1 WHERE id = $2")
            .bind(name.as_str().to_owned())
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        Ok(())
    }

    async fn set_time_zone(&self, id: AccountId, zone: &str) -> StoreResult<()> {
        sqlx::query("UPDATE accounts SET time_zone = $1 WHERE id = $2")
            .bind(zone.to_owned())
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn set_locale(&self, id: AccountId, locale: Locale) -> StoreResult<()> {
        sqlx::query("UPDATE accounts SET locale = $1 WHERE id = $2")
            .bind(locale.tag())
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }
}

#[async_trait]
impl AccountTokenStore for SqlStore {
    async fn issue_token(
        &self,
        token: &NewAccountToken,
        mail: &Job,
        now_ms: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query(
            "INSERT INTO account_tokens (token_hash, account_id, purpose, email, created_at_ms, \
             expires_at_ms) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(token.token_hash.clone())
        .bind(token.account_id.to_string())
        .bind(token.purpose.as_str())
        .bind(token.email.as_ref().map(|e| e.as_str().to_owned()))
        .bind(token.created_at_ms)
        .bind(token.expires_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        insert_job(&mut tx, mail, None, now_ms, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn use_token(
        &self,
        token_hash: &str,
        purpose: TokenPurpose,
        effect: &TokenEffect,
        now_ms: i64,
    ) -> StoreResult<TokenUse<Account>> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Using the link first takes the write turn (SQLite) or the row (PostgreSQL):
        // of two uses at once, the second finds it used.
        let used = sqlx::query(
            "UPDATE account_tokens SET used_at_ms = $1 \
             WHERE token_hash = $2 AND purpose = $3 AND used_at_ms IS NULL \
             AND expires_at_ms > $1 RETURNING account_id, email",
        )
        .bind(now_ms)
        .bind(token_hash.to_owned())
        .bind(purpose.as_str())
        .fetch_optional(&mut *tx)
        .await
        .map_err(db_error)?;
        let Some(used) = used else {
            let row = sqlx::query(
                "SELECT used_at_ms FROM account_tokens WHERE token_hash = $1 AND purpose = $2",
            )
            .bind(token_hash.to_owned())
            .bind(purpose.as_str())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
            return Ok(match row {
                None => TokenUse::Unknown,
                Some(r) if rows::opt_int(&r, "used_at_ms")?.is_some() => TokenUse::AlreadyUsed,
                Some(_) => TokenUse::Expired,
            });
        };
        let account_id = rows::text(&used, "account_id")?;
        match effect {
            TokenEffect::VerifyEmail => {
                sqlx::query(
                    "UPDATE accounts SET email_verified_at_ms = $1 \
                     WHERE id = $2 AND email_verified_at_ms IS NULL",
                )
                .bind(now_ms)
                .bind(account_id.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
            }
            TokenEffect::SetPassword(hash) => {
                sqlx::query(
                    "UPDATE accounts SET password_hash = $1, \
                     email_verified_at_ms = COALESCE(email_verified_at_ms, $2) WHERE id = $3",
                )
                .bind(hash.clone())
                .bind(now_ms)
                .bind(account_id.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                // A reset ends every session: whoever knew the old password is out.
                sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                    .bind(account_id.clone())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
                // Every other link mailed before stops working too: a reset, a
                // confirmation or a change of address someone else asked for.
                cancel_links(&mut tx, &account_id, now_ms).await?;
            }
            TokenEffect::ChangeEmail => {
                let Some(email) = rows::opt_text(&used, "email")? else {
                    return Err(StoreError::Corrupt("change_email without email".into()));
                };
                sqlx::query(
                    "UPDATE accounts SET email = $1, email_verified_at_ms = $2 WHERE id = $3",
                )
                .bind(email)
                .bind(now_ms)
                .bind(account_id.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
                // Links mailed to the old address stop working.
                cancel_links(&mut tx, &account_id, now_ms).await?;
            }
        }
        let account = account_in(&mut tx, &account_id).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(TokenUse::Used(account))
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
            "SELECT a.id, a.email, a.display_name, a.role, a.created_at_ms, a.locale, \
             a.email_verified_at_ms, a.time_zone, s.expires_at_ms \
             FROM sessions s JOIN accounts a ON a.id = s.account_id \
             WHERE s.token_hash = $1 AND s.expires_at_ms > $2 AND a.suspended_at_ms IS NULL",
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

    async fn sessions_of(
        &self,
        account_id: AccountId,
        now_ms: i64,
    ) -> StoreResult<Vec<SessionRecord>> {
        let found = sqlx::query(
            "SELECT token_hash, created_at_ms, expires_at_ms FROM sessions \
             WHERE account_id = $1 AND expires_at_ms > $2 \
             ORDER BY created_at_ms DESC, token_hash",
        )
        .bind(account_id.to_string())
        .bind(now_ms)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(SessionRecord {
                    token_hash: rows::text(r, "token_hash")?,
                    created_at_ms: rows::int(r, "created_at_ms")?,
                    expires_at_ms: rows::int(r, "expires_at_ms")?,
                })
            })
            .collect()
    }

    async fn delete_other_sessions(&self, account_id: AccountId, keep: &str) -> StoreResult<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE account_id = $1 AND token_hash <> $2")
            .bind(account_id.to_string())
            .bind(keep.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected())
    }
}
