//! Taking an order for payment and settling it, each in one transaction on the buyer's
//! turn, with the rule that nobody pays for what they hold ([`Holding`]) checked inside.

use async_trait::async_trait;
use kenning_app::ports::{
    Claim, OrderStore, PaymentRecord, PaymentStore, Settled, Settlement, StoreError, StoreResult,
    Taking,
};
use kenning_domain::ids::{AccountId, OrderId};
use kenning_domain::order::{Holding, OrderStatus};
use sqlx::{Any, Transaction};

use super::writes::{insert_entitlement, insert_ledger, insert_payment};
use crate::{SqlStore, db_error, rows};

/// Takes the buyer's turn: their payment decisions (claims and settlements) run one at a
/// time — a row lock on PostgreSQL, the write lock on SQLite — so what one decides is seen
/// by the next.
async fn take_buyers_turn(
    tx: &mut Transaction<'_, Any>,
    buyer: AccountId,
    now_ms: i64,
) -> StoreResult<()> {
    sqlx::query("UPDATE accounts SET last_payment_decision_ms = $1 WHERE id = $2")
        .bind(now_ms)
        .bind(buyer.to_string())
        .execute(&mut **tx)
        .await
        .map_err(db_error)?;
    Ok(())
}

/// Whether the buyer holds already what an order would give them (see [`Holding`]).
async fn holds(
    tx: &mut Transaction<'_, Any>,
    buyer: AccountId,
    holding: Holding,
    now_ms: i64,
) -> StoreResult<bool> {
    let query = match holding {
        Holding::Nothing => return Ok(false),
        Holding::Membership(tier) => {
            return Ok(crate::memberships::subscription_of(tx, tier, buyer)
                .await?
                .is_some_and(|s| s.grants_access(now_ms)));
        }
        Holding::Product(product) => sqlx::query(
            "SELECT COUNT(*) AS n FROM entitlements WHERE account_id = $1 AND product_id = $2",
        )
        .bind(buyer.to_string())
        .bind(product.to_string()),
        Holding::Lesson { product, lesson } => sqlx::query(
            "SELECT (SELECT COUNT(*) FROM entitlements \
               WHERE account_id = $1 AND product_id = $2) \
             + (SELECT COUNT(*) FROM lesson_entitlements \
               WHERE account_id = $1 AND lesson_id = $3) AS n",
        )
        .bind(buyer.to_string())
        .bind(product.to_string())
        .bind(lesson.to_string()),
        // The bundle itself, or an item got after the order was priced.
        Holding::Bundle {
            bundle,
            priced_at_ms,
        } => sqlx::query(
            "SELECT (SELECT COUNT(*) FROM entitlements \
               WHERE account_id = $1 AND product_id = $2) \
             + (SELECT COUNT(*) FROM entitlements e \
               JOIN bundle_items b ON b.product_id = e.product_id \
               WHERE e.account_id = $1 AND b.bundle_id = $2 AND e.granted_at_ms > $3) AS n",
        )
        .bind(buyer.to_string())
        .bind(bundle.to_string())
        .bind(priced_at_ms),
    };
    let row = query.fetch_one(&mut **tx).await.map_err(db_error)?;
    Ok(rows::int(&row, "n")? > 0)
}

