//! Membership tiers and subscriptions.

use async_trait::async_trait;
use kenning_app::ports::{MembershipStore, StoreError, StoreResult};
use kenning_domain::ids::{AccountId, EntitlementId, ProductId, SubscriptionId};
use kenning_domain::money::{Currency, Money};
use kenning_domain::subscription::{MembershipPlan, Subscription, SubscriptionStatus};
use sqlx::any::AnyRow;
use sqlx::{Any, Transaction};

use crate::rows::{flag, int, opt_int, text};
use crate::{SqlStore, db_error, parse_col};

const SUBSCRIPTION_SELECT: &str = "SELECT id, plan_id, account_id, currency, amount_minor, \
     billing_interval, status, period_end_ms, grace_until_ms, retry_at_ms, payment_method, \
     created_at_ms FROM subscriptions";

fn subscription(row: &AnyRow) -> StoreResult<Subscription> {
    let status = text(row, "status")?;
    Ok(Subscription {
        id: parse_col::<SubscriptionId>(&text(row, "id")?, "subscription id")?,
        plan_id: parse_col::<ProductId>(&text(row, "plan_id")?, "product id")?,
        account_id: parse_col::<AccountId>(&text(row, "account_id")?, "account id")?,
        price: Money::new(
            int(row, "amount_minor")?,
            Currency::from_code(&text(row, "currency")?)
                .map_err(|_| StoreError::Corrupt("currency".into()))?,
        ),
        interval: parse_col(&text(row, "billing_interval")?, "interval")?,
        status: SubscriptionStatus::parse(&status)
            .ok_or_else(|| StoreError::Corrupt(format!("subscription status {status:?}")))?,
        period_end_ms: int(row, "period_end_ms")?,
        grace_until_ms: opt_int(row, "grace_until_ms")?,
        retry_at_ms: opt_int(row, "retry_at_ms")?,
        payment_method: text(row, "payment_method")?,
        created_at_ms: int(row, "created_at_ms")?,
    })
}

/// Writes a subscription (one per person and tier: an update, or the first insert).
pub(crate) async fn save_subscription(
    tx: &mut Transaction<'_, Any>,
    s: &Subscription,
    now_ms: i64,
) -> StoreResult<()> {
    let updated = sqlx::query(
        "UPDATE subscriptions SET currency = $1, amount_minor = $2, status = $3, \
             period_end_ms = $4, grace_until_ms = $5, retry_at_ms = $6, payment_method = $7, \
             updated_at_ms = $8 WHERE id = $9",
    )
    .bind(s.price.currency.code())
    .bind(s.price.amount_minor)
    .bind(s.status.as_str())
    .bind(s.period_end_ms)
    .bind(s.grace_until_ms)
    .bind(s.retry_at_ms)
    .bind(s.payment_method.clone())
    .bind(now_ms)
    .bind(s.id.to_string())
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    if updated.rows_affected() == 1 {
        return Ok(());
    }
    sqlx::query(
        "INSERT INTO subscriptions (id, plan_id, account_id, currency, amount_minor, \
             billing_interval, status, period_end_ms, grace_until_ms, retry_at_ms, \
             payment_method, created_at_ms, updated_at_ms) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
    )
    .bind(s.id.to_string())
    .bind(s.plan_id.to_string())
    .bind(s.account_id.to_string())
    .bind(s.price.currency.code())
    .bind(s.price.amount_minor)
    .bind(s.interval.as_str())
    .bind(s.status.as_str())
    .bind(s.period_end_ms)
    .bind(s.grace_until_ms)
    .bind(s.retry_at_ms)
    .bind(s.payment_method.clone())
    .bind(s.created_at_ms)
    .bind(now_ms)
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(())
}

/// Grants a subscription's products (what the person holds already stays as it is).
pub(crate) async fn grant_subscription(
    tx: &mut Transaction<'_, Any>,
    s: &Subscription,
    products: &[ProductId],
    now_ms: i64,
) -> StoreResult<()> {
    for product in products {
        sqlx::query(
            "INSERT INTO entitlements (id, account_id, product_id, source, order_id, \
             granted_at_ms, subscription_id) VALUES ($1, $2, $3, 'subscription', NULL, $4, $5) \
             ON CONFLICT (account_id, product_id) DO NOTHING",
        )
        .bind(EntitlementId::new().to_string())
        .bind(s.account_id.to_string())
        .bind(product.to_string())
        .bind(now_ms)
        .bind(s.id.to_string())
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    }
    Ok(())
}

/// The person's subscription to a tier.
pub(crate) async fn subscription_of(
    tx: &mut Transaction<'_, Any>,
    plan: ProductId,
    account: AccountId,
) -> StoreResult<Option<Subscription>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "{SUBSCRIPTION_SELECT} WHERE plan_id = $1 AND account_id = $2"
    ));
    let row = sqlx::query(sql)
        .bind(plan.to_string())
        .bind(account.to_string())
        .fetch_optional(&mut **tx)
        .await
        .map_err(db_error)?;
    row.as_ref().map(subscription).transpose()
}

