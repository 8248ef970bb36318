//! Orders: one order per buyer and idempotency key however many ask at once; a payment is
//! claimed by one caller only; settling writes everything once; a declined card returns
//! the order; and nobody pays for what they hold (the order is released instead).

use kenning_app::ports::*;
use kenning_domain::account::Role;
use kenning_domain::catalog::ProductKind;
use kenning_domain::ids::OrderId;
use kenning_domain::order::{Holding, OrderStatus};
use kenning_store::SqlStore;

use crate::fixtures::{
    MINUTE, NOW, account, all_at_once, cny, new_order, order, paid_order, pay, product, settlement,
};

on_both_databases!(
    an_order_is_made_once_per_idempotency_key,
    one_caller_claims_a_payment,
    settling_writes_the_payment_once,
    a_declined_card_returns_the_order,
    a_stale_claim_is_taken_over,
    a_buyer_who_holds_it_gets_the_order_released,
    two_orders_for_one_thing_are_paid_once,
    a_payment_confirmed_after_the_buyer_got_it_grants_nothing,
    a_payment_for_a_released_order_is_still_booked,
);

fn holding_of(product: &kenning_domain::catalog::Product) -> Holding {
    Holding::Product(product.id)
}

async fn an_order_is_made_once_per_idempotency_key(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;

    let first = new_order(&buyer, &p, cny(9900), "key-1");
    let (made, created) = store.create_order(&first).await.unwrap();
    assert!(created);
    assert_eq!(made, first);
    // A retry with another id and the same key gets the first order back.
    let retry = new_order(&buyer, &p, cny(9900), "key-1");
    let (again, created) = store.create_order(&retry).await.unwrap();
    assert!(!created);
    assert_eq!(again.id, first.id);
    assert_eq!(
        store.order_by_key(buyer.id, "key-1").await.unwrap(),
        Some(first.clone())
    );
    // The key is the buyer's own: someone else may use the same one.
    let other = account(&store, Role::Learner).await;
    let (theirs, created) = store
        .create_order(&new_order(&other, &p, cny(9900), "key-1"))
        .await
        .unwrap();
    assert!(created);
    assert_ne!(theirs.id, first.id);

    // Many concurrent requests with one key: one order, created once.
    let answers = all_at_once(8, |_| {
        let store = store.clone();
        let o = new_order(&buyer, &p, cny(9900), "key-2");
        async move { store.create_order(&o).await.unwrap() }
    })
    .await;
    assert_eq!(answers.iter().filter(|(_, created)| *created).count(), 1);
    assert!(answers.iter().all(|(o, _)| o.id == answers[0].0.id));
    assert_eq!(store.orders_of(buyer.id).await.unwrap().len(), 2);
}

