//! Entitlements: a person holds a product once (the first grant stands), the library lists
//! what they hold newest first, a bundle's settlement grants its items with it, and a
//! lesson bought alone is held on its own.

use kenning_app::ports::*;
use kenning_domain::account::Role;
use kenning_domain::catalog::{Lesson, ProductKind, Release};
use kenning_domain::ids::LessonId;
use kenning_domain::order::Holding;
use kenning_store::SqlStore;

use crate::fixtures::{
    DAY, MINUTE, NOW, account, all_at_once, cny, new_order, order, product, settlement, text,
};

on_both_databases!(
    a_product_is_held_once_and_the_first_grant_stands,
    the_library_lists_what_is_held_newest_first,
    a_bundle_grants_its_items_and_its_refund_takes_them_back,
    a_lesson_bought_alone_is_held_on_its_own,
);

async fn a_product_is_held_once_and_the_first_grant_stands(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let person = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[]).await;
    assert!(!store.is_entitled(person.id, p.id).await.unwrap());
    assert_eq!(store.entitled_since(person.id, p.id).await.unwrap(), None);

    // Claimed at once from several tabs: one entitlement, no error.
    all_at_once(6, |i| {
        let store = store.clone();
        let (who, what) = (person.id, p.id);
        async move {
            store
                .grant_entitlement(who, what, "free", NOW + i64::try_from(i).unwrap_or(0))
                .await
                .unwrap()
        }
    })
    .await;
    let since = store
        .entitled_since(person.id, p.id)
        .await
        .unwrap()
        .unwrap();
    assert!((NOW..NOW + 6).contains(&since));
    store
        .grant_entitlement(person.id, p.id, "free", NOW + DAY)
        .await
        .unwrap();
    assert_eq!(
        store.entitled_since(person.id, p.id).await.unwrap(),
        Some(since)
    );
    assert_eq!(store.library(person.id).await.unwrap().len(), 1);
    assert!(
        store
            .entitlements_without_payment()
            .await
            .unwrap()
            .is_empty()
    );
}

async fn the_library_lists_what_is_held_newest_first(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let person = account(&store, Role::Learner).await;
    let mut held = Vec::new();
    for day in 0..3 {
        let p = product(&store, &creator, ProductKind::Ebook, &[]).await;
        store
            .grant_entitlement(person.id, p.id, "free", NOW + day * DAY)
            .await
            .unwrap();
        held.push(p);
    }
    // Someone else's holdings are theirs.
    let other = account(&store, Role::Learner).await;
    store
        .grant_entitlement(other.id, held[0].id, "free", NOW)
        .await
        .unwrap();

    let library = store.library(person.id).await.unwrap();
    assert_eq!(
        library
            .iter()
            .map(|(p, at)| (p.id, *at))
            .collect::<Vec<_>>(),
        [
            (held[2].id, NOW + 2 * DAY),
            (held[1].id, NOW + DAY),
            (held[0].id, NOW)
        ]
    );
    assert_eq!(library[0].0, held[2]);
}

