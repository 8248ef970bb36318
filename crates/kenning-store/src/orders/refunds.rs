//! Refunds: claiming a paid order for refunding, and the refund with its ledger entries.

use async_trait::async_trait;
use kenning_app::ports::{RefundRecord, RefundStore, StoreError, StoreResult};
use kenning_domain::ids::{AccountId, OrderId, ProductId};
use kenning_domain::ledger::LedgerTransaction;
use kenning_domain::money::Money;

use super::writes::insert_ledger;
use crate::{SqlStore, db_error, rows};

#[async_trait]
impl RefundStore for SqlStore {
    async fn refunded_total(&self, order: OrderId) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS n FROM refunds \
             WHERE order_id = $1",
        )
        .bind(order.to_string())
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        rows::int(&row, "n")
    }

    async fn claim_refund(
        &self,
        order: OrderId,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE orders SET refund_claimed_at_ms = $1 WHERE id = $2 AND status = 'paid' \
             AND (refund_claimed_at_ms IS NULL OR refund_claimed_at_ms < $3)",
        )
        .bind(now_ms)
        .bind(order.to_string())
        .bind(stale_before_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_refund(&self, order: OrderId) -> StoreResult<()> {
        sqlx::query("UPDATE orders SET refund_claimed_at_ms = NULL WHERE id = $1")
            .bind(order.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn record_refund(
        &self,
        r: &RefundRecord,
        order_total: Money,
        ledger: &LedgerTransaction,
        revoke: Option<(AccountId, ProductId)>,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Release the claim first: it also takes the row lock on PostgreSQL and the write
        // lock on SQLite, so the sum below cannot change underneath.
        sqlx::query(
            "UPDATE orders SET updated_at_ms = $1, refund_claimed_at_ms = NULL \
             WHERE id = $2 AND status = 'paid'",
        )
        .bind(r.created_at_ms)
        .bind(r.order_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS n FROM refunds \
             WHERE order_id = $1",
        )
        .bind(r.order_id.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let before = rows::int(&row, "n")?;
        if before.saturating_add(r.amount.amount_minor) > order_total.amount_minor {
            tx.rollback().await.map_err(db_error)?;
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "INSERT INTO refunds (id, order_id, currency, amount_minor, reason, actor_id, \
             provider_reference, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.id.to_string())
        .bind(r.order_id.to_string())
        .bind(r.amount.currency.code())
        .bind(r.amount.amount_minor)
        .bind(r.reason.clone())
        .bind(r.actor_id.to_string())
        .bind(r.provider_reference.clone())
        .bind(r.created_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let kind = format!("{}:{}", ledger.kind, r.id);
        insert_ledger(&mut tx, ledger, &kind, r.created_at_ms).await?;
        if revoke.is_some() {
            for sql in [
                "DELETE FROM entitlements WHERE order_id = $1",
                "DELETE FROM lesson_entitlements WHERE order_id = $1",
            ] {
                sqlx::query(sql)
                    .bind(r.order_id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
        }
        tx.commit().await.map_err(db_error)
    }

    async fn refunds_of(&self, order: OrderId) -> StoreResult<Vec<(i64, Money)>> {
        let found = sqlx::query(
            "SELECT created_at_ms, currency, amount_minor FROM refunds WHERE order_id = $1 \
             ORDER BY created_at_ms, id",
        )
        .bind(order.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                let currency =
                    kenning_domain::money::Currency::from_code(&rows::text(r, "currency")?)
                        .map_err(|_| StoreError::Corrupt("currency".into()))?;
                Ok((
                    rows::int(r, "created_at_ms")?,
                    Money::new(rows::int(r, "amount_minor")?, currency),
                ))
            })
            .collect()
    }
}
