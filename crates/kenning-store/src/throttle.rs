//! Attempt counters for throttling, shared by every node.

use async_trait::async_trait;
use kenning_app::ports::{StoreResult, ThrottleStore};

use crate::{SqlStore, db_error, rows};

#[async_trait]
impl ThrottleStore for SqlStore {
    async fn hit(&self, key: &str, window_start_ms: i64) -> StoreResult<i64> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // One upsert counts the attempt and reads the count, so parallel attempts each
        // see their own number.
        let row = sqlx::query(
            "INSERT INTO throttle_counters (key, window_start_ms, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start_ms) \
             DO UPDATE SET hits = throttle_counters.hits + 1 RETURNING hits",
        )
        .bind(key.to_owned())
        .bind(window_start_ms)
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query("DELETE FROM throttle_counters WHERE key = $1 AND window_start_ms < $2")
            .bind(key.to_owned())
            .bind(window_start_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        rows::int(&row, "hits")
    }

    async fn count(&self, key: &str, window_start_ms: i64) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT hits FROM throttle_counters WHERE key = $1 AND window_start_ms = $2",
        )
        .bind(key.to_owned())
        .bind(window_start_ms)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.as_ref().map_or(Ok(0), |r| rows::int(r, "hits"))
    }

    async fn hit_within(&self, key: &str, now_ms: i64, window_ms: i64) -> StoreResult<i64> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // The key's marker row (no hits, before every moment) is written first: it
        // locks, so parallel attempts at one key (from any node) take turns and each
        // counts the ones before it.
        sqlx::query(
            "INSERT INTO throttle_counters (key, window_start_ms, hits) VALUES ($1, -1, 0) \
             ON CONFLICT (key, window_start_ms) DO UPDATE SET hits = 0",
        )
        .bind(key.to_owned())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        sqlx::query(
            "DELETE FROM throttle_counters \
             WHERE key = $1 AND window_start_ms >= 0 AND window_start_ms <= $2",
        )
        .bind(key.to_owned())
        .bind(now_ms - window_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        // One row per moment: attempts in the same millisecond add up.
        sqlx::query(
            "INSERT INTO throttle_counters (key, window_start_ms, hits) VALUES ($1, $2, 1) \
             ON CONFLICT (key, window_start_ms) \
             DO UPDATE SET hits = throttle_counters.hits + 1",
        )
        .bind(key.to_owned())
        .bind(now_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(hits), 0) AS BIGINT) AS hits \
             FROM throttle_counters WHERE key = $1",
        )
        .bind(key.to_owned())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        rows::int(&row, "hits")
    }

    async fn forget(&self, key: &str) -> StoreResult<()> {
        sqlx::query("DELETE FROM throttle_counters WHERE key = $1")
            .bind(key.to_owned())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }
}
