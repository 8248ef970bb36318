//! Orders, payments, entitlements and the ledger. `paying` takes orders for payment and
//! settles them on the buyer's turn (nobody pays for what they hold); `writes` holds the
//! rows a payment writes.

mod paying;
mod writes;

pub(crate) use writes::insert_ledger;
use writes::{insert_entitlement, insert_payment};

use async_trait::async_trait;
use kenning_app::ports::{
    AuditStore, CheckoutPageStore, Claim, EntitlementStore, OrderStore, PaymentRecord,
    PaymentStore, ReceiptSeriesBreak, ReceiptStore, RefundRecord, RefundStore, SaleLine,
    SalesStore, Settled, Settlement, StoreError, StoreResult, Taking,
};
use kenning_domain::catalog::Product;
use kenning_domain::ids::{AccountId, LessonId, OrderId, ProductId};
use kenning_domain::ledger::LedgerTransaction;
use kenning_domain::locale::LocalizedText;
use kenning_domain::money::Money;
use kenning_domain::order::{Holding, Order, ReceiptNumber};
use sqlx::AssertSqlSafe;

use crate::catalog::PRODUCT_SELECT;
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
}

#[async_trait]
impl PaymentStore for SqlStore {
    async fn claim_order(
        &self,
        id: OrderId,
        now_ms: i64,
        stale_before_ms: i64,
        taking: Taking,
    ) -> StoreResult<Claim> {
        paying::claim(self, id, now_ms, stale_before_ms, taking).await
    }

    async fn release_if_held(
        &self,
        id: OrderId,
        holding: Holding,
        now_ms: i64,
    ) -> StoreResult<bool> {
        paying::release_held(self, id, holding, now_ms).await
    }

    async fn settle_order(&self, s: &Settlement) -> StoreResult<Settled> {
        paying::settle(self, s).await
    }

    async fn fail_payment(&self, p: &PaymentRecord) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        sqlx::query(
            "UPDATE orders SET status = 'pending', updated_at_ms = $1 \
             WHERE id = $2 AND status = 'processing'",
        )
        .bind(p.created_at_ms)
        .bind(p.order_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        insert_payment(&mut tx, p).await?;
        tx.commit().await.map_err(db_error)
    }

    async fn payment_reference(&self, order: OrderId) -> StoreResult<Option<String>> {
        let row = sqlx::query(
            "SELECT provider_reference FROM payments WHERE order_id = $1 AND succeeded = $2",
        )
        .bind(order.to_string())
        .bind(true)
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        match row {
            Some(row) => rows::opt_text(&row, "provider_reference"),
            None => Ok(None),
        }
    }

    async fn paid_card(&self, order: OrderId) -> StoreResult<Option<String>> {
        let row =
            sqlx::query("SELECT card_last4 FROM payments WHERE order_id = $1 AND succeeded = $2")
                .bind(order.to_string())
                .bind(true)
                .fetch_optional(self.pool())
                .await
                .map_err(db_error)?;
        Ok(row
            .map(|r| rows::text(&r, "card_last4"))
            .transpose()?
            .filter(|last4| !last4.is_empty()))
    }
}

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

