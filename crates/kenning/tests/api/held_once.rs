//! Nobody pays twice for what they hold: two tabs, a pending order left over from an
//! earlier attempt, or parallel payers with several orders for one thing are charged
//! once, for every kind that can be held (a product, a lesson sold alone, a bundle, a
//! membership, a live-session seat); gifts and questions stay one purchase per order.
//! The books verify after every scenario (`TestApp::finish`).

use futures::future::join_all;
use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, id_of, json_of};
use crate::on_both_databases;

on_both_databases!(
    two_tabs_and_a_stale_order_charge_once_for_every_kind,
    an_item_bought_after_its_bundle_was_priced_releases_the_bundle_order,
    gifts_to_oneself_are_refused_and_questions_stay_one_per_order,
);

const GOOD_CARD: &str = "4242 4242 4242 4242";
/// How many orders for the same thing one buyer pays at once.
const PARALLEL: usize = 4;

/// A published product of `kind` by `creator`, USD 20.00, with one locked lesson.
async fn product(app: &TestApp, creator: &str, kind: &str) -> String {
    let id = app
        .create_product(
            creator,
            json!({"kind": kind, "title": {"en": format!("A {kind}")},
                   "prices": [{"amount_minor": 2000, "currency": "USD"}]}),
        )
        .await;
    app.add_lesson(creator, &id, "Inside").await;
    id
}

