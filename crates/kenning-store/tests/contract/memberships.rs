//! Memberships: plans and subscriptions read back as written (one subscription per person
//! and tier), what is due is found, and a subscription grants only what the person does
//! not hold already and takes back only what it granted.

use kenning_app::ports::*;
use kenning_domain::account::Role;
use kenning_domain::catalog::ProductKind;
use kenning_domain::subscription::{Interval, MembershipPlan, Subscription, SubscriptionStatus};
use kenning_store::SqlStore;

use crate::fixtures::{DAY, NOW, account, cny, paid_order, product};

on_both_databases!(
    plans_and_subscriptions_read_back_as_written,
    due_subscriptions_are_found,
    a_subscription_grants_and_takes_back_only_its_own,
);

async fn plans_and_subscriptions_read_back_as_written(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let member = account(&store, Role::Learner).await;
    let tier = product(&store, &creator, ProductKind::Membership, &[cny(2900)]).await;
    let course = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let ebook = product(&store, &creator, ProductKind::Ebook, &[cny(4900)]).await;

    let mut plan = MembershipPlan {
        product_id: tier.id,
        interval: Interval::Monthly,
        all_of_creator: false,
        products: vec![course.id, ebook.id],
    };
    plan.products.sort();
    store.set_plan(&plan).await.unwrap();
    assert_eq!(store.plan(tier.id).await.unwrap().as_ref(), Some(&plan));
    // Replaced whole.
    let yearly = MembershipPlan {
        interval: Interval::Yearly,
        all_of_creator: true,
        products: Vec::new(),
        ..plan.clone()
    };
    store.set_plan(&yearly).await.unwrap();
    assert_eq!(store.plan(tier.id).await.unwrap(), Some(yearly.clone()));
    assert!(store.plan(course.id).await.unwrap().is_none());

    let first = Subscription::start(&yearly, member.id, cny(2900), "pm_card".into(), NOW);
    store.save_subscription(&first, NOW).await.unwrap();
    assert_eq!(
        store.subscription(first.id).await.unwrap().as_ref(),
        Some(&first)
    );
    // Saving again updates it in place.
    let cancelled = first.clone().cancel().unwrap();
    store
        .save_subscription(&cancelled, NOW + DAY)
        .await
        .unwrap();
    assert_eq!(
        store.subscription_of(tier.id, member.id).await.unwrap(),
        Some(cancelled.clone())
    );
    assert_eq!(
        store.subscriptions_of(member.id).await.unwrap(),
        [cancelled]
    );
    // A second subscription of the same person to the same tier is refused.
    let second = Subscription::start(&yearly, member.id, cny(2900), "pm_other".into(), NOW);
    assert!(matches!(
        store.save_subscription(&second, NOW).await,
        Err(StoreError::Duplicate)
    ));
}

async fn due_subscriptions_are_found(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let tier = product(&store, &creator, ProductKind::Membership, &[cny(2900)]).await;
    let plan = MembershipPlan {
        product_id: tier.id,
        interval: Interval::Monthly,
        all_of_creator: true,
        products: Vec::new(),
    };
    store.set_plan(&plan).await.unwrap();
    let period = Interval::Monthly.period_ms();

    let mut make = Vec::new();
    for started in [NOW, NOW - period - DAY] {
        let member = account(&store, Role::Learner).await;
        let s = Subscription::start(&plan, member.id, cny(2900), "pm".into(), started);
        store.save_subscription(&s, started).await.unwrap();
        make.push(s);
    }
    // Past due, retry time come; and one over for good.
    let member = account(&store, Role::Learner).await;
    let past_due = Subscription::start(&plan, member.id, cny(2900), "pm".into(), NOW - period)
        .renewal_failed(NOW - DAY / 2);
    store.save_subscription(&past_due, NOW).await.unwrap();
    let member = account(&store, Role::Learner).await;
    let over =
        Subscription::start(&plan, member.id, cny(2900), "pm".into(), NOW - 3 * period).expired();
    store.save_subscription(&over, NOW).await.unwrap();
    assert_eq!(over.status, SubscriptionStatus::Expired);

    let due: Vec<_> = store
        .due_subscriptions(NOW)
        .await
        .unwrap()
        .into_iter()
        .map(|s| s.id)
        .collect();
    assert!(!due.contains(&make[0].id), "a fresh period is not due");
    assert!(due.contains(&make[1].id), "an ended period is due");
    assert!(due.contains(&past_due.id), "a retry whose time came is due");
    assert!(!due.contains(&over.id), "an expired one is never due");
}

async fn a_subscription_grants_and_takes_back_only_its_own(store: SqlStore) {
    let (bought, course, member) = paid_order(&store, cny(9900)).await;
    let creator = store
        .library(member.id)
        .await
        .unwrap()
        .first()
        .map(|(p, _)| p.creator_id)
        .unwrap();
    let creator = kenning_app::ports::AccountStore::account_by_id(&store, creator)
        .await
        .unwrap()
        .unwrap();
    let ebook = product(&store, &creator, ProductKind::Ebook, &[cny(4900)]).await;
    let tier = product(&store, &creator, ProductKind::Membership, &[cny(2900)]).await;
    let plan = MembershipPlan {
        product_id: tier.id,
        interval: Interval::Monthly,
        all_of_creator: true,
        products: Vec::new(),
    };
    store.set_plan(&plan).await.unwrap();
    let s = Subscription::start(&plan, member.id, cny(2900), "pm".into(), NOW + DAY);
    store.save_subscription(&s, NOW + DAY).await.unwrap();
    store
        .grant_subscription(&s, &[course.id, ebook.id], NOW + DAY)
        .await
        .unwrap();
    // The course was bought before: that grant stands as it was.
    assert_eq!(
        store.entitled_since(member.id, course.id).await.unwrap(),
        Some(NOW)
    );
    assert_eq!(
        store.entitled_since(member.id, ebook.id).await.unwrap(),
        Some(NOW + DAY)
    );
    assert!(
        store
            .entitlements_without_payment()
            .await
            .unwrap()
            .is_empty()
    );

    store.revoke_subscription(s.id).await.unwrap();
    assert!(!store.is_entitled(member.id, ebook.id).await.unwrap());
    assert!(
        store.is_entitled(member.id, course.id).await.unwrap(),
        "what was bought is kept"
    );
    assert_eq!(bought.buyer_id, member.id);
}
