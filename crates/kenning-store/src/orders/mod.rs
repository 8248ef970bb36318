//! Orders, one file per thing the app asks of them: the orders themselves (here),
//! `paying` (taking an order for payment and settling it on the buyer's turn: nobody pays
//! for what they hold), `checkout_pages`, `refunds`, `receipts`, `sales`, `entitlements`
//! and `audit`; `writes` holds the rows a payment writes.

mod audit;
mod checkout_pages;
mod entitlements;
mod paying;
mod receipts;
mod refunds;
mod sales;
mod writes;

pub(crate) use writes::insert_ledger;

use async_trait::async_trait;
use kenning_app::ports::{OrderSearch, OrderStore, StoreError, StoreResult};
use kenning_domain::ids::{AccountId, OrderId};
use kenning_domain::order::Order;
use sqlx::AssertSqlSafe;

use crate::{SqlStore, db_error, rows};

const ORDER_COLUMNS: &str = "id, buyer_id, product_id, currency, amount_minor, status, \
     idempotency_key, created_at_ms, paid_at_ms, coupon_code, discount_minor, tax_country, \
     tax_rate_bps, tax_inclusive, tax_minor, fx_from, fx_rate_e8, affiliate_id, affiliate_bps, \
     lesson_id, released_at_ms";

impl SqlStore {
    async fn order_buyer(&self, id: OrderId) -> StoreResult<Option<AccountId>> {
        let row = sqlx::query("SELECT buyer_id FROM orders WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref()
            .map(|r| crate::parse_col(&rows::text(r, "buyer_id")?, "buyer id"))
            .transpose()
    }
}

#[async_trait]
impl OrderStore for SqlStore {
    async fn create_order(&self, o: &Order) -> StoreResult<(Order, bool)> {
        // Insert first (taking the write lock on SQLite), then read whichever order holds
        // the key: concurrent requests with one key all end up with the same order. A
        // coupon is redeemed in the same transaction, only by the request that created
        // the order, and only while uses remain (the row lock makes that exact).
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        let done = sqlx::query(
            "INSERT INTO orders (id, buyer_id, product_id, currency, amount_minor, status, \
             idempotency_key, created_at_ms, updated_at_ms, paid_at_ms, coupon_code, \
             discount_minor, tax_country, tax_rate_bps, tax_inclusive, tax_minor, fx_from, \
             fx_rate_e8, affiliate_id, affiliate_bps, lesson_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, $10, $11, $12, $13, $14, $15, \
             $16, $17, $18, $19, $20) \
             ON CONFLICT (buyer_id, idempotency_key) DO NOTHING",
        )
        .bind(o.id.to_string())
        .bind(o.buyer_id.to_string())
        .bind(o.product_id.to_string())
        .bind(o.total.currency.code())
        .bind(o.total.amount_minor)
        .bind(o.status.as_str())
        .bind(o.idempotency_key.clone())
        .bind(o.created_at_ms)
        .bind(o.created_at_ms)
        .bind(o.coupon.as_ref().map(ToString::to_string))
        .bind(o.discount_minor)
        .bind(o.tax.as_ref().map(|t| t.country.to_string()))
        .bind(o.tax.as_ref().map_or(0, |t| i64::from(t.rate_bps)))
        .bind(o.tax.as_ref().is_none_or(|t| t.inclusive))
        .bind(o.tax.as_ref().map_or(0, |t| t.amount.amount_minor))
        .bind(o.conversion.map(|c| c.from.code()))
        .bind(o.conversion.map(|c| c.rate_e8))
        .bind(o.referral.map(|r| r.affiliate.to_string()))
        .bind(o.referral.map_or(0, |r| i64::from(r.bps)))
        .bind(o.lesson_id.map(|l| l.to_string()))
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let created = done.rows_affected() == 1;
        if created && let Some(code) = &o.coupon {
            let redeemed = sqlx::query(
                "UPDATE coupons SET uses = uses + 1 \
                 WHERE code = $1 AND (max_uses IS NULL OR uses < max_uses)",
            )
            .bind(code.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
            if redeemed.rows_affected() == 0 {
                tx.rollback().await.map_err(db_error)?;
                return Err(StoreError::Conflict);
            }
        }
        tx.commit().await.map_err(db_error)?;
        let sql = AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE buyer_id = $1 AND idempotency_key = $2"
        ));
        let row = sqlx::query(sql)
            .bind(o.buyer_id.to_string())
            .bind(o.idempotency_key.clone())
            .fetch_one(self.pool())
            .await
            .map_err(db_error)?;
        Ok((rows::order(&row)?, created))
    }

    async fn order(&self, id: OrderId) -> StoreResult<Option<Order>> {
        let sql = AssertSqlSafe(format!("SELECT {ORDER_COLUMNS} FROM orders WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(rows::order).transpose()
    }

    async fn order_by_key(&self, buyer: AccountId, key: &str) -> StoreResult<Option<Order>> {
        let sql = AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE buyer_id = $1 AND idempotency_key = $2"
        ));
        let row = sqlx::query(sql)
            .bind(buyer.to_string())
            .bind(key.to_owned())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(rows::order).transpose()
    }

    async fn orders_of(&self, buyer: AccountId) -> StoreResult<Vec<Order>> {
        let sql = AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders WHERE buyer_id = $1 ORDER BY created_at_ms DESC"
        ));
        let found = sqlx::query(sql)
            .bind(buyer.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(rows::order).collect()
    }

    async fn search_orders(&self, search: &OrderSearch, limit: i64) -> StoreResult<Vec<Order>> {
        let sql = AssertSqlSafe(format!(
            "SELECT {ORDER_COLUMNS} FROM orders \
             WHERE ($1 = '' OR id = $1) \
             AND ($2 = '' OR buyer_id IN (SELECT id FROM accounts WHERE email = $2)) \
             AND created_at_ms >= $3 AND created_at_ms < $4 \
             ORDER BY created_at_ms DESC, id LIMIT $5"
        ));
        let found = sqlx::query(sql)
            .bind(search.id.map(|i| i.to_string()).unwrap_or_default())
            .bind(
                search
                    .buyer_email
                    .as_deref()
                    .map(|e| e.trim().to_lowercase())
                    .unwrap_or_default(),
            )
            .bind(search.from_ms.unwrap_or(i64::MIN))
            .bind(search.until_ms.unwrap_or(i64::MAX))
            .bind(limit.clamp(1, 500))
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(rows::order).collect()
    }
}
