//! Rows the cases build on, written through the ports as the app writes them.

use kenning_app::ports::*;
use kenning_domain::account::{Account, Email, Role};
use kenning_domain::catalog::{PriceList, Product, ProductKind, ProductStatus};
use kenning_domain::ids::{AccountId, OrderId, ProductId};
use kenning_domain::ledger::{self, SaleTerms};
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::{Holding, Order, OrderStatus};
use kenning_domain::review::RatingSummary;
use kenning_store::SqlStore;

/// A fixed "now" (2026-05-28), so that windows and periods are easy to reason about.
pub const NOW: i64 = 1_780_000_000_000;
pub const MINUTE: i64 = 60_000;
pub const DAY: i64 = 86_400_000;
pub const PROVIDER: &str = "sandbox";

pub fn cny(minor: i64) -> Money {
    Money::new(minor, Currency::CNY)
}

pub fn text(en: &str) -> LocalizedText {
    LocalizedText::from_pairs([(Locale::En, en)])
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

pub fn new_account(role: Role) -> NewAccount {
    let email = format!("{}@example.com", unique("p"));
    NewAccount {
        id: AccountId::new(),
        email: Email::parse(&email).unwrap_or_else(|e| panic!("{email}: {e}")),
        display_name: format!("{role:?} {}", &email[1..7]),
        password_hash: unique("hash-"),
        role,
        created_at_ms: NOW,
        locale: Locale::En,
        email_verified_at_ms: None,
    }
}

/// A new account, read back.
pub async fn account(store: &SqlStore, role: Role) -> Account {
    let new = new_account(role);
    store
        .insert_account(&new)
        .await
        .unwrap_or_else(|e| panic!("insert account: {e}"));
    store
        .account_by_id(new.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("account not found"))
}

/// A product as a creator would describe it (not yet stored).
pub fn draft(creator: &Account, kind: ProductKind, prices: &[Money]) -> Product {
    Product {
        id: ProductId::new(),
        creator_id: creator.id,
        creator_name: creator.display_name.as_str().to_owned(),
        kind,
        status: ProductStatus::Published,
        title: LocalizedText::from_pairs([
            (Locale::En, "Rust in Practice"),
            (Locale::ZhCn, "Rust 实战"),
        ]),
        description: text("Build services."),
        prices: PriceList::new(prices.to_vec()).unwrap_or_else(|e| panic!("{e}")),
        tags: vec!["rust".into()],
        cover_key: None,
        created_at_ms: NOW,
        published_at_ms: Some(NOW),
        rating: RatingSummary::default(),
    }
}

/// A published product of `kind`, stored.
pub async fn product(
    store: &SqlStore,
    creator: &Account,
    kind: ProductKind,
    prices: &[Money],
) -> Product {
    let product = draft(creator, kind, prices);
    store
        .insert_product(&product)
        .await
        .unwrap_or_else(|e| panic!("insert product: {e}"));
    product
}

/// A pending order (not yet stored).
pub fn new_order(buyer: &Account, product: &Product, total: Money, key: &str) -> Order {
    Order {
        id: OrderId::new(),
        buyer_id: buyer.id,
        product_id: product.id,
        lesson_id: None,
        total,
        status: OrderStatus::Pending,
        idempotency_key: key.to_owned(),
        created_at_ms: NOW,
        paid_at_ms: None,
        coupon: None,
        discount_minor: 0,
        tax: None,
        conversion: None,
        referral: None,
    }
}

/// A pending order, stored.
pub async fn order(store: &SqlStore, buyer: &Account, product: &Product, total: Money) -> Order {
    let (order, created) = store
        .create_order(&new_order(buyer, product, total, &unique("key-")))
        .await
        .unwrap_or_else(|e| panic!("create order: {e}"));
    assert!(created);
    order
}

/// Everything paying `order` for `product` writes: the payment, the sale's postings (10 %
/// platform fee, the rest to the creator) and the entitlement.
pub fn settlement(order: &Order, product: &Product, paid_at_ms: i64) -> Settlement {
    let sale = ledger::sale(SaleTerms {
        order_id: order.id,
        provider: PROVIDER,
        creator: product.creator_id,
        total: order.total,
        tax: None,
        platform_fee_bps: 1_000,
        shares: &[],
    })
    .unwrap_or_else(|e| panic!("{e}"));
    let mut payment = PaymentRecord::attempt(order, PROVIDER, "4242".into(), paid_at_ms);
    payment.succeeded = true;
    payment.provider_reference = Some(format!("ch_{}", order.id.as_uuid().simple()));
    Settlement {
        order_id: order.id,
        buyer_id: order.buyer_id,
        product_id: product.id,
        payment,
        ledger: sale,
        paid_at_ms,
        grant: true,
        also_grant: Vec::new(),
        lesson: None,
        gateway_fee: None,
        holding: Holding::Product(product.id),
        subscription: None,
    }
}

/// Takes `order` for payment and settles it, as a successful card payment does.
pub async fn pay(store: &SqlStore, order: &Order, product: &Product) -> Settled {
    let claim = store
        .claim_order(
            order.id,
            NOW,
            NOW - 5 * MINUTE,
            Taking::ToCharge(Holding::Product(product.id)),
        )
        .await
        .unwrap_or_else(|e| panic!("claim: {e}"));
    assert_eq!(claim, Claim::Claimed);
    store
        .settle_order(&settlement(order, product, NOW))
        .await
        .unwrap_or_else(|e| panic!("settle: {e}"))
}

/// A paid order of a new buyer for a new product priced at `price`.
pub async fn paid_order(store: &SqlStore, price: Money) -> (Order, Product, Account) {
    let creator = account(store, Role::Creator).await;
    let buyer = account(store, Role::Learner).await;
    let product = product(store, &creator, ProductKind::Course, &[price]).await;
    let order = order(store, &buyer, &product, price).await;
    assert_eq!(pay(store, &order, &product).await, Settled::Granted);
    let paid = store
        .order(order.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("order gone"));
    (paid, product, buyer)
}

/// Runs `n` copies of a task at once and collects what each returned.
pub async fn all_at_once<T, F, Fut>(n: usize, task: F) -> Vec<T>
where
    T: Send + 'static,
    F: Fn(usize) -> Fut,
    Fut: std::future::Future<Output = T> + Send + 'static,
{
    let barrier = std::sync::Arc::new(tokio::sync::Barrier::new(n));
    let handles: Vec<_> = (0..n)
        .map(|i| {
            let barrier = barrier.clone();
            let run = task(i);
            tokio::spawn(async move {
                barrier.wait().await;
                run.await
            })
        })
        .collect();
    let mut out = Vec::with_capacity(n);
    for handle in handles {
        out.push(handle.await.unwrap_or_else(|e| panic!("task: {e}")));
    }
    out
}
