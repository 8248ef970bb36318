//! Receipt numbers: one unbroken series per calendar year, given in the order payments
//! were made, one numbering at a time.

use async_trait::async_trait;
use kenning_app::ports::{ReceiptStore, StoreError, StoreResult};
use kenning_domain::ids::OrderId;
use kenning_domain::order::ReceiptNumber;

use crate::{SqlStore, db_error, rows};

#[async_trait]
impl ReceiptStore for SqlStore {
    async fn receipt_number(&self, order: OrderId) -> StoreResult<Option<ReceiptNumber>> {
        let row = sqlx::query(
            "SELECT receipt_year, receipt_sequence FROM orders WHERE id = $1 AND status = 'paid'",
        )
        .bind(order.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        match (
            rows::opt_int(&row, "receipt_year")?,
            rows::opt_int(&row, "receipt_sequence")?,
        ) {
            (Some(year), Some(sequence)) => Ok(Some(ReceiptNumber {
                year: i32::try_from(year)
                    .map_err(|_| StoreError::Corrupt("receipt year".into()))?,
                sequence,
            })),
            _ => Ok(None),
        }
    }

    async fn receipts_to_number(&self) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 FROM orders \
             WHERE status = 'paid' AND receipt_sequence IS NULL LIMIT 1) waiting",
        )
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        Ok(rows::int(&row, "n")? > 0)
    }

    async fn number_receipts(&self, limit: i64, year_of: fn(i64) -> i32) -> StoreResult<u64> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Row 0 of the counters is the numbering's lock (a row lock on PostgreSQL, the
        // write lock on SQLite): one numbering at a time, so no number is given twice
        // and none is skipped. Taken first, so what is read below is current.
        sqlx::query(
            "INSERT INTO receipt_counters (year, last_sequence) VALUES (0, 0) \
             ON CONFLICT (year) DO UPDATE SET last_sequence = 0",
        )
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let waiting = sqlx::query(
            "SELECT id, paid_at_ms FROM orders WHERE status = 'paid' \
             AND receipt_sequence IS NULL ORDER BY paid_at_ms, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let counters = sqlx::query("SELECT year, last_sequence FROM receipt_counters")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        let mut last: std::collections::BTreeMap<i64, i64> = counters
            .iter()
            .map(|r| Ok((rows::int(r, "year")?, rows::int(r, "last_sequence")?)))
            .collect::<StoreResult<_>>()?;
        for row in &waiting {
            let year = i64::from(year_of(rows::opt_int(row, "paid_at_ms")?.unwrap_or(0)));
            let sequence = last.get(&year).copied().unwrap_or(0) + 1;
            last.insert(year, sequence);
            sqlx::query("UPDATE orders SET receipt_year = $1, receipt_sequence = $2 WHERE id = $3")
                .bind(year)
                .bind(sequence)
                .bind(rows::text(row, "id")?)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        for (year, sequence) in last.iter().filter(|(year, _)| **year != 0) {
            sqlx::query(
                "INSERT INTO receipt_counters (year, last_sequence) VALUES ($1, $2) \
                 ON CONFLICT (year) DO UPDATE SET last_sequence = $2",
            )
            .bind(*year)
            .bind(*sequence)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(waiting.len() as u64)
    }
}
