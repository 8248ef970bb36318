//! Paid orders as their sellers see them.

use async_trait::async_trait;
use kenning_app::ports::{SaleLine, SalesStore, StoreResult};
use kenning_domain::ids::AccountId;

use crate::{SqlStore, db_error, rows};

#[async_trait]
impl SalesStore for SqlStore {
    async fn sales(&self, creator: Option<AccountId>, limit: i64) -> StoreResult<Vec<SaleLine>> {
        // `$1 IS NULL` would need a typed NULL on PostgreSQL: match on an empty id instead.
        let found = sqlx::query(
            "SELECT o.*, p.title AS product_title, a.email AS buyer_email, \
             CAST((SELECT COALESCE(SUM(r.amount_minor), 0) FROM refunds r \
                WHERE r.order_id = o.id) AS BIGINT) AS refunded_minor \
             FROM orders o JOIN products p ON p.id = o.product_id \
             JOIN accounts a ON a.id = o.buyer_id \
             WHERE o.status = 'paid' AND ($1 = '' OR p.creator_id = $1) \
             ORDER BY o.paid_at_ms DESC, o.id LIMIT $2",
        )
        .bind(creator.map(|c| c.to_string()).unwrap_or_default())
        .bind(limit)
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok(SaleLine {
                    order: rows::order(r)?,
                    product_title: rows::json(r, "product_title")?,
                    buyer_email: rows::text(r, "buyer_email")?,
                    refunded_minor: rows::int(r, "refunded_minor")?,
                })
            })
            .collect()
    }
}
