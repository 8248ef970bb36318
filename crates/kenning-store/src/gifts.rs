//! Gifts.

use async_trait::async_trait;
use kenning_app::ports::{GiftStore, StoreError, StoreResult};
use kenning_domain::account::Email;
use kenning_domain::gift::Gift;
use kenning_domain::ids::{AccountId, EntitlementId, OrderId, ProductId};
use sqlx::any::AnyRow;

use crate::rows::{int, opt_int, opt_text, text};
use crate::{SqlStore, db_error, parse_col};

const GIFT_SELECT: &str = "SELECT code, order_id, product_id, buyer_id, recipient_email, \
     message, claimed_by, claimed_at_ms, created_at_ms FROM gifts";

fn gift(row: &AnyRow) -> StoreResult<Gift> {
    Ok(Gift {
        code: text(row, "code")?,
        order_id: parse_col::<OrderId>(&text(row, "order_id")?, "order id")?,
        product_id: parse_col::<ProductId>(&text(row, "product_id")?, "product id")?,
        buyer_id: parse_col::<AccountId>(&text(row, "buyer_id")?, "account id")?,
        recipient: Email::parse(&text(row, "recipient_email")?)
            .map_err(|_| StoreError::Corrupt("recipient_email".into()))?,
        message: text(row, "message")?,
        claimed_by: opt_text(row, "claimed_by")?
            .map(|a| parse_col::<AccountId>(&a, "account id"))
            .transpose()?,
        claimed_at_ms: opt_int(row, "claimed_at_ms")?,
        created_at_ms: int(row, "created_at_ms")?,
    })
}

#[async_trait]
impl GiftStore for SqlStore {
    async fn insert_gift(&self, g: &Gift) -> StoreResult<()> {
        sqlx::query(
            "INSERT INTO gifts (code, order_id, product_id, buyer_id, recipient_email, message, \
             claimed_by, claimed_at_ms, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, NULL, NULL, $7) ON CONFLICT (order_id) DO NOTHING",
        )
        .bind(g.code.clone())
        .bind(g.order_id.to_string())
        .bind(g.product_id.to_string())
        .bind(g.buyer_id.to_string())
        .bind(g.recipient.as_str().to_owned())
        .bind(g.message.clone())
        .bind(g.created_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn gift(&self, code: &str) -> StoreResult<Option<Gift>> {
        let sql = sqlx::AssertSqlSafe(format!("{GIFT_SELECT} WHERE code = $1"));
        let row = sqlx::query(sql)
            .bind(code.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(gift).transpose()
    }

    async fn gift_of_order(&self, order: OrderId) -> StoreResult<Option<Gift>> {
        let sql = sqlx::AssertSqlSafe(format!("{GIFT_SELECT} WHERE order_id = $1"));
        let row = sqlx::query(sql)
            .bind(order.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(gift).transpose()
    }

    async fn gifts_from(&self, buyer: AccountId) -> StoreResult<Vec<Gift>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{GIFT_SELECT} WHERE buyer_id = $1 ORDER BY created_at_ms DESC"
        ));
        let found = sqlx::query(sql)
            .bind(buyer.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(gift).collect()
    }

    async fn claim_gift(&self, code: &str, account: AccountId, now_ms: i64) -> StoreResult<bool> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let claimed = sqlx::query(
            "UPDATE gifts SET claimed_by = $1, claimed_at_ms = $2 \
             WHERE code = $3 AND claimed_by IS NULL",
        )
        .bind(account.to_string())
        .bind(now_ms)
        .bind(code.to_owned())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if claimed.rows_affected() != 1 {
            tx.rollback().await.map_err(db_error)?;
            return Ok(false);
        }
        let granted = sqlx::query(
            "INSERT INTO entitlements (id, account_id, product_id, source, order_id, granted_at_ms) \
             SELECT $1, $2, g.product_id, 'gift', g.order_id, $3 FROM gifts g WHERE g.code = $4 \
             ON CONFLICT (account_id, product_id) DO NOTHING",
        )
        .bind(EntitlementId::new().to_string())
        .bind(account.to_string())
        .bind(now_ms)
        .bind(code.to_owned())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        if granted.rows_affected() != 1 {
            // They hold it already: the gift stays unclaimed.
            tx.rollback().await.map_err(db_error)?;
            return Err(StoreError::Duplicate);
        }
        tx.commit().await.map_err(db_error)?;
        Ok(true)
    }
}