#[async_trait]
impl RefundStore for SqlStore {
    async fn refunded_total(&self, order: OrderId) -> StoreResult<i64> {
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS n FROM refunds \
             WHERE order_id = $1",
        )
        .bind(order.to_string())
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        rows::int(&row, "n")
    }

    async fn claim_refund(
        &self,
        order: OrderId,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> StoreResult<bool> {
        let done = sqlx::query(
            "UPDATE orders SET refund_claimed_at_ms = $1 WHERE id = $2 AND status = 'paid' \
             AND (refund_claimed_at_ms IS NULL OR refund_claimed_at_ms < $3)",
        )
        .bind(now_ms)
        .bind(order.to_string())
        .bind(stale_before_ms)
        .execute(self.pool())
        .await
        .map_err(db_error)?;
        Ok(done.rows_affected() == 1)
    }

    async fn release_refund(&self, order: OrderId) -> StoreResult<()> {
        sqlx::query("UPDATE orders SET refund_claimed_at_ms = NULL WHERE id = $1")
            .bind(order.to_string())
            .execute(self.pool())
            .await
            .map_err(db_error)?;
        Ok(())
    }

    async fn record_refund(
        &self,
        r: &RefundRecord,
        order_total: Money,
        ledger: &LedgerTransaction,
        revoke: Option<(AccountId, ProductId)>,
    ) -> StoreResult<()> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Release the claim first: it also takes the row lock on PostgreSQL and the write
        // lock on SQLite, so the sum below cannot change underneath.
        sqlx::query(
            "UPDATE orders SET updated_at_ms = $1, refund_claimed_at_ms = NULL \
             WHERE id = $2 AND status = 'paid'",
        )
        .bind(r.created_at_ms)
        .bind(r.order_id.to_string())
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let row = sqlx::query(
            "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) AS n FROM refunds \
             WHERE order_id = $1",
        )
        .bind(r.order_id.to_string())
        .fetch_one(&mut *tx)
        .await
        .map_err(db_error)?;
        let before = rows::int(&row, "n")?;
        if before.saturating_add(r.amount.amount_minor) > order_total.amount_minor {
            tx.rollback().await.map_err(db_error)?;
            return Err(StoreError::Conflict);
        }
        sqlx::query(
            "INSERT INTO refunds (id, order_id, currency, amount_minor, reason, actor_id, \
             provider_reference, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.id.to_string())
        .bind(r.order_id.to_string())
        .bind(r.amount.currency.code())
        .bind(r.amount.amount_minor)
        .bind(r.reason.clone())
        .bind(r.actor_id.to_string())
        .bind(r.provider_reference.clone())
        .bind(r.created_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let kind = format!("{}:{}", ledger.kind, r.id);
        insert_ledger(&mut tx, ledger, &kind, r.created_at_ms).await?;
        if revoke.is_some() {
            for sql in [
                "DELETE FROM entitlements WHERE order_id = $1",
                "DELETE FROM lesson_entitlements WHERE order_id = $1",
            ] {
                sqlx::query(sql)
                    .bind(r.order_id.to_string())
                    .execute(&mut *tx)
                    .await
                    .map_err(db_error)?;
            }
        }
        tx.commit().await.map_err(db_error)
    }

    async fn refunds_of(&self, order: OrderId) -> StoreResult<Vec<(i64, Money)>> {
        let found = sqlx::query(
            "SELECT created_at_ms, currency, amount_minor FROM refunds WHERE order_id = $1 \
             ORDER BY created_at_ms, id",
        )
        .bind(order.to_string())
        .fetch_all(self.pool())
        .await
        .map_err(db_error)?;
        found
            .iter()
            .map(|r| {
                let currency =
                    kenning_domain::money::Currency::from_code(&rows::text(r, "currency")?)
                        .map_err(|_| StoreError::Corrupt("currency".into()))?;
                Ok((
                    rows::int(r, "created_at_ms")?,
                    Money::new(rows::int(r, "amount_minor")?, currency),
                ))
            })
            .collect()
    }
}

#[async_trait]
impl ReceiptStore for SqlStore {
    async fn receipt_number(&self, order: OrderId) -> StoreResult<Option<ReceiptNumber>> {
        let row = sqlx::query(
            "SELECT receipt_year, receipt_sequence FROM orders WHERE id = $1 AND status = 'paid'",
        )
        .bind(order.to_string())
        .fetch_optional(self.pool())
        .await
        .map_err(db_error)?;
        let Some(row) = row else { return Ok(None) };
        match (
            rows::opt_int(&row, "receipt_year")?,
            rows::opt_int(&row, "receipt_sequence")?,
        ) {
            (Some(year), Some(sequence)) => Ok(Some(ReceiptNumber {
                year: i32::try_from(year)
                    .map_err(|_| StoreError::Corrupt("receipt year".into()))?,
                sequence,
            })),
            _ => Ok(None),
        }
    }

    async fn receipts_to_number(&self) -> StoreResult<bool> {
        let row = sqlx::query(
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM (SELECT 1 FROM orders \
             WHERE status = 'paid' AND receipt_sequence IS NULL LIMIT 1) waiting",
        )
        .fetch_one(self.pool())
        .await
        .map_err(db_error)?;
        Ok(rows::int(&row, "n")? > 0)
    }

    async fn number_receipts(&self, limit: i64, year_of: fn(i64) -> i32) -> StoreResult<u64> {
        let mut tx = self.pool().begin().await.map_err(db_error)?;
        // Row 0 of the counters is the numbering's lock (a row lock on PostgreSQL, the
        // write lock on SQLite): one numbering at a time, so no number is given twice
        // and none is skipped. Taken first, so what is read below is current.
        sqlx::query(
            "INSERT INTO receipt_counters (year, last_sequence) VALUES (0, 0) \
             ON CONFLICT (year) DO UPDATE SET last_sequence = 0",
        )
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
        let waiting = sqlx::query(
            "SELECT id, paid_at_ms FROM orders WHERE status = 'paid' \
             AND receipt_sequence IS NULL ORDER BY paid_at_ms, id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(&mut *tx)
        .await
        .map_err(db_error)?;
        let counters = sqlx::query("SELECT year, last_sequence FROM receipt_counters")
            .fetch_all(&mut *tx)
            .await
            .map_err(db_error)?;
        let mut last: std::collections::BTreeMap<i64, i64> = counters
            .iter()
            .map(|r| Ok((rows::int(r, "year")?, rows::int(r, "last_sequence")?)))
            .collect::<StoreResult<_>>()?;
        for row in &waiting {
            let year = i64::from(year_of(rows::opt_int(row, "paid_at_ms")?.unwrap_or(0)));
            let sequence = last.get(&year).copied().unwrap_or(0) + 1;
            last.insert(year, sequence);
            sqlx::query("UPDATE orders SET receipt_year = $1, receipt_sequence = $2 WHERE id = $3")
                .bind(year)
                .bind(sequence)
                .bind(rows::text(row, "id")?)
                .execute(&mut *tx)
                .await
                .map_err(db_error)?;
        }
        for (year, sequence) in last.iter().filter(|(year, _)| **year != 0) {
            sqlx::query(
                "INSERT INTO receipt_counters (year, last_sequence) VALUES ($1, $2) \
                 ON CONFLICT (year) DO UPDATE SET last_sequence = $2",
            )
            .bind(*year)
            .bind(*sequence)
            .execute(&mut *tx)
            .await
            .map_err(db_error)?;
        }
        tx.commit().await.map_err(db_error)?;
        Ok(waiting.len() as u64)
    }
}

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
