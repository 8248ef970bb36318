//! Payment pages opened at the provider: how many of an order's expired.

use async_trait::async_trait;
use kenning_app::ports::{CheckoutPageStore, StoreResult};
use kenning_domain::ids::OrderId;

use crate::{SqlStore, db_error, rows};

#[async_trait]
impl CheckoutPageStore for SqlStore {
    async fn expired_pages(&self, order: OrderId) -> StoreResult<i64> {
        let row = sqlx::query("SELECT expired_pages FROM orders WHERE id = $1")
            .bind(order.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.map_or(Ok(0), |r| rows::int(&r, "expired_pages"))
    }

    async fn page_expired(&self, order: OrderId) -> StoreResult<()> {
        sqlx::query(
            "UPDATE orders SET expired_pages = expired_pages + 1, seat_hold_until_ms = NULL \
             WHERE id = $1 AND status <> 'paid'",
        )
        .bind(order.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }
}
