//! Coupons: a code is one coupon, and its uses are spent with the orders that take them —
//! never past the limit, however many buyers check out at once, and not again on retry.

use kenning_app::ports::*;
use kenning_domain::account::{Account, Role};
use kenning_domain::catalog::{Product, ProductKind};
use kenning_domain::coupon::{Coupon, CouponCode, Discount};
use kenning_store::SqlStore;

use crate::fixtures::{DAY, NOW, account, all_at_once, cny, new_order, product};

on_both_databases!(
    a_coupon_reads_back_and_its_code_is_taken_once,
    coupon_uses_never_pass_the_limit_under_concurrency,
    a_retried_order_spends_no_second_use,
);

fn coupon(
    creator: &Account,
    product: Option<&Product>,
    code: &str,
    max_uses: Option<i64>,
) -> Coupon {
    Coupon {
        code: code.parse::<CouponCode>().unwrap(),
        creator_id: creator.id,
        product_id: product.map(|p| p.id),
        discount: Discount::Percent { bps: 2_000 },
        max_uses,
        uses: 0,
        expires_at_ms: Some(NOW + DAY),
        created_at_ms: NOW,
    }
}

/// An order of `product` at 80 % of its price with the coupon `code`.
fn order_with(
    buyer: &Account,
    product: &Product,
    code: &str,
    key: &str,
) -> kenning_domain::order::Order {
    let mut order = new_order(buyer, product, cny(7920), key);
    order.coupon = Some(code.parse().unwrap());
    order.discount_minor = 1980;
    order
}

async fn a_coupon_reads_back_and_its_code_is_taken_once(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let percent = coupon(&creator, Some(&p), "SPRING-20", Some(5));
    store.insert_coupon(&percent).await.unwrap();
    let mut fixed = coupon(&creator, None, "TEN_OFF", None);
    fixed.discount = Discount::Fixed { amount: cny(1000) };
    fixed.expires_at_ms = None;
    fixed.created_at_ms = NOW + 1;
    store.insert_coupon(&fixed).await.unwrap();

    assert_eq!(
        store.coupon(&percent.code).await.unwrap().as_ref(),
        Some(&percent)
    );
    assert_eq!(
        store.coupon(&fixed.code).await.unwrap().as_ref(),
        Some(&fixed)
    );
    assert_eq!(
        store.coupons_of(creator.id).await.unwrap(),
        [fixed.clone(), percent.clone()],
        "newest first"
    );
    assert!(
        store
            .coupon(&"NOPE".parse().unwrap())
            .await
            .unwrap()
            .is_none()
    );

    // The code is the creator's alone, whoever asks next.
    let rival = account(&store, Role::Creator).await;
    assert!(matches!(
        store
            .insert_coupon(&coupon(&rival, None, "spring-20", Some(1)))
            .await,
        Err(StoreError::Duplicate)
    ));
}

async fn coupon_uses_never_pass_the_limit_under_concurrency(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    store
        .insert_coupon(&coupon(&creator, Some(&p), "THREE", Some(3)))
        .await
        .unwrap();
    let mut buyers = Vec::new();
    for _ in 0..10 {
        buyers.push(account(&store, Role::Learner).await);
    }
    let buyers = std::sync::Arc::new(buyers);
    let outcomes = all_at_once(10, |i| {
        let store = store.clone();
        let order = order_with(&buyers[i], &p, "THREE", "checkout");
        async move { store.create_order(&order).await }
    })
    .await;
    let made = outcomes.iter().filter(|o| o.is_ok()).count();
    assert_eq!(made, 3, "{outcomes:?}");
    // Everyone else is told the coupon ran out, and no order of theirs exists.
    assert!(
        outcomes
            .iter()
            .all(|o| o.is_ok() || matches!(o, Err(StoreError::Conflict))),
        "{outcomes:?}"
    );
    let code: CouponCode = "THREE".parse().unwrap();
    assert_eq!(store.coupon(&code).await.unwrap().unwrap().uses, 3);
    let mut orders = 0;
    for buyer in buyers.iter() {
        orders += store.orders_of(buyer.id).await.unwrap().len();
    }
    assert_eq!(orders, 3);
}

async fn a_retried_order_spends_no_second_use(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let buyer = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    store
        .insert_coupon(&coupon(&creator, None, "ONCE-MORE", Some(2)))
        .await
        .unwrap();
    let outcomes = all_at_once(5, |_| {
        let store = store.clone();
        let order = order_with(&buyer, &p, "ONCE-MORE", "same-key");
        async move { store.create_order(&order).await.unwrap() }
    })
    .await;
    assert_eq!(outcomes.iter().filter(|(_, created)| *created).count(), 1);
    let code: CouponCode = "ONCE-MORE".parse().unwrap();
    assert_eq!(store.coupon(&code).await.unwrap().unwrap().uses, 1);
    let (kept, _) = &outcomes[0];
    assert_eq!(kept.coupon.as_ref(), Some(&code));
    assert_eq!(kept.discount_minor, 1980);
}
