//! Notifications and the kinds people want by mail.

use async_trait::async_trait;
use kenning_app::ports::{NotificationStore, StoreResult};
use kenning_domain::ids::AccountId;
use kenning_domain::notification::{Notice, NoticeKind, NotificationRecord};

use crate::{SqlStore, db_error, parse_col, rows};

#[async_trait]
impl NotificationStore for SqlStore {
    async fn add_notifications(
        &self,
        accounts: &[AccountId],
        notice: &Notice,
        at_ms: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        insert_notifications(&mut tx, accounts, notice, at_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn add_reminder(
        &self,
        key: &str,
        accounts: &[AccountId],
        notice: &Notice,
        at_ms: i64,
    ) -> StoreResult<bool> {
        // The key is written first: it takes SQLite's write turn, and a second sweep
        // finds it and adds nothing.
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let claimed = sqlx::query(
            "INSERT INTO reminders_sent (reminder_key, sent_at_ms) VALUES ($1, $2) \
             ON CONFLICT (reminder_key) DO NOTHING",
        )
        .bind(key)
        .bind(at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if claimed == 0 {
            return Ok(false);
        }
        insert_notifications(&mut tx, accounts, notice, at_ms).await?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn notifications(
        &self,
        account: AccountId,
        limit: i64,
    ) -> StoreResult<Vec<NotificationRecord>> {
        let found = sqlx::query(
            "SELECT id, payload_json, created_at_ms, read_at_ms FROM notifications \
             WHERE account_id = $1 ORDER BY id DESC LIMIT $2",
        )
        .bind(account.to_string())
        .bind(limit.clamp(1, 500))
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(NotificationRecord {
                    id: rows::int(r, "id")?,
                    notice: rows::json(r, "payload_json")?,
                    created_at_ms: rows::int(r, "created_at_ms")?,
                    read: rows::opt_int(r, "read_at_ms")?.is_some(),
                })
            })
            .collect()
    }

    async fn unread_notifications(&self, account: AccountId) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS n FROM notifications WHERE account_id = $1 AND read_at_ms IS NULL",
        )
        .bind(account.to_string())
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        rows::int(&row, "n")
    }

    async fn mark_notifications_read(
        &self,
        account: AccountId,
        id: Option<i64>,
        at_ms: i64,
    ) -> StoreResult<u64> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at_ms = $1 \
             WHERE account_id = $2 AND read_at_ms IS NULL AND ($3 < 0 OR id = $3)",
        )
        .bind(at_ms)
        .bind(account.to_string())
        .bind(id.unwrap_or(-1))
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected())
    }

    async fn mail_off(&self, account: AccountId) -> StoreResult<Vec<NoticeKind>> {
        let found = sqlx::query("SELECT kind FROM notification_mail_off WHERE account_id = $1")
            .bind(account.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found
            .iter()
            .map(|r| parse_col(&rows::text(r, "kind")?, "notice kind"))
            .collect()
    }

    async fn set_mail_off(&self, account: AccountId, kinds: &[NoticeKind]) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM notification_mail_off WHERE account_id = $1")
            .bind(account.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        for kind in kinds {
            sqlx::query("INSERT INTO notification_mail_off (account_id, kind) VALUES ($1, $2)")
                .bind(account.to_string())
                .bind(kind.as_str())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }
}

async fn insert_notifications(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    accounts: &[AccountId],
    notice: &Notice,
    at_ms: i64,
) -> StoreResult<()> {
    let payload = rows::to_json(notice)?;
    for account in accounts {
        sqlx::query(
            "INSERT INTO notifications (account_id, kind, payload_json, created_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(account.to_string())
        .bind(notice.kind().as_str())
        .bind(payload.clone())
        .bind(at_ms)
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}
