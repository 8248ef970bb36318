//! Reviews, and the rating totals kept on each product.

use async_trait::async_trait;
use kenning_app::ports::{ReviewStore, StoreResult};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::review::{Rating, Review};
use sqlx::any::AnyRow;

use crate::{SqlStore, db_error, parse_col, rows};

const REVIEW_SELECT: &str = "SELECT r.product_id, r.account_id, a.display_name, r.rating, \
     r.body, r.created_at_ms, r.updated_at_ms \
     FROM reviews r JOIN accounts a ON a.id = r.account_id";

fn review(row: &AnyRow) -> StoreResult<Review> {
    Ok(Review {
        product_id: parse_col(&rows::text(row, "product_id")?, "product id")?,
        account_id: parse_col(&rows::text(row, "account_id")?, "account id")?,
        author_name: rows::text(row, "display_name")?,
        rating: Rating::new(rows::int(row, "rating")?)
            .map_err(|e| kenning_app::ports::StoreError::Corrupt(e.to_string()))?,
        body: rows::text(row, "body")?,
        created_at_ms: rows::int(row, "created_at_ms")?,
        updated_at_ms: rows::int(row, "updated_at_ms")?,
    })
}

#[async_trait]
impl ReviewStore for SqlStore {
    async fn upsert_review(&self, r: &Review) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query(
            "INSERT INTO reviews (product_id, account_id, rating, body, created_at_ms, \
             updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (product_id, account_id) DO UPDATE SET rating = excluded.rating, \
             body = excluded.body, updated_at_ms = excluded.updated_at_ms",
        )
        .bind(r.product_id.to_string())
        .bind(r.account_id.to_string())
        .bind(i64::from(r.rating.stars()))
        .bind(r.body.clone())
        .bind(r.created_at_ms)
        .bind(r.updated_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        // Recomputed from the reviews themselves, so concurrent reviews cannot drift it.
        sqlx::query(
            "UPDATE products SET \
             rating_count = (SELECT COUNT(*) FROM reviews WHERE product_id = $1), \
             rating_sum = (SELECT COALESCE(SUM(rating), 0) FROM reviews WHERE product_id = $1) \
             WHERE id = $1",
        )
        .bind(r.product_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }

    async fn reviews(&self, product: ProductId, limit: i64) -> StoreResult<Vec<Review>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{REVIEW_SELECT} WHERE r.product_id = $1 \
             ORDER BY r.updated_at_ms DESC, r.account_id LIMIT $2"
        ));
        let found = sqlx::query(sql)
            .bind(product.to_string())
            .bind(limit)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(review).collect()
    }

    async fn review_by(
        &self,
        product: ProductId,
        account: AccountId,
    ) -> StoreResult<Option<Review>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{REVIEW_SELECT} WHERE r.product_id = $1 AND r.account_id = $2"
        ));
        let found = sqlx::query(sql)
            .bind(product.to_string())
            .bind(account.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        found.as_ref().map(review).transpose()
    }
}
