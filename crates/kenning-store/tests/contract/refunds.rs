//! Refunds and the ledger: refunds never add up past what was paid (not even when asked
//! for at once), one refund of an order runs at a time, a full refund takes back what the
//! order granted, and every transaction the store keeps balances.

use kenning_app::ports::*;
use kenning_domain::ids::RefundId;
use kenning_domain::ledger::{self, LedgerAccount};
use kenning_domain::money::Money;
use kenning_domain::order::Order;
use kenning_store::SqlStore;

use crate::fixtures::{MINUTE, NOW, PROVIDER, all_at_once, cny, paid_order};

on_both_databases!(
    refunds_never_add_up_past_what_was_paid,
    refunds_asked_for_at_once_never_pass_the_total,
    one_refund_of_an_order_runs_at_a_time,
    a_full_refund_takes_back_what_the_order_granted,
    the_books_balance_after_sales_and_refunds,
);

/// A refund of `amount` with its reversing entries, computed from the sale as booked.
async fn refund(
    store: &SqlStore,
    order: &Order,
    amount: i64,
) -> (RefundRecord, ledger::LedgerTransaction) {
    let sale = store.sale_postings(order.id).await.unwrap();
    let before = store.refunded_total(order.id).await.unwrap();
    let amount = Money::new(amount, order.total.currency);
    // Built as if nothing had been refunded when it races with another refund: the store
    // is what keeps the sum in bounds.
    let entries = ledger::refund(
        order.id,
        &sale,
        Money::new(
            before.min(order.total.amount_minor - amount.amount_minor),
            amount.currency,
        ),
        amount,
    )
    .unwrap_or_else(|e| panic!("refund of {amount:?} after {before}: {e}"));
    // Refunded by the product's creator.
    let creator = store
        .product(order.product_id)
        .await
        .unwrap()
        .unwrap()
        .creator_id;
    let record = RefundRecord {
        id: RefundId::new(),
        order_id: order.id,
        amount,
        reason: "changed my mind".into(),
        actor_id: creator,
        provider_reference: format!("re_{}", uuid::Uuid::new_v4().simple()),
        // One minute after the last refund: `refunds_of` lists them oldest first.
        created_at_ms: NOW
            + MINUTE
                * (1 + i64::try_from(store.refunds_of(order.id).await.unwrap().len()).unwrap()),
    };
    (record, entries)
}

async fn refunds_never_add_up_past_what_was_paid(store: SqlStore) {
    let (order, _, _) = paid_order(&store, cny(9900)).await;
    for (amount, allowed) in [(5000, true), (5000, false), (4900, true), (1, false)] {
        let (record, entries) = refund(&store, &order, amount).await;
        let before = store.refunded_total(order.id).await.unwrap();
        let written = store
            .record_refund(&record, order.total, &entries, None)
            .await;
        if allowed {
            written.unwrap();
        } else {
            assert!(
                matches!(written, Err(StoreError::Conflict)),
                "{amount} after {before}: {written:?}"
            );
            // Nothing of it was written.
            assert_eq!(store.refunded_total(order.id).await.unwrap(), before);
        }
    }
    assert_eq!(store.refunded_total(order.id).await.unwrap(), 9900);
    let refunds = store.refunds_of(order.id).await.unwrap();
    assert_eq!(
        refunds
            .iter()
            .map(|(_, m)| m.amount_minor)
            .collect::<Vec<_>>(),
        [5000, 4900]
    );
    assert!(store.ledger_imbalances().await.unwrap().is_empty());
}

async fn refunds_asked_for_at_once_never_pass_the_total(store: SqlStore) {
    let (order, _, _) = paid_order(&store, cny(9900)).await;
    // Six refunds of 30.00 against 99.00: at most three fit.
    let mut prepared = Vec::new();
    for _ in 0..6 {
        prepared.push(refund(&store, &order, 3000).await);
    }
    let prepared = std::sync::Arc::new(prepared);
    let outcomes = all_at_once(6, |i| {
        let store = store.clone();
        let prepared = prepared.clone();
        let total = order.total;
        async move {
            let (record, entries) = &prepared[i];
            store.record_refund(record, total, entries, None).await
        }
    })
    .await;
    let written = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(written, 3, "{outcomes:?}");
    assert!(
        outcomes
            .iter()
            .all(|o| o.is_ok() || matches!(o, Err(StoreError::Conflict))),
        "{outcomes:?}"
    );
    assert_eq!(store.refunded_total(order.id).await.unwrap(), 9000);
}

