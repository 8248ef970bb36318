//! What people hold: products and lessons, and since when.

use async_trait::async_trait;
use kenning_app::ports::{EntitlementStore, StoreResult};
use kenning_domain::catalog::Product;
use kenning_domain::ids::{AccountId, LessonId, OrderId, ProductId};
use kenning_domain::locale::LocalizedText;
use sqlx::AssertSqlSafe;

use super::writes::insert_entitlement;
use crate::catalog::PRODUCT_SELECT;
use crate::{SqlStore, db_error, rows};

#[async_trait]
impl EntitlementStore for SqlStore {
    async fn lessons_bought(
        &self,
        account: AccountId,
    ) -> StoreResult<Vec<(LessonId, ProductId, LocalizedText, i64)>> {
        let found = sqlx::query(
            "SELECT le.lesson_id, l.product_id, l.title, le.granted_at_ms \
             FROM lesson_entitlements le JOIN lessons l ON l.id = le.lesson_id \
             WHERE le.account_id = $1 ORDER BY le.granted_at_ms DESC, le.lesson_id",
        )
        .bind(account.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok((
                    crate::parse_col(&rows::text(r, "lesson_id")?, "lesson id")?,
                    crate::parse_col(&rows::text(r, "product_id")?, "product id")?,
                    rows::json(r, "title")?,
                    rows::int(r, "granted_at_ms")?,
                ))
            })
            .collect()
    }

    async fn lesson_entitled_since(
        &self,
        account: AccountId,
        lesson: LessonId,
    ) -> StoreResult<Option<i64>> {
        let row = sqlx::query(
            "SELECT granted_at_ms FROM lesson_entitlements WHERE account_id = $1 \
             AND lesson_id = $2",
        )
        .bind(account.to_string())
        .bind(lesson.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.as_ref()
            .map(|r| rows::int(r, "granted_at_ms"))
            .transpose()
    }

    async fn entitled_since(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<i64>> {
        let row = sqlx::query(
            "SELECT granted_at_ms FROM entitlements WHERE account_id = $1 AND product_id = $2",
        )
        .bind(account.to_string())
        .bind(product.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        row.as_ref()
            .map(|r| rows::int(r, "granted_at_ms"))
            .transpose()
    }

    async fn grant_entitlement(
        &self,
        account: AccountId,
        product: ProductId,
        source: &str,
        now_ms: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        insert_entitlement(&mut tx, account, product, source, None, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn library(&self, account: AccountId) -> StoreResult<Vec<(Product, i64)>> {
        let sql = AssertSqlSafe(format!(
            "{PRODUCT_SELECT}, e.granted_at_ms \
             FROM entitlements e JOIN products p ON p.id = e.product_id \
             JOIN accounts a ON a.id = p.creator_id \
             WHERE e.account_id = $1 ORDER BY e.granted_at_ms DESC, p.id"
        ));
        let found = sqlx::query(sql)
            .bind(account.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found
            .iter()
            .map(|r| Ok((rows::product(r)?, rows::int(r, "granted_at_ms")?)))
            .collect()
    }

    async fn holders(&self, product: ProductId) -> StoreResult<Vec<(AccountId, i64)>> {
        let found = sqlx::query(
            "SELECT account_id, granted_at_ms FROM entitlements WHERE product_id = $1 \
             ORDER BY granted_at_ms, account_id",
        )
        .bind(product.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                Ok((
                    crate::parse_col(&rows::text(r, "account_id")?, "account id")?,
                    rows::int(r, "granted_at_ms")?,
                ))
            })
            .collect()
    }

    async fn entitlement_order(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<OrderId>> {
        let row = sqlx::query(
            "SELECT order_id FROM entitlements WHERE account_id = $1 AND product_id = $2",
        )
        .bind(account.to_string())
        .bind(product.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        match row {
            Some(row) => rows::opt_text(&row, "order_id")?
                .map(|id| crate::parse_col::<OrderId>(&id, "order id"))
                .transpose(),
            None => Ok(None),
        }
    }
}
