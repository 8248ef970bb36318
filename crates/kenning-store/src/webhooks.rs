//! Webhook events already handled.

use async_trait::async_trait;
use kenning_app::ports::{StoreResult, WebhookStore};

use crate::{SqlStore, db_error};

#[async_trait]
impl WebhookStore for SqlStore {
    async fn webhook_seen(&self, event_id: &str) -> StoreResult<bool> {
        let row = sqlx::query("SELECT 1 AS yes FROM webhook_events WHERE id = $1")
            .bind(event_id.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        Ok(row.is_some())
    }

    async fn record_webhook(
        &self,
        event_id: &str,
        provider: &str,
        kind: &str,
        now_ms: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "INSERT INTO webhook_events (id, provider, kind, received_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(event_id.to_owned())
        .bind(provider.to_owned())
        .bind(kind.to_owned())
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }
}