#[async_trait]
impl MembershipStore for SqlStore {
    async fn set_plan(&self, plan: &MembershipPlan) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query("DELETE FROM membership_products WHERE plan_id = $1")
            .bind(plan.product_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query("DELETE FROM membership_plans WHERE product_id = $1")
            .bind(plan.product_id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        sqlx::query(
            "INSERT INTO membership_plans (product_id, billing_interval, all_of_creator) \
             VALUES ($1, $2, $3)",
        )
        .bind(plan.product_id.to_string())
        .bind(plan.interval.as_str())
        .bind(plan.all_of_creator)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        for product in &plan.products {
            sqlx::query("INSERT INTO membership_products (plan_id, product_id) VALUES ($1, $2)")
                .bind(plan.product_id.to_string())
                .bind(product.to_string())
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)
    }

    async fn plan(&self, product: ProductId) -> StoreResult<Option<MembershipPlan>> {
        let Some(row) = sqlx::query(
            "SELECT billing_interval, all_of_creator FROM membership_plans WHERE product_id = $1",
        )
        .bind(product.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?
        else {
            return Ok(None);
        };
        let products = sqlx::query(
            "SELECT product_id FROM membership_products WHERE plan_id = $1 ORDER BY product_id",
        )
        .bind(product.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?
        .iter()
        .map(|r| parse_col::<ProductId>(&text(r, "product_id")?, "product id"))
        .collect::<StoreResult<Vec<_>>>()?;
        Ok(Some(MembershipPlan {
            product_id: product,
            interval: parse_col(&text(&row, "billing_interval")?, "interval")?,
            all_of_creator: flag(&row, "all_of_creator")?,
            products,
        }))
    }

    async fn save_subscription(&self, s: &Subscription, now_ms: i64) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        save_subscription(&mut tx, s, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn subscription(&self, id: SubscriptionId) -> StoreResult<Option<Subscription>> {
        let sql = sqlx::AssertSqlSafe(format!("{SUBSCRIPTION_SELECT} WHERE id = $1"));
        let row = sqlx::query(sql)
            .bind(id.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(subscription).transpose()
    }

    async fn subscription_of(
        &self,
        plan: ProductId,
        account: AccountId,
    ) -> StoreResult<Option<Subscription>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SUBSCRIPTION_SELECT} WHERE plan_id = $1 AND account_id = $2"
        ));
        let row = sqlx::query(sql)
            .bind(plan.to_string())
            .bind(account.to_string())
            .fetch_optional(self.pool())
            .await
            .map_err(db_error)?;
        row.as_ref().map(subscription).transpose()
    }

    async fn subscriptions_of(&self, account: AccountId) -> StoreResult<Vec<Subscription>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SUBSCRIPTION_SELECT} WHERE account_id = $1 ORDER BY created_at_ms DESC"
        ));
        let found = sqlx::query(sql)
            .bind(account.to_string())
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(subscription).collect()
    }

    async fn due_subscriptions(&self, now_ms: i64) -> StoreResult<Vec<Subscription>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SUBSCRIPTION_SELECT} WHERE status <> 'expired' AND (period_end_ms <= $1 \
             OR grace_until_ms <= $1 OR retry_at_ms <= $1) ORDER BY period_end_ms"
        ));
        let found = sqlx::query(sql)
            .bind(now_ms)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(subscription).collect()
    }

    async fn subscriptions_ending(
        &self,
        from_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Vec<Subscription>> {
        let sql = sqlx::AssertSqlSafe(format!(
            "{SUBSCRIPTION_SELECT} WHERE status = 'active' AND period_end_ms > $1 \
             AND period_end_ms <= $2 ORDER BY period_end_ms"
        ));
        let found = sqlx::query(sql)
            .bind(from_ms)
            .bind(until_ms)
            .fetch_all(self.pool())
            .await
            .map_err(db_error)?;
        found.iter().map(subscription).collect()
    }

    async fn grant_subscription(
        &self,
        s: &Subscription,
        products: &[ProductId],
        now_ms: i64,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        grant_subscription(&mut tx, s, products, now_ms).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn revoke_subscription(&self, id: SubscriptionId) -> StoreResult<()> {
        sqlx::query("DELETE FROM entitlements WHERE subscription_id = $1")
            .bind(id.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn end_subscription(&self, s: &Subscription, now_ms: i64) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        save_subscription(&mut tx, s, now_ms).await?;
        sqlx::query("DELETE FROM entitlements WHERE subscription_id = $1")
            .bind(s.id.to_string())
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        tx.commit().await.map_err(db_error)
    }
}
