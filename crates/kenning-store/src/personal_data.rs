//! A person's rows across the schema, for the download of their data, and erasing them.

use async_trait::async_trait;
use kenning_app::ports::{PersonalDataStore, PersonalTable, StoreResult};
use kenning_domain::ids::AccountId;
use serde_json::{Map, Value};
use sqlx::any::AnyRow;
use sqlx::{Column, Row};

use crate::{SqlStore, db_error};

/// Where a person's rows are: table, and the condition that picks them (`$1` is their
/// account id). Rows that are someone else's (their buyers' orders, questions put to
/// a creator) are not theirs to download.
const PERSONAL: &[(&str, &str)] = &[
    ("accounts", "id = $1"),
    ("sessions", "account_id = $1"),
    ("account_tokens", "account_id = $1"),
    ("orders", "buyer_id = $1"),
    (
        "payments",
        "order_id IN (SELECT id FROM orders WHERE buyer_id = $1)",
    ),
    (
        "refunds",
        "order_id IN (SELECT id FROM orders WHERE buyer_id = $1)",
    ),
    ("entitlements", "account_id = $1"),
    ("lesson_entitlements", "account_id = $1"),
    ("subscriptions", "account_id = $1"),
    ("gifts", "buyer_id = $1 OR claimed_by = $1"),
    ("questions", "asker_id = $1"),
    ("reviews", "account_id = $1"),
    ("lesson_progress", "account_id = $1"),
    ("interactions", "account_id = $1"),
    ("feed_versions", "account_id = $1"),
    ("certificates", "account_id = $1"),
    ("marked_copies", "account_id = $1"),
    ("live_messages", "account_id = $1"),
    ("referral_codes", "account_id = $1"),
    ("creator_applications", "account_id = $1"),
    ("creator_profiles", "account_id = $1"),
    ("notifications", "account_id = $1"),
    ("notification_mail_off", "account_id = $1"),
    ("products", "creator_id = $1"),
    ("coupons", "creator_id = $1"),
    ("affiliate_programs", "creator_id = $1"),
    ("product_shares", "account_id = $1"),
    ("partner_contracts", "partner_id = $1 OR creator_id = $1"),
    ("payouts", "account_id = $1"),
];

/// A column that holds a secret, never part of a download.
fn secret(column: &str) -> bool {
    ["password", "token", "secret", "hash", "object_key"]
        .iter()
        .any(|s| column.contains(s))
}

/// A row as JSON, whatever its columns' types.
fn json_row(row: &AnyRow) -> Map<String, Value> {
    let mut out = Map::new();
    for (i, column) in row.columns().iter().enumerate() {
        let name = column.name();
        if secret(name) {
            continue;
        }
        let value = if let Ok(v) = row.try_get::<Option<i64>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<String>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<f64>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else if let Ok(v) = row.try_get::<Option<bool>, _>(i) {
            v.map_or(Value::Null, Value::from)
        } else {
            Value::Null
        };
        out.insert(name.to_owned(), value);
    }
    out
}

#[async_trait]
impl PersonalDataStore for SqlStore {
    async fn personal_data(&self, id: AccountId) -> StoreResult<Vec<PersonalTable>> {
        let mut tables = Vec::new();
        for (table, condition) in PERSONAL {
            let sql = sqlx::AssertSqlSafe(format!("SELECT * FROM {table} WHERE {condition}"));
            let found = sqlx::query(sql)
                .bind(id.to_string())
                .fetch_all(self.pool())
                .await
                .map_err(db_error)?;
            tables.push(PersonalTable {
                table: (*table).to_owned(),
                rows: found.iter().map(json_row).collect(),
            });
        }
        Ok(tables)
    }

    async fn erase_account(&self, id: AccountId, at_ms: i64) -> StoreResult<()> {
        let id = id.to_string();
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Write first: on SQLite this takes the write turn before reading.
        sqlx::query("UPDATE accounts SET deleted_at_ms = deleted_at_ms WHERE id = $1")
            .bind(id.clone())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        let email: Option<String> = sqlx::query("SELECT email FROM accounts WHERE id = $1")
            .bind(id.clone())
            .fetch_optional(&mut *tx)
            .await
            .map_err(db_error)?
            .map(|r| r.try_get::<String, _>("email"))
            .transpose()
            .map_err(db_error)?;
        // Mail still queued to the address goes with it.
        if let Some(email) = email {
            let escaped = email
                .replace('\\', "\\\\")
                .replace('%', "\\%")
                .replace('_', "\\_");
            sqlx::query(
                "DELETE FROM jobs WHERE kind = 'send_mail' AND status <> 'running' \
                 AND payload LIKE $1 ESCAPE '\\'",
            )
            .bind(format!("%\"{escaped}\"%"))
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        for table in [
            "sessions",
            "account_tokens",
            "interactions",
            "lesson_progress",
            "feed_versions",
            "marked_copies",
            "live_messages",
            "reviews",
            "certificates",
            "referral_codes",
            "creator_applications",
            "creator_profiles",
            "notifications",
            "notification_mail_off",
            "recovery_codes",
            "login_challenges",
        ] {
            let sql = sqlx::AssertSqlSafe(format!("DELETE FROM {table} WHERE account_id = $1"));
            sqlx::query(sql)
                .bind(id.clone())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        // Memberships stop renewing; what was paid for runs to its end.
        sqlx::query(
            "UPDATE subscriptions SET status = 'canceled', updated_at_ms = $1 \
             WHERE account_id = $2 AND status IN ('active', 'past_due')",
        )
        .bind(at_ms)
        .bind(id.clone())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        // The row stays for the orders, receipts and books that refer to it; nothing
        // in it says who it was, and no password opens it.
        sqlx::query(
            "UPDATE accounts SET email = $1, display_name = '—', password_hash = '!', \
             email_verified_at_ms = NULL, totp_secret = NULL, totp_pending_secret = NULL, suspended_at_ms = $2, suspended_reason = 'deleted', \
             deleted_at_ms = $2 WHERE id = $3",
        )
        .bind(format!("deleted-{id}@deleted.invalid"))
        .bind(at_ms)
        .bind(id.clone())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }
}
