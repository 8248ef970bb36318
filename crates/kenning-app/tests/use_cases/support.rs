//! An app over a fresh SQLite store with faked services, and the people and products the
//! cases start from.

use std::path::PathBuf;
use std::sync::Arc;

use kenning_app::accounts::{CurrentUser, Registration};
use kenning_app::catalog::NewLesson;
use kenning_app::checkout::{CurrencyChoice, OrderRequest};
use kenning_app::testing::{Fakes, app_with_fakes};
use kenning_app::{AppSettings, Kenning};
use kenning_domain::account::Role;
use kenning_domain::catalog::{PriceList, Product, ProductDraft, ProductKind, Release};
use kenning_domain::ids::LessonId;
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::Order;
use kenning_store::{SqlStore, StoreOptions};

/// 2026-05-28, a fixed start for the fake clock.
pub const NOW: i64 = 1_780_000_000_000;
pub const DAY: i64 = 86_400_000;
pub const PASSWORD: &str = "correct horse battery";
pub const GOOD_CARD: &str = "4242 4242 4242 4242";

pub fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

pub fn text(en: &str) -> LocalizedText {
    LocalizedText::from_pairs([(Locale::En, en)])
}

/// The app under test, its fakes, and its database file (removed on drop).
pub struct Harness {
    pub app: Kenning,
    pub fakes: Fakes,
    file: PathBuf,
}

impl Drop for Harness {
    fn drop(&mut self) {
        for suffix in ["", "-wal", "-shm"] {
            let mut name = self.file.clone().into_os_string();
            name.push(suffix);
            let _ = std::fs::remove_file(PathBuf::from(name));
        }
    }
}

async fn store() -> (Arc<SqlStore>, PathBuf) {
    let file = std::env::temp_dir().join(format!(
        "kenning-use-case-{}.db",
        uuid::Uuid::new_v4().simple()
    ));
    let store = SqlStore::connect(
        &format!("sqlite://{}", file.display()),
        &StoreOptions { max_connections: 4 },
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    store.migrate().await.unwrap_or_else(|e| panic!("{e}"));
    (Arc::new(store), file)
}

impl Harness {
    pub async fn new() -> Harness {
        let (store, file) = store().await;
        let (app, fakes) = app_with_fakes(store, NOW);
        Harness { app, fakes, file }
    }

    /// With settings changed from the usual ones.
    pub async fn with_settings(change: impl FnOnce(&mut AppSettings)) -> Harness {
        let (store, file) = store().await;
        let fakes = Fakes::new(NOW);
        let mut settings = AppSettings {
            cache_ms: 0,
            ..AppSettings::default()
        };
        change(&mut settings);
        let app = Kenning::new(fakes.adapters(store), settings);
        Harness { app, fakes, file }
    }

    pub async fn person(&self, role: Role) -> CurrentUser {
        let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
        let account = self
            .app
            .create_account(
                Registration {
                    email,
                    password: PASSWORD.into(),
                    display_name: format!("{role:?}"),
                },
                role,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        CurrentUser { account }
    }

    /// A published course by `creator` at `price`, with a preview lesson and a locked
    /// one; returns it with (preview, locked) lesson ids.
    pub async fn course(
        &self,
        creator: &CurrentUser,
        title: &str,
        price: Money,
    ) -> (Product, LessonId, LessonId) {
        let product = self
            .app
            .create_product(
                creator,
                ProductDraft {
                    kind: ProductKind::Course,
                    title: text(title),
                    description: text("Build services."),
                    prices: PriceList::new(vec![price]).unwrap_or_else(|e| panic!("{e}")),
                    tags: vec!["rust".into()],
                },
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let mut ids = Vec::new();
        for (title, body, preview) in [
            ("Welcome", "Open to everyone.", true),
            ("Ownership", "The borrow checker secret.", false),
        ] {
            let lesson = self
                .app
                .add_lesson(
                    creator,
                    product.id,
                    NewLesson {
                        chapter_id: None,
                        title: text(title),
                        body: text(body),
                        preview,
                        release: Release::Immediately,
                    },
                )
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            ids.push(lesson.id);
        }
        let product = self
            .app
            .publish(creator, product.id)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        (product, ids[0], ids[1])
    }

    /// A new order of `product` in US dollars.
    pub async fn order(&self, buyer: &CurrentUser, product: &Product) -> Order {
        self.try_order(buyer, product)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Asks for an order of `product` in US dollars.
    pub async fn try_order(
        &self,
        buyer: &CurrentUser,
        product: &Product,
    ) -> Result<Order, kenning_app::AppError> {
        let country = "US".parse().unwrap_or_else(|e| panic!("{e}"));
        let key = uuid::Uuid::new_v4().simple().to_string();
        let (order, _) = self
            .app
            .create_order(
                buyer,
                OrderRequest {
                    product_id: product.id,
                    lesson_id: None,
                    currency: CurrencyChoice::Exactly(Currency::USD),
                    idempotency_key: &key,
                    coupon: None,
                    gift: None,
                    country: &country,
                    referral: None,
                    question: None,
                },
            )
            .await?;
        Ok(order)
    }

    /// Buys `product` with the good card.
    pub async fn buy(&self, buyer: &CurrentUser, product: &Product) -> Order {
        let order = self.order(buyer, product).await;
        self.app
            .pay(buyer, order.id, GOOD_CARD)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// The books verify: balanced, and every grant paid for.
    pub async fn books_are_clean(&self) {
        let books = self
            .app
            .verify_books()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(books.is_clean(), "{books:?}");
    }
}
