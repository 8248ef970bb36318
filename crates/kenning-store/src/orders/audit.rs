//! The checks `kenning ledger verify` runs: balanced transactions, paid orders that
//! granted something, grants that were paid for, unbroken receipt series.

use async_trait::async_trait;
use kenning_app::ports::{AuditStore, ReceiptSeriesBreak, StoreResult};

use crate::{SqlStore, db_error, rows};

impl SqlStore {
    /// The `id` column of every row a query returns.
    async fn ids(&self, sql: &'static str) -> StoreResult<Vec<String>> {
        let found = sqlx::query(sql)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(|r| rows::text(r, "id")).collect()
    }
}

#[async_trait]
impl AuditStore for SqlStore {
    async fn ledger_imbalances(&self) -> StoreResult<Vec<(String, i64)>> {
        // Per transaction and currency, so an error cannot hide behind another one.
        let found = sqlx::query(
            "SELECT transaction_id, currency, CAST(SUM(amount_minor) AS BIGINT) AS total \
             FROM ledger_postings GROUP BY transaction_id, currency \
             HAVING SUM(amount_minor) <> 0",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok((
                    format!(
                        "{} {}",
                        rows::text(r, "transaction_id")?,
                        rows::text(r, "currency")?
                    ),
                    rows::int(r, "total")?,
                ))
            })
            .collect()
    }

    async fn paid_orders_without_entitlement(&self) -> StoreResult<Vec<String>> {
        self.ids(
            "SELECT o.id FROM orders o WHERE o.status = 'paid' AND NOT EXISTS \
             (SELECT 1 FROM entitlements e WHERE e.order_id = o.id) \
             AND NOT EXISTS (SELECT 1 FROM lesson_entitlements le WHERE le.order_id = o.id) \
             AND NOT EXISTS (SELECT 1 FROM questions q WHERE q.order_id = o.id) \
             AND o.amount_minor > (SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r \
             WHERE r.order_id = o.id) \
             AND NOT EXISTS (SELECT 1 FROM products p WHERE p.id = o.product_id \
             AND p.kind = 'membership') \
             AND NOT EXISTS (SELECT 1 FROM gifts g WHERE g.order_id = o.id \
             AND g.claimed_by IS NULL) ORDER BY o.id",
        )
        .await
    }

    async fn receipt_series_breaks(&self) -> StoreResult<Vec<ReceiptSeriesBreak>> {
        // Numbers are unique (an index), so a year is unbroken when its count, its highest
        // number and its counter agree.
        let found = sqlx::query(
            "SELECT c.year, CAST(COUNT(o.id) AS BIGINT) AS numbered, \
             CAST(COALESCE(MAX(o.receipt_sequence), 0) AS BIGINT) AS highest, \
             c.last_sequence FROM receipt_counters c \
             LEFT JOIN orders o ON o.receipt_year = c.year WHERE c.year <> 0 \
             GROUP BY c.year, c.last_sequence \
             HAVING COUNT(o.id) <> c.last_sequence \
                OR COALESCE(MAX(o.receipt_sequence), 0) <> c.last_sequence \
             ORDER BY c.year",
        )
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(ReceiptSeriesBreak {
                    year: rows::int(r, "year")?,
                    numbered: rows::int(r, "numbered")?,
                    highest: rows::int(r, "highest")?,
                    counter: rows::int(r, "last_sequence")?,
                })
            })
            .collect()
    }

    async fn entitlements_without_payment(&self) -> StoreResult<Vec<String>> {
        self.ids(
            "SELECT id FROM (\
             SELECT e.id FROM entitlements e LEFT JOIN orders o ON o.id = e.order_id \
             WHERE (e.source IN ('order', 'gift', 'bundle') AND (o.id IS NULL OR o.status <> 'paid' \
                OR o.amount_minor <= (SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r \
                WHERE r.order_id = o.id))) \
                OR (e.source = 'subscription' AND NOT EXISTS (SELECT 1 FROM subscriptions s \
                WHERE s.id = e.subscription_id AND s.status <> 'expired')) \
                OR e.source NOT IN ('order', 'gift', 'bundle', 'free', 'subscription') \
             UNION ALL \
             SELECT 'lesson:' || le.account_id || ':' || le.lesson_id AS id \
             FROM lesson_entitlements le JOIN orders o ON o.id = le.order_id \
             WHERE o.status <> 'paid' OR o.lesson_id IS NULL OR o.lesson_id <> le.lesson_id \
                OR o.amount_minor <= (SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r \
                WHERE r.order_id = o.id)) AS unpaid ORDER BY id",
        )
        .await
    }
}
