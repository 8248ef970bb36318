//! Store round trips per page render, held to small fixed numbers.
//!
//! Each page's data comes from one app call (`Kenning::*_page`); the store counts the
//! statements that call sends (`kenning_store::round_trips`, a task-local counter on
//! the pool every query goes through, so background work and other tests do not add
//! to it). A render with warm caches is what the server does under load: what everyone
//! sees comes from the catalog cache, and only what this person holds is read.

use kenning_app::Kenning;
use kenning_app::accounts::CurrentUser;
use kenning_domain::account::Role;
use kenning_domain::ids::ProductId;
use kenning_domain::money::Currency;
use kenning_domain::tax::Country;
use kenning_store::round_trips::counted;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, TestApp, json_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_make_a_fixed_number_of_round_trips_sqlite() {
    let app = TestApp::spawn_with(Backend::Sqlite, long_cache).await;
    pages_make_a_fixed_number_of_round_trips(&app).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_make_a_fixed_number_of_round_trips_postgres() {
    let Some(app) = TestApp::spawn_postgres_with(long_cache).await else {
        return;
    };
    pages_make_a_fixed_number_of_round_trips(&app).await;
    app.finish().await;
}

/// Caches that outlive the test, so "warm" means warm however slow the machine.
fn long_cache(settings: &mut kenning::Settings) {
    settings.cache_ms = 600_000;
}

fn id(s: &str) -> ProductId {
    s.parse().unwrap_or_else(|_| panic!("product id {s}"))
}

/// A published product of `kind` by `creator`, priced in USD, with one lesson.
async fn product(app: &TestApp, creator: &str, kind: &str) -> String {
    let product = app
        .create_product(
            creator,
            json!({"kind": kind, "title": {"en": kind},
                   "prices": [{"amount_minor": 1999, "currency": "USD"}]}),
        )
        .await;
    app.add_lesson(creator, &product, "One").await;
    product
}

fn us() -> Country {
    "US".parse().unwrap_or_else(|_| panic!("country"))
}

/// The round trips of one product page render, and a check that it rendered.
async fn product_trips(app: &Kenning, product: &str, user: Option<&CurrentUser>) -> u64 {
    let (page, trips) = counted(app.product_page(id(product), user, Currency::USD, &us())).await;
    let page = page.unwrap_or_else(|e| panic!("{product}: {e}"));
    assert_eq!(page.product().id, id(product));
    trips
}

/// A first render fills the caches (and notes a view); the second is measured.
async fn warm_product_trips(app: &Kenning, product: &str, user: Option<&CurrentUser>) -> u64 {
    product_trips(app, product, user).await;
    product_trips(app, product, user).await
}

async fn pages_make_a_fixed_number_of_round_trips(app: &TestApp) {
    let (course, _, creator) = app.published_course().await;
    let ebook = product(app, &creator, "ebook").await;
    let consultation = product(app, &creator, "consultation").await;
    let bundle = product(app, &creator, "bundle").await;
    let r = app
        .put(
            &format!("/api/v1/products/{bundle}/bundle"),
            Some(&creator),
            json!({"products": [course, ebook]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let live = product(app, &creator, "live_session").await;
    let r = app
        .put(
            &format!("/api/v1/products/{live}/live"),
            Some(&creator),
            json!({"starts_at": "2099-01-01T12:00:00Z", "duration_minutes": 60,
                   "capacity": 3, "stream_url": "https://stream.example/live",
                   "included_in": course}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let tier = app
        .create_product(
            &creator,
            json!({"kind": "membership", "title": {"en": "All access"},
                   "prices": [{"amount_minor": 999, "currency": "USD"}]}),
        )
        .await;
    let r = app
        .put(
            &format!("/api/v1/products/{tier}/membership"),
            Some(&creator),
            json!({"interval": "monthly", "all_of_creator": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    for p in [&ebook, &consultation, &bundle, &live, &tier] {
        app.publish(&creator, p).await;
    }
    let (buyer, buyer_token) = app.with_role(Role::Learner).await;
    app.buy(&buyer_token, &ebook).await;
    let kenning = &app.app;

    // (product, anonymous, signed in): anonymous pages come whole from the cache, and
    // so does what a signed-in viewer holds until it changes; a tier costs one read
    // (their subscription), a session with a capacity one (seats change with every
    // sale).
    let expected = [
        (&course, 0, 0),
        (&ebook, 0, 0),
        (&consultation, 0, 0),
        (&bundle, 0, 0),
        (&live, 1, 1),
        (&tier, 0, 1),
    ];
    for (product, anonymous, signed_in) in expected {
        assert_eq!(
            warm_product_trips(kenning, product, None).await,
            anonymous,
            "anonymous page of {product}"
        );
        assert_eq!(
            warm_product_trips(kenning, product, Some(&buyer)).await,
            signed_in,
            "signed-in page of {product}"
        );
    }

    // What the viewer holds is read again once anything held changes, and shows.
    let page = kenning
        .product_page(id(&course), Some(&buyer), Currency::USD, &us())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!page.owned);
    app.buy(&buyer_token, &course).await;
    let (page, trips) =
        counted(kenning.product_page(id(&course), Some(&buyer), Currency::USD, &us())).await;
    assert!(
        page.unwrap_or_else(|e| panic!("{e}")).owned,
        "bought, shown at once"
    );
    assert_eq!(trips, 1, "holdings read again after a purchase");
    assert_eq!(product_trips(kenning, &course, Some(&buyer)).await, 0);

    // A cold render (the catalog cache emptied by a change) reads the showcase once;
    // its parts are read concurrently, and it stays bounded.
    let r = app
        .put(
            &format!("/api/v1/products/{course}/sale"),
            Some(&creator),
            json!({"percent": 10, "ends_at": crate::sales::in_days(30)}),
        )
        .await;
    assert!(r.status().is_success(), "{:?}", json_of(r).await);
    let cold = product_trips(kenning, &course, None).await;
    assert!((1..=16).contains(&cold), "cold course page: {cold}");
    assert_eq!(product_trips(kenning, &course, None).await, 0);

    // Home and catalog: nothing for visitors once warm; a signed-in home page reads
    // the person's library once (their suggestions skip what they own).
    home_trips(kenning, None).await;
    assert_eq!(home_trips(kenning, None).await, 0, "anonymous home");
    home_trips(kenning, Some(&buyer)).await;
    assert_eq!(home_trips(kenning, Some(&buyer)).await, 1, "signed-in home");
    catalog_trips(kenning).await;
    assert_eq!(catalog_trips(kenning).await, 0, "catalog");

    // The library: one read per part (products held, progress, certificates,
    // memberships, lessons bought alone, feed versions), whatever it holds.
    let (reader, reader_token) = app.with_role(Role::Learner).await;
    let series = product(app, &creator, "audio_series").await;
    app.publish(&creator, &series).await;
    app.buy(&reader_token, &series).await;
    let one = warm_library_trips(kenning, &reader, 1).await;
    assert_eq!(one, 6, "library with one item");
    for kind in ["ebook", "report", "audio_series", "course"] {
        let more = product(app, &creator, kind).await;
        app.publish(&creator, &more).await;
        app.buy(&reader_token, &more).await;
    }
    let r = app
        .post(
            &format!("/api/v1/library/{series}/feed/rotate"),
            Some(&reader_token),
            json!({}),
        )
        .await;
    assert!(r.status().is_success(), "{:?}", json_of(r).await);
    assert_eq!(
        warm_library_trips(kenning, &reader, 5).await,
        one,
        "library with five items"
    );
}

/// A first render fills the caches; the second is measured.
async fn warm_library_trips(app: &Kenning, user: &CurrentUser, items: usize) -> u64 {
    let _ = counted(app.library_page(user)).await;
    let (page, trips) = counted(app.library_page(user)).await;
    let page = page.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.items.len(), items);
    assert_eq!(
        page.items.iter().filter(|i| i.feed_path.is_some()).count(),
        page.items
            .iter()
            .filter(|i| i.product.kind == kenning_domain::catalog::ProductKind::AudioSeries)
            .count()
    );
    trips
}

async fn home_trips(app: &Kenning, user: Option<&CurrentUser>) -> u64 {
    let (page, trips) = counted(app.home_page(user)).await;
    assert!(
        !page
            .unwrap_or_else(|e| panic!("{e}"))
            .latest
            .items
            .is_empty()
    );
    trips
}

async fn catalog_trips(app: &Kenning) -> u64 {
    let query = kenning_app::catalog::CatalogQuery {
        page: 1,
        per_page: 24,
        ..Default::default()
    };
    let (page, trips) = counted(app.catalog_page(&query)).await;
    assert!(page.unwrap_or_else(|e| panic!("{e}")).listing.total >= 6);
    trips
}