async fn one_refund_of_an_order_runs_at_a_time(store: SqlStore) {
    let (order, _, _) = paid_order(&store, cny(9900)).await;
    let claims = all_at_once(6, |_| {
        let store = store.clone();
        async move {
            store
                .claim_refund(order.id, NOW, NOW - 5 * MINUTE)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(claims.iter().filter(|c| **c).count(), 1, "{claims:?}");
    // Held until released, or until the claim goes stale.
    assert!(
        !store
            .claim_refund(order.id, NOW + MINUTE, NOW - 4 * MINUTE)
            .await
            .unwrap()
    );
    assert!(
        store
            .claim_refund(order.id, NOW + 6 * MINUTE, NOW + MINUTE)
            .await
            .unwrap()
    );
    store.release_refund(order.id).await.unwrap();
    assert!(
        store
            .claim_refund(order.id, NOW + 7 * MINUTE, NOW + 2 * MINUTE)
            .await
            .unwrap()
    );
    // Recording the refund lets go of the claim.
    let (record, entries) = refund(&store, &order, 100).await;
    store
        .record_refund(&record, order.total, &entries, None)
        .await
        .unwrap();
    assert!(
        store
            .claim_refund(order.id, NOW + 8 * MINUTE, NOW + 3 * MINUTE)
            .await
            .unwrap()
    );
}

async fn a_full_refund_takes_back_what_the_order_granted(store: SqlStore) {
    let (order, product, buyer) = paid_order(&store, cny(9900)).await;
    let (record, entries) = refund(&store, &order, 9900).await;
    store
        .record_refund(&record, order.total, &entries, Some((buyer.id, product.id)))
        .await
        .unwrap();
    assert!(!store.is_entitled(buyer.id, product.id).await.unwrap());
    assert!(store.library(buyer.id).await.unwrap().is_empty());
    // A refunded order needs no entitlement, and none is left without payment.
    assert!(
        store
            .paid_orders_without_entitlement()
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .entitlements_without_payment()
            .await
            .unwrap()
            .is_empty()
    );

    // Refunded in full but left granted: verification reports it.
    let (order, product, buyer) = paid_order(&store, cny(500)).await;
    let (record, entries) = refund(&store, &order, 500).await;
    store
        .record_refund(&record, order.total, &entries, None)
        .await
        .unwrap();
    assert!(store.is_entitled(buyer.id, product.id).await.unwrap());
    assert_eq!(store.entitlements_without_payment().await.unwrap().len(), 1);
}

async fn the_books_balance_after_sales_and_refunds(store: SqlStore) {
    let (order, product, _) = paid_order(&store, cny(9999)).await;
    let sale = store.sale_postings(order.id).await.unwrap();
    // The sale as booked: the provider holds the payment; the platform's tenth and the
    // creator's rest are owed.
    let amount_of = |account: &LedgerAccount| {
        sale.iter()
            .filter(|p| &p.account == account)
            .map(|p| p.amount.amount_minor)
            .sum::<i64>()
    };
    assert_eq!(
        amount_of(&LedgerAccount::ProviderClearing(PROVIDER.into())),
        9999
    );
    assert_eq!(amount_of(&LedgerAccount::PlatformFees), -999);
    assert_eq!(
        amount_of(&LedgerAccount::creator(product.creator_id)),
        -9000
    );
    assert_eq!(sale.iter().map(|p| p.amount.amount_minor).sum::<i64>(), 0);

    for amount in [1, 3333, 6665] {
        let (record, entries) = refund(&store, &order, amount).await;
        store
            .record_refund(&record, order.total, &entries, None)
            .await
            .unwrap();
    }
    assert!(store.ledger_imbalances().await.unwrap().is_empty());
    // Refunds that add up to the sale leave the creator owed nothing from it.
    let owed = store.owed_balances().await.unwrap();
    assert!(
        owed.iter().all(|o| o.account_id != product.creator_id),
        "{owed:?}"
    );
}