async fn one_caller_claims_a_payment(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let o = order(&store, &buyer, &p, cny(9900)).await;

    let claims = all_at_once(8, |_| {
        let store = store.clone();
        let holding = holding_of(&p);
        async move {
            store
                .claim_order(o.id, NOW, NOW - 5 * MINUTE, Taking::ToCharge(holding))
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(
        claims.iter().filter(|c| **c == Claim::Claimed).count(),
        1,
        "{claims:?}"
    );
    assert!(
        claims
            .iter()
            .all(|c| matches!(c, Claim::Claimed | Claim::InProgress))
    );
    assert_eq!(
        store.order(o.id).await.unwrap().unwrap().status,
        OrderStatus::Processing
    );
    assert!(matches!(
        store
            .claim_order(OrderId::new(), NOW, NOW, Taking::ToCharge(Holding::Nothing))
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn settling_writes_the_payment_once(store: SqlStore) {
    let (paid, p, buyer) = paid_order(&store, cny(9900)).await;
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(paid.paid_at_ms, Some(NOW));
    assert_eq!(
        store.entitled_since(buyer.id, p.id).await.unwrap(),
        Some(NOW)
    );
    assert!(store.is_entitled(buyer.id, p.id).await.unwrap());
    assert_eq!(
        store.paid_card(paid.id).await.unwrap().as_deref(),
        Some("4242")
    );
    assert!(store.payment_reference(paid.id).await.unwrap().is_some());

    // A paid order is not claimed again, and a second settlement writes nothing.
    assert_eq!(
        store
            .claim_order(paid.id, NOW, NOW, Taking::ToCharge(holding_of(&p)))
            .await
            .unwrap(),
        Claim::AlreadyPaid
    );
    assert!(matches!(
        store.settle_order(&settlement(&paid, &p, NOW + 1)).await,
        Err(StoreError::Conflict)
    ));
    assert_eq!(
        store.order(paid.id).await.unwrap().unwrap().paid_at_ms,
        Some(NOW)
    );
    assert!(store.ledger_imbalances().await.unwrap().is_empty());
    assert!(
        store
            .paid_orders_without_entitlement()
            .await
            .unwrap()
            .is_empty()
    );

    // Settling an order nobody claimed writes nothing either.
    let creator = account(&store, Role::Creator).await;
    let q = product(&store, &creator, ProductKind::Ebook, &[cny(500)]).await;
    let unclaimed = order(&store, &buyer, &q, cny(500)).await;
    assert!(matches!(
        store.settle_order(&settlement(&unclaimed, &q, NOW)).await,
        Err(StoreError::Conflict)
    ));
    assert!(!store.is_entitled(buyer.id, q.id).await.unwrap());
    assert_eq!(
        store.order(unclaimed.id).await.unwrap().unwrap().status,
        OrderStatus::Pending
    );
}

async fn a_declined_card_returns_the_order(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let o = order(&store, &buyer, &p, cny(9900)).await;
    assert_eq!(
        store
            .claim_order(
                o.id,
                NOW,
                NOW - 5 * MINUTE,
                Taking::ToCharge(holding_of(&p))
            )
            .await
            .unwrap(),
        Claim::Claimed
    );
    let mut declined = PaymentRecord::attempt(&o, "sandbox", "0002".into(), NOW);
    declined.failure_code = Some("card_declined".into());
    store.fail_payment(&declined).await.unwrap();
    assert_eq!(
        store.order(o.id).await.unwrap().unwrap().status,
        OrderStatus::Pending
    );
    assert!(store.paid_card(o.id).await.unwrap().is_none());
    // And the next card may try.
    assert_eq!(pay(&store, &o, &p).await, Settled::Granted);
}

async fn a_stale_claim_is_taken_over(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let o = order(&store, &buyer, &p, cny(9900)).await;
    let take = |now: i64| {
        let store = store.clone();
        let holding = holding_of(&p);
        async move {
            store
                .claim_order(o.id, now, now - 5 * MINUTE, Taking::ToCharge(holding))
                .await
                .unwrap()
        }
    };
    assert_eq!(take(NOW).await, Claim::Claimed);
    // Four minutes later the first claim still stands; six minutes later it is abandoned.
    assert_eq!(take(NOW + 4 * MINUTE).await, Claim::InProgress);
    assert_eq!(take(NOW + 6 * MINUTE).await, Claim::Claimed);
}

async fn a_buyer_who_holds_it_gets_the_order_released(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let o = order(&store, &buyer, &p, cny(9900)).await;
    store
        .grant_entitlement(buyer.id, p.id, "free", NOW - MINUTE)
        .await
        .unwrap();

    assert_eq!(
        store
            .claim_order(
                o.id,
                NOW,
                NOW - 5 * MINUTE,
                Taking::ToCharge(holding_of(&p))
            )
            .await
            .unwrap(),
        Claim::AlreadyHeld
    );
    let released = store.order(o.id).await.unwrap().unwrap();
    assert_eq!(released.status, OrderStatus::Released);
    // Never payable afterwards, and releasing again says it is released.
    assert_eq!(
        store
            .claim_order(o.id, NOW, NOW, Taking::ToCharge(holding_of(&p)))
            .await
            .unwrap(),
        Claim::AlreadyHeld
    );
    assert!(
        store
            .release_if_held(o.id, holding_of(&p), NOW)
            .await
            .unwrap()
    );

    // A pending order of something not held stays pending.
    let q = product(&store, &creator, ProductKind::Ebook, &[cny(500)]).await;
    let other = order(&store, &buyer, &q, cny(500)).await;
    assert!(
        !store
            .release_if_held(other.id, holding_of(&q), NOW)
            .await
            .unwrap()
    );
    assert_eq!(
        store.order(other.id).await.unwrap().unwrap().status,
        OrderStatus::Pending
    );
    // Gifts and questions hold nothing: never released for it.
    assert_eq!(
        store
            .claim_order(other.id, NOW, NOW, Taking::ToCharge(Holding::Nothing))
            .await
            .unwrap(),
        Claim::Claimed
    );
}

async fn two_orders_for_one_thing_are_paid_once(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    // Two tabs, two orders, paid at the same moment.
    let tabs = [
        order(&store, &buyer, &p, cny(9900)).await,
        order(&store, &buyer, &p, cny(9900)).await,
    ];
    let claims = all_at_once(2, |i| {
        let store = store.clone();
        let id = tabs[i].id;
        let holding = holding_of(&p);
        async move {
            store
                .claim_order(id, NOW, NOW - 5 * MINUTE, Taking::ToCharge(holding))
                .await
                .unwrap()
        }
    })
    .await;
    let mut sorted = claims.clone();
    sorted.sort_by_key(|c| format!("{c:?}"));
    assert_eq!(sorted, [Claim::Claimed, Claim::InProgress], "{claims:?}");

    let winner = if claims[0] == Claim::Claimed {
        &tabs[0]
    } else {
        &tabs[1]
    };
    let loser = if claims[0] == Claim::Claimed {
        &tabs[1]
    } else {
        &tabs[0]
    };
    assert_eq!(
        store
            .settle_order(&settlement(winner, &p, NOW))
            .await
            .unwrap(),
        Settled::Granted
    );
    // Now the other tab finds the product held: released, never charged.
    assert_eq!(
        store
            .claim_order(
                loser.id,
                NOW,
                NOW - 5 * MINUTE,
                Taking::ToCharge(holding_of(&p))
            )
            .await
            .unwrap(),
        Claim::AlreadyHeld
    );
    assert_eq!(
        store.order(loser.id).await.unwrap().unwrap().status,
        OrderStatus::Released
    );
}

async fn a_payment_confirmed_after_the_buyer_got_it_grants_nothing(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let o = order(&store, &buyer, &p, cny(9900)).await;
    assert_eq!(
        store
            .claim_order(
                o.id,
                NOW,
                NOW - 5 * MINUTE,
                Taking::ToCharge(holding_of(&p))
            )
            .await
            .unwrap(),
        Claim::Claimed
    );
    // The bank confirms later; meanwhile the buyer got the product another way.
    store
        .grant_entitlement(buyer.id, p.id, "free", NOW + MINUTE)
        .await
        .unwrap();
    assert_eq!(
        store
            .settle_order(&settlement(&o, &p, NOW + 2 * MINUTE))
            .await
            .unwrap(),
        Settled::AlreadyHeld
    );
    let booked = store.order(o.id).await.unwrap().unwrap();
    assert_eq!(booked.status, OrderStatus::Paid, "the money is booked");
    assert_eq!(
        store.entitled_since(buyer.id, p.id).await.unwrap(),
        Some(NOW + MINUTE),
        "the first grant stands; nothing is granted twice"
    );
    assert!(store.ledger_imbalances().await.unwrap().is_empty());
    // Until it is refunded, verification reports the paid order that granted nothing.
    assert_eq!(
        store.paid_orders_without_entitlement().await.unwrap(),
        [o.id.to_string()]
    );
}

async fn a_payment_for_a_released_order_is_still_booked(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let o = order(&store, &buyer, &p, cny(9900)).await;
    store
        .grant_entitlement(buyer.id, p.id, "free", NOW)
        .await
        .unwrap();
    assert!(
        store
            .release_if_held(o.id, holding_of(&p), NOW)
            .await
            .unwrap()
    );
    // The provider's page was paid anyway: its event is recorded.
    assert_eq!(
        store
            .claim_order(o.id, NOW + MINUTE, NOW - 4 * MINUTE, Taking::ToRecord)
            .await
            .unwrap(),
        Claim::Claimed
    );
    assert_eq!(
        store
            .settle_order(&settlement(&o, &p, NOW + MINUTE))
            .await
            .unwrap(),
        Settled::AlreadyHeld
    );
    assert_eq!(
        store.order(o.id).await.unwrap().unwrap().status,
        OrderStatus::Paid
    );
}
