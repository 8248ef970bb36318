//! Signals for recommendations and the counters nodes share.

use async_trait::async_trait;
use kenning_app::ports::{CounterStore, SignalStore, StoreError, StoreResult};
use kenning_domain::discovery::{Signal, SignalKind};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::review::Rating;

use crate::{SqlStore, db_error, parse_col, rows};

#[async_trait]
impl SignalStore for SqlStore {
    async fn record_signal(
        &self,
        account: AccountId,
        product: ProductId,
        kind: SignalKind,
        now_ms: i64,
    ) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO interactions (account_id, product_id, kind, times, last_at_ms) \
             VALUES ($1, $2, $3, 1, $4) \
             ON CONFLICT (account_id, product_id, kind) \
             DO UPDATE SET times = interactions.times + 1, last_at_ms = excluded.last_at_ms",
        )
        .bind(account.to_string())
        .bind(product.to_string())
        .bind(kind.as_str())
        .bind(now_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn signals(&self) -> StoreResult<Vec<Signal>> {
        let found = sqlx::query(
            "SELECT account_id, product_id, 'purchase' AS kind, 1 AS times, \
             CAST(NULL AS BIGINT) AS rating FROM entitlements \
             UNION ALL \
             SELECT account_id, product_id, kind, times, CAST(NULL AS BIGINT) FROM interactions \
             UNION ALL \
             SELECT account_id, product_id, 'review', 1, rating FROM reviews",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                let kind = rows::text(r, "kind")?;
                Ok(Signal {
                    account: parse_col(&rows::text(r, "account_id")?, "account id")?,
                    product: parse_col(&rows::text(r, "product_id")?, "product id")?,
                    kind: SignalKind::parse(&kind)
                        .ok_or_else(|| StoreError::Corrupt(format!("signal kind {kind:?}")))?,
                    times: rows::int(r, "times")?,
                    rating: rows::opt_int(r, "rating")?.and_then(|s| Rating::new(s).ok()),
                })
            })
            .collect()
    }
}

#[async_trait]
impl CounterStore for SqlStore {
    async fn counter(&self, name: &str) -> StoreResult<i64> {
        let found = sqlx::query("SELECT value FROM counters WHERE name = $1")
            .bind(name.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        found.map_or(Ok(0), |r| rows::int(&r, "value"))
    }

    async fn bump_counter(&self, name: &str) -> StoreResult<i64> {
        let row = sqlx::query(
            "INSERT INTO counters (name, value) VALUES ($1, 1) \
             ON CONFLICT (name) DO UPDATE SET value = counters.value + 1 \
             RETURNING value",
        )
        .bind(name.to_owned())
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        rows::int(&row, "value")
    }
}