/// A published bundle of a new report and a new e-book by `creator`: (bundle, report).
async fn bundle(app: &TestApp, creator: &str) -> (String, String) {
    let report = product(app, creator, "report").await;
    app.publish(creator, &report).await;
    let ebook = product(app, creator, "ebook").await;
    app.publish(creator, &ebook).await;
    let bundle = product(app, creator, "bundle").await;
    let r = app
        .put(
            &format!("/api/v1/products/{bundle}/bundle"),
            Some(creator),
            json!({"products": [report, ebook]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    app.publish(creator, &bundle).await;
    (bundle, report)
}

/// What one buyer is buying in each scenario: the order body and how to read
/// whether the buyer got it.
struct Case {
    name: &'static str,
    body: Value,
}

async fn cases(app: &TestApp) -> Vec<Case> {
    let (course, lessons, creator) = app.published_course().await;
    // A lesson sold on its own.
    let r = app
        .put(
            &format!("/api/v1/lessons/{}/prices", lessons[1]),
            Some(&creator),
            json!({"prices": [{"amount_minor": 299, "currency": "USD"}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    // A bundle of two of the creator's products.
    let (bundle, _) = bundle(app, &creator).await;
    // A membership tier.
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
    app.publish(&creator, &tier).await;
    // A live session with plenty of seats.
    let live = product(app, &creator, "live_session").await;
    app.publish(&creator, &live).await;
    let r = app
        .put(
            &format!("/api/v1/products/{live}/live"),
            Some(&creator),
            json!({"starts_at": "2099-01-01T12:00:00Z", "duration_minutes": 60,
                   "capacity": 50, "stream_url": "https://stream.example/live"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let usd = |extra: Value| {
        let mut body = json!({"currency": "USD", "country": "US"});
        if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
            body.extend(extra.clone());
        }
        body
    };
    vec![
        Case {
            name: "course",
            body: usd(json!({"product_id": course})),
        },
        Case {
            name: "lesson",
            body: usd(json!({"product_id": course, "lesson_id": lessons[1]})),
        },
        Case {
            name: "bundle",
            body: usd(json!({"product_id": bundle})),
        },
        Case {
            name: "membership",
            body: usd(json!({"product_id": tier})),
        },
        Case {
            name: "live-seat",
            body: usd(json!({"product_id": live})),
        },
    ]
}

async fn pay(app: &TestApp, token: &str, order: &str) -> reqwest::Response {
    app.post(
        &format!("/api/v1/orders/{order}/pay"),
        Some(token),
        json!({"card_number": GOOD_CARD}),
    )
    .await
}

/// Successful payments of the buyer's orders for a product (a lesson's orders when
/// the body names one).
async fn charges(app: &TestApp, orders: &[String]) -> i64 {
    let list = orders
        .iter()
        .map(|o| format!("'{o}'"))
        .collect::<Vec<_>>()
        .join(", ");
    let sql = format!(
        "SELECT COUNT(*) FROM payments WHERE succeeded = TRUE AND order_id IN ({list}) \
         AND NOT EXISTS (SELECT 1 FROM refunds r WHERE r.order_id = payments.order_id)"
    );
    let row: (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    row.0
}

async fn two_tabs_and_a_stale_order_charge_once_for_every_kind(app: &TestApp) {
    for case in cases(app).await {
        let buyer = app.learner().await;
        // Several tabs, each with its own order (idempotency key), made before any
        // is paid; one more is left pending, to be paid later (a stale order).
        let mut orders = Vec::new();
        for tab in 0..=PARALLEL {
            let r = app
                .order_with(
                    &buyer,
                    &format!("{}-tab-{tab}", case.name),
                    case.body.clone(),
                )
                .await;
            assert_eq!(
                r.status(),
                StatusCode::CREATED,
                "{}: {:?}",
                case.name,
                r.text().await
            );
            orders.push(id_of(r).await);
        }
        let (stale, tabs) = orders.split_last().unwrap_or_else(|| panic!("no orders"));

        // The tabs pay at once: one is charged, the others are refused.
        let answers = join_all(tabs.iter().map(|o| pay(app, &buyer, o))).await;
        let statuses: Vec<StatusCode> = answers.iter().map(reqwest::Response::status).collect();
        let paid = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!(paid, 1, "{}: {statuses:?}", case.name);
        for answer in answers {
            if answer.status() != StatusCode::OK {
                let status = answer.status();
                let body = json_of(answer).await;
                let code = body["error"]["code"].as_str().unwrap_or_default();
                assert_eq!(status, StatusCode::CONFLICT, "{}: {body}", case.name);
                assert!(
                    code == "already_owned" || code == "payment_in_progress",
                    "{}: {body}",
                    case.name
                );
            }
        }
        assert_eq!(charges(app, &orders).await, 1, "{}", case.name);

        // The stale order's page, opened now, offers no payment: it is released, and
        // says so in both languages.
        for lang in ["en", "zh-CN"] {
            let page = app
                .client
                .get(app.url(&format!("/orders/{stale}")))
                .header(
                    "cookie",
                    format!("kenning_session={buyer}; kenning_lang={lang}"),
                )
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .text()
                .await
                .unwrap_or_default();
            assert!(page.contains("data-test=\"order-released\""), "{lang}");
            assert!(!page.contains("data-test=\"card-number\""), "{lang}");
            assert!(lang == "en" || page.contains("订单已取消"), "{page}");
        }
        // The paying address opened as a page (a "processing" page refreshing itself, a
        // stale form sent back through the login) leads to the order's page.
        let opened = app
            .client
            .get(app.url(&format!("/orders/{stale}/pay")))
            .header("cookie", format!("kenning_session={buyer}"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(opened.status(), StatusCode::OK, "{}", case.name);
        assert_eq!(opened.url().path(), format!("/orders/{stale}"));
        let stale_order = json_of(
            app.get(&format!("/api/v1/orders/{stale}"), Some(&buyer))
                .await,
        )
        .await;
        assert_eq!(stale_order["status"], "released", "{}", case.name);
        // A tab that was told "in progress" and tries again, and the stale order:
        // refused before anything is charged.
        for order in tabs.iter().chain([stale]) {
            let r = pay(app, &buyer, order).await;
            if r.status() == StatusCode::OK {
                assert_eq!(json_of(r).await["status"], "paid");
                continue;
            }
            expect_error(r, StatusCode::CONFLICT, "already_owned").await;
        }
        assert_eq!(charges(app, &orders).await, 1, "{}", case.name);
    }
    // Each buyer's single payment granted what it bought.
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM orders o WHERE o.status = 'paid' AND NOT EXISTS \
             (SELECT 1 FROM refunds r WHERE r.order_id = o.id)"
        )
        .await,
        5
    );
}

async fn an_item_bought_after_its_bundle_was_priced_releases_the_bundle_order(app: &TestApp) {
    let (_, creator) = app.with_role(Role::Creator).await;
    let (bundle, report) = bundle(app, &creator).await;
    let buyer = app.learner().await;

    // The bundle is priced (in one tab) while nothing of it is owned …
    let bundle_order = json_of(app.order(&buyer, &bundle, "bundle").await).await;
    assert_eq!(bundle_order["total"]["amount_minor"], 2000);
    let bundle_order = bundle_order["id"].as_str().unwrap_or_default().to_owned();
    // … then one of its items is bought (in another tab).
    app.buy(&buyer, &report).await;
    // Paying the bundle now would charge for the report twice: refused, released.
    expect_error(
        pay(app, &buyer, &bundle_order).await,
        StatusCode::CONFLICT,
        "already_owned",
    )
    .await;
    let order = json_of(
        app.get(&format!("/api/v1/orders/{bundle_order}"), Some(&buyer))
            .await,
    )
    .await;
    assert_eq!(order["status"], "released");
    // A fresh order prices the bundle for what is left, and pays.
    let fresh = app.order(&buyer, &bundle, "bundle-again").await;
    assert_eq!(fresh.status(), StatusCode::CREATED);
    let fresh = json_of(fresh).await;
    assert_eq!(fresh["total"]["amount_minor"], 1000, "{fresh}");
    let id = fresh["id"].as_str().unwrap_or_default();
    assert_eq!(pay(app, &buyer, id).await.status(), StatusCode::OK);
}

async fn gifts_to_oneself_are_refused_and_questions_stay_one_per_order(app: &TestApp) {
    let (course, _, creator) = app.published_course().await;
    let (me, token) = app.with_role(Role::Learner).await;
    let email = me.account.email.as_str().to_owned();
    // A gift addressed to its own buyer (whatever the case of the address).
    for key in ["self-1", "self-2"] {
        expect_error(
            app.order_with(
                &token,
                key,
                json!({"product_id": course, "gift_to": email.to_uppercase()}),
            )
            .await,
            StatusCode::CONFLICT,
            "gift_to_self",
        )
        .await;
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE idempotency_key LIKE 'self-%'")
            .await,
        0
    );
    // Owning it, one may still give it, twice, and pay for both gifts.
    app.buy(&token, &course).await;
    let (friend, _) = app.with_role(Role::Learner).await;
    let gifts = [
        app.order_with(
            &token,
            "gift-a",
            json!({"product_id": course, "gift_to": friend.account.email.as_str()}),
        )
        .await,
        app.order_with(
            &token,
            "gift-b",
            json!({"product_id": course, "gift_to": "someone@example.test"}),
        )
        .await,
    ];
    let mut ids = Vec::new();
    for g in gifts {
        assert_eq!(g.status(), StatusCode::CREATED);
        ids.push(id_of(g).await);
    }
    let answers = join_all(ids.iter().map(|o| pay(app, &token, o))).await;
    assert!(answers.iter().all(|a| a.status() == StatusCode::OK));

    // Each paid question is its own purchase: two asked at once are both charged.
    let desk = app
        .create_product(
            &creator,
            json!({"kind": "consultation", "title": {"en": "Ask me"},
                   "prices": [{"amount_minor": 1000, "currency": "USD"}]}),
        )
        .await;
    app.publish(&creator, &desk).await;
    let mut questions = Vec::new();
    for (key, text) in [
        ("q-1", "How do lifetimes work?"),
        ("q-2", "And async traits?"),
    ] {
        let r = app
            .order_with(
                &token,
                key,
                json!({"product_id": desk, "currency": "USD", "country": "US", "question": text}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        questions.push(id_of(r).await);
    }
    let answers = join_all(questions.iter().map(|o| pay(app, &token, o))).await;
    assert!(answers.iter().all(|a| a.status() == StatusCode::OK));
    assert_eq!(charges(app, &questions).await, 2);
}
