//! Coupons.

use async_trait::async_trait;
use kenning_app::ports::{CouponStore, StoreError, StoreResult};
use kenning_domain::coupon::{Coupon, CouponCode, Discount};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::money::{Currency, Money};
use sqlx::any::AnyRow;

use crate::rows::{int, opt_int, opt_text, text};
use crate::{SqlStore, db_error, parse_col};

const COUPON_SELECT: &str = "SELECT code, creator_id, product_id, percent_bps, amount_minor, \
     currency, max_uses, uses, expires_at_ms, created_at_ms FROM coupons";

fn coupon(row: &AnyRow) -> StoreResult<Coupon> {
    let discount = match (
        opt_int(row, "percent_bps")?,
        opt_int(row, "amount_minor")?,
        opt_text(row, "currency")?,
    ) {
        (Some(bps), None, _) => Discount::Percent {
            bps: u16::try_from(bps).map_err(|_| StoreError::Corrupt("percent_bps".into()))?,
        },
        (None, Some(amount), Some(currency)) => Discount::Fixed {
            amount: Money::new(
                amount,
                Currency::from_code(&currency)
                    .map_err(|_| StoreError::Corrupt("currency".into()))?,
            ),
        },
        _ => return Err(StoreError::Corrupt("coupon discount".into())),
    };
    Ok(Coupon {
        code: parse_col::<CouponCode>(&text(row, "code")?, "coupon code")?,
        creator_id: parse_col::<AccountId>(&text(row, "creator_id")?, "account id")?,
        product_id: opt_text(row, "product_id")?
            .map(|p| parse_col::<ProductId>(&p, "product id"))
            .transpose()?,
        discount,
        max_uses: opt_int(row, "max_uses")?,
        uses: int(row, "uses")?,
        expires_at_ms: opt_int(row, "expires_at_ms")?,
        created_at_ms: int(row, "created_at_ms")?,
    })
}

#[async_trait]
impl CouponStore for SqlStore {
    async fn insert_coupon(&self, c: &Coupon) -> StoreResult<()> {
        let (bps, amount, currency) = match c.discount {
            Discount::Percent { bps } => (Some(i64::from(bps)), None, None),
            Discount::Fixed { amount } => (
                None,
                Some(amount.amount_minor),
                Some(amount.currency.code().to_owned()),
            ),
        };
        sqlx::query(
            "INSERT INTO coupons (code, creator_id, product_id, percent_bps, amount_minor, \
             currency, max_uses, uses, expires_at_ms, created_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        )
        .bind(c.code.to_string())
        .bind(c.creator_id.to_string())
        .bind(c.product_id.map(|p| p.to_string()))
        .bind(bps)
        .bind(amount)
        .bind(currency)
        .bind(c.max_uses)
        .bind(c.uses)
        .bind(c.expires_at_ms)
        .bind(c.created_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(())
    }

    async fn coupon(&self, code: &CouponCode) -> StoreResult<Option<Coupon>> {
        let sql = sqlx::AssertSqlSafe(format!("{COUPON_SELECT} WHERE code = $1"));
        let row = sqlx::query(sql)
            .bind(code.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(coupon).transpose()
    }

    async fn coupons_of(&self, creator: AccountId) -> StoreResult<Vec<Coupon>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{COUPON_SELECT} WHERE creator_id = $1 ORDER BY created_at_ms DESC"
        ));
        let found = sqlx::query(sql)
            .bind(creator.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(coupon).collect()
    }

    async fn update_coupon_limits(&self, c: &Coupon) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE coupons SET max_uses = $2, expires_at_ms = $3 \
             WHERE code = $1 AND uses <= COALESCE($2, uses)",
        )
        .bind(c.code.to_string())
        .bind(c.max_uses)
        .bind(c.expires_at_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_unused_coupon(&self, code: &CouponCode) -> StoreResult<bool> {
        let done = sqlx::query(
            "DELETE FROM coupons WHERE code = $1 AND uses = 0 \
             AND NOT EXISTS (SELECT 1 FROM orders WHERE coupon_code = $1)",
        )
        .bind(code.to_string())
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }
}
