//! People as operators manage them, applications to become a creator, and what
//! creators' public pages say.

use async_trait::async_trait;
use kenning_app::ports::{
    AccountSummary, CreatorApplicationStore, CreatorProfileStore, PeopleStore, StoreError,
    StoreResult,
};
use kenning_domain::creator::{ApplicationStatus, CreatorApplication};
use kenning_domain::ids::{AccountId, ApplicationId};
use sqlx::any::AnyRow;

use crate::{SqlStore, db_error, parse_col, rows};

const SUMMARY_COLUMNS: &str = "id, email, display_name, role, created_at_ms, locale, \
     email_verified_at_ms, time_zone, suspended_at_ms, suspended_reason";

fn summary(row: &AnyRow) -> StoreResult<AccountSummary> {
    let suspended = match rows::opt_int(row, "suspended_at_ms")? {
        Some(at) => Some((
            at,
            rows::opt_text(row, "suspended_reason")?.unwrap_or_default(),
        )),
        None => None,
    };
    Ok(AccountSummary {
        account: rows::account(row)?,
        suspended,
    })
}

const APPLICATION_COLUMNS: &str = "id, account_id, name, bio, payout_json, status, reason, \
     created_at_ms, decided_at_ms, decided_by";

fn application(row: &AnyRow) -> StoreResult<CreatorApplication> {
    Ok(CreatorApplication {
        id: parse_col(&rows::text(row, "id")?, "application id")?,
        account_id: parse_col(&rows::text(row, "account_id")?, "account id")?,
        name: rows::text(row, "name")?,
        bio: rows::text(row, "bio")?,
        payout: rows::json(row, "payout_json")?,
        status: parse_col(&rows::text(row, "status")?, "application status")?,
        reason: rows::opt_text(row, "reason")?,
        created_at_ms: rows::int(row, "created_at_ms")?,
        decided_at_ms: rows::opt_int(row, "decided_at_ms")?,
        decided_by: rows::opt_text(row, "decided_by")?
            .map(|id| parse_col(&id, "decided by"))
            .transpose()?,
    })
}

#[async_trait]
impl PeopleStore for SqlStore {
    async fn search_accounts(&self, query: &str, limit: i64) -> StoreResult<Vec<AccountSummary>> {
        let escaped = query
            .trim()
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_");
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM accounts \
             WHERE email LIKE $1 ESCAPE '\\' OR LOWER(display_name) LIKE $1 ESCAPE '\\' \
             ORDER BY created_at_ms DESC, id LIMIT $2"
        ));
        let found = sqlx::query(sql)
            .bind(format!("%{escaped}%"))
            .bind(limit.clamp(1, 500))
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(summary).collect()
    }

    async fn account_summary(&self, id: AccountId) -> StoreResult<Option<AccountSummary>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {SUMMARY_COLUMNS} FROM accounts WHERE id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(summary).transpose()
    }

    async fn set_suspension(
        &self,
        id: AccountId,
        suspension: Option<(i64, &str)>,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let done = sqlx::query(
            "UPDATE accounts SET suspended_at_ms = $1, suspended_reason = $2 WHERE id = $3",
        )
        .bind(suspension.map(|(at, _)| at))
        .bind(suspension.map(|(_, reason)| reason.to_owned()))
        .bind(id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound);
        }
        if suspension.is_some() {
            sqlx::query("DELETE FROM sessions WHERE account_id = $1")
                .bind(id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn is_suspended(&self, id: AccountId) -> StoreResult<bool> {
        let row = sqlx::query("SELECT suspended_at_ms FROM accounts WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(match row {
            Some(r) => rows::opt_int(&r, "suspended_at_ms")?.is_some(),
            None => false,
        })
    }
}

#[async_trait]
impl CreatorApplicationStore for SqlStore {
    async fn insert_application(&self, a: &CreatorApplication) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO creator_applications (id, account_id, name, bio, payout_json, status, \
             created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        )
        .bind(a.id.to_string())
        .bind(a.account_id.to_string())
        .bind(a.name.clone())
        .bind(a.bio.clone())
        .bind(rows::to_json(&a.payout)?)
        .bind(a.status.as_str())
        .bind(a.created_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn application(&self, id: ApplicationId) -> StoreResult<Option<CreatorApplication>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {APPLICATION_COLUMNS} FROM creator_applications WHERE id = $1"
        ));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(application).transpose()
    }

    async fn latest_application(
        &self,
        account: AccountId,
    ) -> StoreResult<Option<CreatorApplication>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {APPLICATION_COLUMNS} FROM creator_applications WHERE account_id = $1 \
             ORDER BY created_at_ms DESC, id DESC LIMIT 1"
        ));
        let row = sqlx::query(sql)
            .bind(account.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(application).transpose()
    }

    async fn applications(
        &self,
        status: Option<ApplicationStatus>,
        limit: i64,
    ) -> StoreResult<Vec<CreatorApplication>> {
        // Pending ones in the order they came (first come, first decided).
        let order = match status {
            Some(ApplicationStatus::Pending) => "created_at_ms, id",
            _ => "created_at_ms DESC, id DESC",
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {APPLICATION_COLUMNS} FROM creator_applications \
             WHERE ($1 = '' OR status = $1) ORDER BY {order} LIMIT $2"
        ));
        let found = sqlx::query(sql)
            .bind(status.map(|s| s.as_str()).unwrap_or_default())
            .bind(limit.clamp(1, 500))
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(application).collect()
    }

    async fn decide_application(
        &self,
        id: ApplicationId,
        approve: bool,
        reason: Option<&str>,
        by: AccountId,
        at_ms: i64,
    ) -> StoreResult<Option<CreatorApplication>> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let status = if approve {
            ApplicationStatus::Approved
        } else {
            ApplicationStatus::Declined
        };
        let sql = sqlx::AssertSqlSafe(format!(
            "UPDATE creator_applications SET status = $1, reason = $2, decided_at_ms = $3, \
             decided_by = $4 WHERE id = $5 AND status = 'pending' \
             RETURNING {APPLICATION_COLUMNS}"
        ));
        let row = sqlx::query(sql)
            .bind(status.as_str())
            .bind(reason.map(str::to_owned))
            .bind(at_ms)
            .bind(by.to_string())
            .bind(id.to_string())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?;
        let Some(row) = row else {
            return Ok(None);
        };
        let decided = application(&row)?;
        if approve {
            // Operators stay operators.
            sqlx::query("UPDATE accounts SET role = 'creator' WHERE id = $1 AND role = 'learner'")
                .bind(decided.account_id.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(Some(decided))
    }
}

#[async_trait]
impl CreatorProfileStore for SqlStore {
    async fn creator_bio(&self, account: AccountId) -> StoreResult<Option<String>> {
        let row = sqlx::query("SELECT bio FROM creator_profiles WHERE account_id = $1")
            .bind(account.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.map(|r| rows::text(&r, "bio")).transpose()
    }

    async fn set_creator_bio(&self, account: AccountId, bio: &str, at_ms: i64) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO creator_profiles (account_id, bio, updated_at_ms) VALUES ($1, $2, $3) \
             ON CONFLICT (account_id) DO UPDATE SET bio = excluded.bio, \
             updated_at_ms = excluded.updated_at_ms",
        )
        .bind(account.to_string())
        .bind(bio)
        .bind(at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }
}