/// Releases a pending order whose buyer holds what it buys; true when this released it.
async fn release_if_held(
    tx: &mut Transaction<'_, Any>,
    id: OrderId,
    buyer: AccountId,
    holding: Holding,
    now_ms: i64,
) -> StoreResult<bool> {
    if !holds(tx, buyer, holding, now_ms).await? {
        return Ok(false);
    }
    let released = sqlx::query(
        "UPDATE orders SET released_at_ms = $1, seat_hold_until_ms = NULL, updated_at_ms = $1 \
         WHERE id = $2 AND status = 'pending' AND released_at_ms IS NULL",
    )
    .bind(now_ms)
    .bind(id.to_string())
    .execute(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(released.rows_affected() == 1)
}

/// Whether another payment of the buyer's is running for what this order buys: the same
/// product (not as a gift), a bundle holding it, or an item of it.
async fn paying_for_it_elsewhere(
    tx: &mut Transaction<'_, Any>,
    buyer: AccountId,
    order: OrderId,
) -> StoreResult<bool> {
    let row = sqlx::query(
        "SELECT COUNT(*) AS n FROM orders o, orders mine \
         WHERE mine.id = $2 AND o.buyer_id = $1 AND o.id <> mine.id \
         AND o.status = 'processing' \
         AND NOT EXISTS (SELECT 1 FROM gifts g WHERE g.order_id = o.id) \
         AND (o.product_id = mine.product_id \
           OR EXISTS (SELECT 1 FROM bundle_items b WHERE b.bundle_id = o.product_id \
             AND b.product_id = mine.product_id) \
           OR EXISTS (SELECT 1 FROM bundle_items b WHERE b.bundle_id = mine.product_id \
             AND b.product_id = o.product_id))",
    )
    .bind(buyer.to_string())
    .bind(order.to_string())
    .fetch_one(&mut **tx)
    .await
    .map_err(db_error)?;
    Ok(rows::int(&row, "n")? > 0)
}

async fn claim(
    store: &SqlStore,
    id: OrderId,
    now_ms: i64,
    stale_before_ms: i64,
    taking: Taking,
) -> StoreResult<Claim> {
    let Some(buyer) = store.order_buyer(id).await? else {
        return Err(StoreError::NotFound);
    };
    let mut tx = store.pool().begin().await.map_err(db_error)?;
    take_buyers_turn(&mut tx, buyer, now_ms).await?;
    let claim = match taking {
        Taking::ToCharge(holding) => {
            if release_if_held(&mut tx, id, buyer, holding, now_ms).await? {
                tx.commit().await.map_err(db_error)?;
                return Ok(Claim::AlreadyHeld);
            }
            if holding != Holding::Nothing && paying_for_it_elsewhere(&mut tx, buyer, id).await? {
                return Ok(Claim::InProgress);
            }
            sqlx::query(
                "UPDATE orders SET status = 'processing', updated_at_ms = $1 \
                 WHERE id = $2 AND released_at_ms IS NULL AND (status = 'pending' \
                    OR (status = 'processing' AND updated_at_ms < $3))",
            )
        }
        // The money is taken: even a released order is booked (and then refunded).
        Taking::ToRecord => sqlx::query(
            "UPDATE orders SET status = 'processing', released_at_ms = NULL, \
             updated_at_ms = $1 WHERE id = $2 AND (status = 'pending' \
                OR (status = 'processing' AND updated_at_ms < $3))",
        ),
    };
    let done = claim
        .bind(now_ms)
        .bind(id.to_string())
        .bind(stale_before_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    tx.commit().await.map_err(db_error)?;
    if done.rows_affected() == 1 {
        return Ok(Claim::Claimed);
    }
    match store.order(id).await?.map(|o| o.status) {
        Some(OrderStatus::Paid) => Ok(Claim::AlreadyPaid),
        Some(OrderStatus::Released) => Ok(Claim::AlreadyHeld),
        Some(_) => Ok(Claim::InProgress),
        None => Err(StoreError::NotFound),
    }
}

async fn release_held(
    store: &SqlStore,
    id: OrderId,
    holding: Holding,
    now_ms: i64,
) -> StoreResult<bool> {
    let Some(buyer) = store.order_buyer(id).await? else {
        return Err(StoreError::NotFound);
    };
    let mut tx = store.pool().begin().await.map_err(db_error)?;
    take_buyers_turn(&mut tx, buyer, now_ms).await?;
    let released = release_if_held(&mut tx, id, buyer, holding, now_ms).await?;
    tx.commit().await.map_err(db_error)?;
    Ok(released
        || store
            .order(id)
            .await?
            .is_some_and(|o| o.status == OrderStatus::Released))
}

async fn settle(store: &SqlStore, s: &Settlement) -> StoreResult<Settled> {
    let mut tx = store.pool().begin().await.map_err(db_error)?;
    // The buyer's turn first (as a claim takes it), then the order.
    take_buyers_turn(&mut tx, s.buyer_id, s.paid_at_ms).await?;
    let done = sqlx::query(
        "UPDATE orders SET status = 'paid', paid_at_ms = $1, updated_at_ms = $1 \
         WHERE id = $2 AND status = 'processing'",
    )
    .bind(s.paid_at_ms)
    .bind(s.order_id.to_string())
    .execute(&mut *tx)
    .await
    .map_err(db_error)?;
    if done.rows_affected() != 1 {
        // Someone else settled or released it: write nothing.
        return Err(StoreError::Conflict);
    }
    insert_payment(&mut tx, &s.payment).await?;
    insert_ledger(&mut tx, &s.ledger, s.ledger.kind, s.paid_at_ms).await?;
    if let Some(fee) = &s.gateway_fee {
        insert_ledger(&mut tx, fee, fee.kind, s.paid_at_ms).await?;
    }
    // The money is taken either way; what it buys only if the buyer does not hold
    // it by now (then the caller refunds the payment).
    if holds(&mut tx, s.buyer_id, s.holding, s.paid_at_ms).await? {
        tx.commit().await.map_err(db_error)?;
        return Ok(Settled::AlreadyHeld);
    }
    if s.grant {
        insert_entitlement(
            &mut tx,
            s.buyer_id,
            s.product_id,
            "order",
            Some(s.order_id),
            s.paid_at_ms,
        )
        .await?;
    }
    if let Some(lesson) = s.lesson {
        sqlx::query(
            "INSERT INTO lesson_entitlements (account_id, lesson_id, order_id, granted_at_ms) \
             VALUES ($1, $2, $3, $4)",
        )
        .bind(s.buyer_id.to_string())
        .bind(lesson.to_string())
        .bind(s.order_id.to_string())
        .bind(s.paid_at_ms)
        .execute(&mut *tx)
        .await
        .map_err(db_error)?;
    }
    for item in &s.also_grant {
        insert_entitlement(
            &mut tx,
            s.buyer_id,
            *item,
            "bundle",
            Some(s.order_id),
            s.paid_at_ms,
        )
        .await?;
    }
    if let Some((subscription, products)) = &s.subscription {
        crate::memberships::save_subscription(&mut tx, subscription, s.paid_at_ms).await?;
        crate::memberships::grant_subscription(&mut tx, subscription, products, s.paid_at_ms)
            .await?;
    }
    tx.commit().await.map_err(db_error)?;
    Ok(Settled::Granted)
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
        claim(self, id, now_ms, stale_before_ms, taking).await
    }

    async fn release_if_held(
        &self,
        id: OrderId,
        holding: Holding,
        now_ms: i64,
    ) -> StoreResult<bool> {
        release_held(self, id, holding, now_ms).await
    }

    async fn settle_order(&self, s: &Settlement) -> StoreResult<Settled> {
        settle(self, s).await
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
