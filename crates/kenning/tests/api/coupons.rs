use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(
    coupons_take_their_share_and_refuse_what_they_should,
    a_coupon_limit_holds_under_parallel_checkouts,
    a_creator_edits_ends_and_deletes_coupons_in_the_studio,
);

async fn coupon_order(
    app: &TestApp,
    token: &str,
    product: &str,
    key: &str,
    code: &str,
) -> reqwest::Response {
    app.client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(token)
        .header("idempotency-key", key)
        .json(&json!({"product_id": product, "currency": "USD", "coupon": code}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn coupons_take_their_share_and_refuse_what_they_should(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let create = |token: String, body: Value| async move {
        app.post("/api/v1/coupons", Some(&token), body).await
    };

    // Bad coupons, and people who may not make them, change nothing.
    for bad in [
        json!({"code": "X", "percent": 10}),
        json!({"code": "ZERO", "percent": 0}),
        json!({"code": "ALL", "percent": 100}),
        json!({"code": "BOTH", "percent": 10, "amount": {"amount_minor": 100, "currency": "USD"}}),
        json!({"code": "NEG", "amount": {"amount_minor": -100, "currency": "USD"}}),
        json!({"code": "CUR", "amount": {"amount_minor": 100, "currency": "XXX"}}),
        json!({"code": "NONE", "percent": 10, "max_uses": 0}),
    ] {
        let r = create(creator.clone(), bad.clone()).await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
    let learner = app.learner().await;
    expect_error(
        create(learner.clone(), json!({"code": "MINE", "percent": 10})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let (_, other_creator) = app.with_role(Role::Creator).await;
    expect_error(
        create(
            other_creator.clone(),
            json!({"code": "THEIRS", "percent": 10, "product_id": product}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM coupons").await, 0);

    let r = create(
        creator.clone(),
        json!({"code": "launch-50", "percent": 50, "product_id": product, "max_uses": 10}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    assert_eq!(json_of(r).await["code"], "LAUNCH-50");
    expect_error(
        create(creator.clone(), json!({"code": "LAUNCH-50", "percent": 20})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "coupon_code_taken",
    )
    .await;
    // A coupon is made to expire later; ended at once by moving its expiry back.
    let r = create(creator.clone(), json!({"code": "OLD", "percent": 20})).await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = app
        .put(
            "/api/v1/coupons/OLD",
            Some(&creator),
            json!({"expires_at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = create(
        creator.clone(),
        json!({"code": "YUAN-10", "amount": {"amount_minor": 1000, "currency": "CNY"}}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let r = create(
        other_creator.clone(),
        json!({"code": "ELSEWHERE", "percent": 30}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // Codes that do not apply are refused with their reason, and no order is made.
    let buyer = app.learner().await;
    for (i, code, status, error) in [
        (
            "NOPE-NOPE",
            StatusCode::UNPROCESSABLE_ENTITY,
            "unknown_coupon",
        ),
        ("a b", StatusCode::UNPROCESSABLE_ENTITY, "invalid_coupon"),
        ("OLD", StatusCode::UNPROCESSABLE_ENTITY, "coupon_expired"),
        (
            "YUAN-10",
            StatusCode::UNPROCESSABLE_ENTITY,
            "coupon_not_applicable",
        ),
        (
            "ELSEWHERE",
            StatusCode::UNPROCESSABLE_ENTITY,
            "coupon_not_applicable",
        ),
    ]
    .into_iter()
    .enumerate()
    .map(|(i, (code, status, error))| (i, code, status, error))
    {
        expect_error(
            coupon_order(app, &buyer, &product, &format!("k-{i}"), code).await,
            status,
            error,
        )
        .await;
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 0);

    // Half off USD 14.99: 7.49 off (rounded in the buyer's favour... of the exact
    // share, never below it), 7.50 to pay; the books balance after payment.
    let r = coupon_order(app, &buyer, &product, "k-ok", "launch-50").await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let order = json_of(r).await;
    assert_eq!(order["total"]["amount_minor"], 750);
    assert_eq!(order["discount"]["amount_minor"], 749);
    assert_eq!(order["coupon"], "LAUNCH-50");
    let id = order["id"].as_str().unwrap_or_default();
    let paid = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&buyer),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await;
    assert_eq!(json_of(paid).await["status"], "paid");
    // A replay is the same order and spends no second use; another coupon on the same
    // key is a different request.
    let again = json_of(coupon_order(app, &buyer, &product, "k-ok", "LAUNCH-50").await).await;
    assert_eq!(again["id"], order["id"]);
    let mine = json_of(app.get("/api/v1/coupons", Some(&creator)).await).await;
    let launch = mine
        .as_array()
        .and_then(|all| all.iter().find(|c| c["code"] == "LAUNCH-50"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(launch["uses"], 1);
    assert_eq!(
        app.scalar("SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM payments WHERE succeeded = TRUE")
            .await,
        750
    );
}

async fn a_coupon_limit_holds_under_parallel_checkouts(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let r = app
        .post(
            "/api/v1/coupons",
            Some(&creator),
            json!({"code": "FIRST-3", "percent": 30, "max_uses": 3}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let mut buyers = Vec::new();
    for _ in 0..10 {
        buyers.push(app.learner().await);
    }
    // Ten buyers at once, and one buyer retrying one request five times at once.
    let orders = futures::future::join_all(
        buyers
            .iter()
            .map(|b| coupon_order(app, b, &product, "parallel", "FIRST-3")),
    )
    .await;
    let mut made = 0;
    for r in orders {
        match r.status() {
            StatusCode::CREATED => made += 1,
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_eq!(json_of(r).await["error"]["code"], "coupon_exhausted");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(made, 3, "exactly the coupon's three uses");
    assert_eq!(
        app.scalar("SELECT uses FROM coupons WHERE code = 'FIRST-3'")
            .await,
        3
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE coupon_code = 'FIRST-3'")
            .await,
        3
    );

    let r = app
        .post(
            "/api/v1/coupons",
            Some(&creator),
            json!({"code": "RETRY", "percent": 10, "max_uses": 5}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let buyer = app.learner().await;
    let retries = futures::future::join_all(
        (0..5).map(|_| coupon_order(app, &buyer, &product, "one-click", "RETRY")),
    )
    .await;
    let mut ids = std::collections::HashSet::new();
    for r in retries {
        assert_eq!(r.status(), StatusCode::CREATED);
        ids.insert(json_of(r).await["id"].to_string());
    }
    assert_eq!(ids.len(), 1, "one order for one request");
    assert_eq!(
        app.scalar("SELECT uses FROM coupons WHERE code = 'RETRY'")
            .await,
        1
    );
}

async fn a_creator_edits_ends_and_deletes_coupons_in_the_studio(app: &TestApp) {
    use crate::pages::Browser;
    let (product, _, creator) = app.published_course().await;
    let me = json_of(app.get("/api/v1/me", Some(&creator)).await).await;
    let email = me["email"].as_str().unwrap_or_default().to_owned();
    let mut studio = Browser::new(app, "en");
    studio.log_in(&email).await;
    let csrf = studio.get("/studio/coupons").await.csrf();

    // A fixed amount off, from the page's form.
    let made = studio
        .post(
            "/studio/coupons",
            &[
                ("csrf", &csrf),
                ("code", "fivE-off"),
                ("product_id", &product),
                ("off", "amount"),
                ("percent", ""),
                ("amount", "5.00"),
                ("currency", "USD"),
                ("max_uses", "3"),
                ("expires_on", ""),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let listed = json_of(app.get("/api/v1/coupons", Some(&creator)).await).await;
    assert_eq!(listed[0]["code"], "FIVE-OFF");
    assert_eq!(listed[0]["amount"]["amount_minor"], 500);
    assert_eq!(listed[0]["max_uses"], 3);
    let page = studio.get("/studio/coupons").await;
    assert!(page.body.contains("$5.00"), "{}", page.body);
    // An amount that is not one is refused, and nothing is made.
    let bad = studio
        .post(
            "/studio/coupons",
            &[
                ("csrf", &csrf),
                ("code", "BAD-AMOUNT"),
                ("product_id", ""),
                ("off", "amount"),
                ("amount", "five"),
                ("currency", "USD"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(app.get("/api/v1/coupons", Some(&creator)).await)
            .await
            .as_array()
            .map(Vec::len),
        Some(1)
    );

    // A buyer uses it once: then it can be ended, not deleted, and its limit cannot go
    // below its uses.
    let buyer = app.learner().await;
    let order = coupon_order(app, &buyer, &product, "c-1", "FIVE-OFF").await;
    assert_eq!(order.status(), StatusCode::CREATED);
    expect_error(
        app.delete("/api/v1/coupons/FIVE-OFF", Some(&creator)).await,
        StatusCode::CONFLICT,
        "coupon_in_use",
    )
    .await;
    expect_error(
        app.put(
            "/api/v1/coupons/five-off",
            Some(&creator),
            json!({"max_uses": 0}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "coupon_limit_below_uses",
    )
    .await;
    // A new coupon that has expired already, or allows absurdly many uses, is refused.
    for (body, code) in [
        (
            json!({"code": "LATE", "percent": 10, "expires_at": "2020-01-01T00:00:00Z"}),
            "coupon_expiry_past",
        ),
        (
            json!({"code": "MANY", "percent": 10, "max_uses": 4_294_967_296_i64}),
            "invalid_coupon",
        ),
    ] {
        expect_error(
            app.post("/api/v1/coupons", Some(&creator), body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    // A decimal comma is refused on the page, never read as thousands.
    let comma = studio
        .post(
            "/studio/coupons",
            &[
                ("csrf", &csrf),
                ("code", "COMMA"),
                ("product_id", ""),
                ("off", "amount"),
                ("amount", "5,00"),
                ("currency", "USD"),
            ],
        )
        .await;
    assert_eq!(comma.status, StatusCode::UNPROCESSABLE_ENTITY);
    let edited = studio
        .post(
            "/studio/coupons/FIVE-OFF",
            &[
                ("csrf", &csrf),
                ("max_uses", "10"),
                ("expires_on", "2099-12-31"),
            ],
        )
        .await;
    assert_eq!(edited.status, StatusCode::SEE_OTHER, "{}", edited.body);
    let listed = json_of(app.get("/api/v1/coupons", Some(&creator)).await).await;
    assert_eq!(listed[0]["max_uses"], 10);
    assert_eq!(listed[0]["uses"], 1);
    assert_eq!(listed[0]["expires_at"], "2099-12-31T23:59:59Z");
    // Someone else's coupon is not theirs to change.
    let (_, other) = app.with_role(Role::Creator).await;
    for r in [
        app.put("/api/v1/coupons/FIVE-OFF", Some(&other), json!({}))
            .await,
        app.delete("/api/v1/coupons/FIVE-OFF", Some(&other)).await,
    ] {
        expect_error(r, StatusCode::NOT_FOUND, "not_found").await;
    }
    let ended = studio
        .post("/studio/coupons/FIVE-OFF/end", &[("csrf", &csrf)])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    expect_error(
        coupon_order(app, &app.learner().await, &product, "c-2", "FIVE-OFF").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "coupon_expired",
    )
    .await;
    assert!(
        studio
            .get("/studio/coupons")
            .await
            .body
            .contains("data-test=\"coupon-over\"")
    );

    // One nobody used is deleted outright.
    let r = app
        .post(
            "/api/v1/coupons",
            Some(&creator),
            json!({"code": "UNUSED", "percent": 10}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let gone = studio
        .post("/studio/coupons/UNUSED/delete", &[("csrf", &csrf)])
        .await;
    assert_eq!(gone.status, StatusCode::SEE_OTHER);
    expect_error(
        app.delete("/api/v1/coupons/UNUSED", Some(&creator)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
