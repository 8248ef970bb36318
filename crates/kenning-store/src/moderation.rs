//! Products operators took off sale.

use async_trait::async_trait;
use kenning_app::ports::{ModerationStore, StoreResult};
use kenning_domain::catalog::ProductHold;
use kenning_domain::ids::ProductId;

use crate::rows::{int, text};
use crate::{SqlStore, db_error, parse_col};

#[async_trait]
impl ModerationStore for SqlStore {
    async fn hold_product(&self, hold: &ProductHold) -> StoreResult<bool> {
        // The hold first: it takes SQLite's write turn, and a second hold finds it.
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let held = sqlx::query(
            "INSERT INTO product_holds (product_id, reason, held_by, held_at_ms) \
             VALUES ($1, $2, $3, $4) ON CONFLICT (product_id) DO NOTHING",
        )
        .bind(hold.product_id.to_string())
        .bind(&hold.reason)
        .bind(hold.held_by.to_string())
        .bind(hold.held_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?
        .rows_affected();
        if held == 0 {
            return Ok(false);
        }
        sqlx::query("UPDATE products SET status = 'unpublished', updated_at_ms = $2 WHERE id = $1")
            .bind(hold.product_id.to_string())
            .bind(hold.held_at_ms)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }

    async fn release_product(&self, product: ProductId) -> StoreResult<bool> {
        let done = sqlx::query("DELETE FROM product_holds WHERE product_id = $1")
            .bind(product.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn product_hold(&self, product: ProductId) -> StoreResult<Option<ProductHold>> {
        let row = sqlx::query(
            "SELECT product_id, reason, held_by, held_at_ms FROM product_holds \
             WHERE product_id = $1",
        )
        .bind(product.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.map(|r| {
            Ok(ProductHold {
                product_id: parse_col(&text(&r, "product_id")?, "product id")?,
                reason: text(&r, "reason")?,
                held_by: parse_col(&text(&r, "held_by")?, "account id")?,
                held_at_ms: int(&r, "held_at_ms")?,
            })
        })
        .transpose()
    }
}