async fn a_bundle_grants_its_items_and_its_refund_takes_them_back(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let course = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let ebook = product(&store, &creator, ProductKind::Ebook, &[cny(4900)]).await;
    let bundle = product(&store, &creator, ProductKind::Bundle, &[cny(12900)]).await;
    store
        .set_bundle_items(bundle.id, &[course.id, ebook.id])
        .await
        .unwrap();
    let o = order(&store, &buyer, &bundle, cny(12900)).await;
    let holding = Holding::Bundle {
        bundle: bundle.id,
        priced_at_ms: o.created_at_ms,
    };
    assert_eq!(
        store
            .claim_order(o.id, NOW, NOW - 5 * MINUTE, Taking::ToCharge(holding))
            .await
            .unwrap(),
        Claim::Claimed
    );
    let mut paying = settlement(&o, &bundle, NOW + MINUTE);
    paying.also_grant = vec![course.id, ebook.id];
    paying.holding = holding;
    assert_eq!(store.settle_order(&paying).await.unwrap(), Settled::Granted);
    for p in [&bundle, &course, &ebook] {
        assert_eq!(
            store.entitled_since(buyer.id, p.id).await.unwrap(),
            Some(NOW + MINUTE)
        );
    }
    assert!(
        store
            .paid_orders_without_entitlement()
            .await
            .unwrap()
            .is_empty()
    );

    // Held now: a second order of the bundle is released rather than charged.
    let again = order(&store, &buyer, &bundle, cny(12900)).await;
    let claim_bundle = |id, priced_at_ms| {
        let store = store.clone();
        async move {
            store
                .claim_order(
                    id,
                    NOW + 2 * MINUTE,
                    NOW - 3 * MINUTE,
                    Taking::ToCharge(Holding::Bundle {
                        bundle: bundle.id,
                        priced_at_ms,
                    }),
                )
                .await
                .unwrap()
        }
    };
    assert_eq!(
        claim_bundle(again.id, again.created_at_ms).await,
        Claim::AlreadyHeld
    );
    // An item got after the bundle was priced makes it held too (the price credited
    // only what was owned then); one owned before pricing does not.
    let late = account(&store, Role::Learner).await;
    let late_order = order(&store, &late, &bundle, cny(12900)).await;
    store
        .grant_entitlement(late.id, ebook.id, "free", late_order.created_at_ms + 1)
        .await
        .unwrap();
    assert_eq!(
        claim_bundle(late_order.id, late_order.created_at_ms).await,
        Claim::AlreadyHeld
    );
    let early = account(&store, Role::Learner).await;
    store
        .grant_entitlement(early.id, ebook.id, "free", NOW - DAY)
        .await
        .unwrap();
    let early_order = order(&store, &early, &bundle, cny(9900)).await;
    assert_eq!(
        claim_bundle(early_order.id, early_order.created_at_ms).await,
        Claim::Claimed
    );

    let sale = kenning_app::ports::EarningsStore::sale_postings(&store, o.id)
        .await
        .unwrap();
    let refund = kenning_domain::ledger::refund(o.id, &sale, cny(0), cny(12900)).unwrap();
    store
        .record_refund(
            &kenning_app::ports::RefundRecord {
                id: kenning_domain::ids::RefundId::new(),
                order_id: o.id,
                amount: cny(12900),
                reason: "whole bundle".into(),
                actor_id: creator.id,
                provider_reference: "re_bundle".into(),
                created_at_ms: NOW + DAY,
            },
            o.total,
            &refund,
            Some((buyer.id, bundle.id)),
        )
        .await
        .unwrap();
    for p in [&bundle, &course, &ebook] {
        assert!(!store.is_entitled(buyer.id, p.id).await.unwrap());
    }
    assert!(store.ledger_imbalances().await.unwrap().is_empty());
}

async fn a_lesson_bought_alone_is_held_on_its_own(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let course = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let lesson = Lesson {
        id: LessonId::new(),
        product_id: course.id,
        chapter_id: None,
        position: 1,
        title: text("Ownership"),
        body: text("Text"),
        preview: false,
        release: Release::Immediately,
    };
    store.insert_lesson(&lesson).await.unwrap();
    store
        .set_lesson_prices(lesson.id, &[cny(990)])
        .await
        .unwrap();

    let mut o = new_order(&buyer, &course, cny(990), "lesson-key");
    o.lesson_id = Some(lesson.id);
    let (o, _) = store.create_order(&o).await.unwrap();
    assert_eq!(o.lesson_id, Some(lesson.id));
    let holding = Holding::Lesson {
        product: course.id,
        lesson: lesson.id,
    };
    assert_eq!(
        store
            .claim_order(o.id, NOW, NOW - 5 * MINUTE, Taking::ToCharge(holding))
            .await
            .unwrap(),
        Claim::Claimed
    );
    let mut paying = settlement(&o, &course, NOW);
    paying.grant = false;
    paying.lesson = Some(lesson.id);
    paying.holding = holding;
    assert_eq!(store.settle_order(&paying).await.unwrap(), Settled::Granted);

    assert_eq!(
        store
            .lesson_entitled_since(buyer.id, lesson.id)
            .await
            .unwrap(),
        Some(NOW)
    );
    assert!(!store.is_entitled(buyer.id, course.id).await.unwrap());
    let bought = store.lessons_bought(buyer.id).await.unwrap();
    assert_eq!(bought.len(), 1);
    assert_eq!(
        (bought[0].0, bought[0].1, bought[0].3),
        (lesson.id, course.id, NOW)
    );
    assert!(
        store
            .entitlements_without_payment()
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        store
            .paid_orders_without_entitlement()
            .await
            .unwrap()
            .is_empty()
    );

    // Held now: the same lesson is not sold twice.
    let mut again = new_order(&buyer, &course, cny(990), "lesson-key-2");
    again.lesson_id = Some(lesson.id);
    let (again, _) = store.create_order(&again).await.unwrap();
    assert_eq!(
        store
            .claim_order(again.id, NOW, NOW, Taking::ToCharge(holding))
            .await
            .unwrap(),
        Claim::AlreadyHeld
    );
}
