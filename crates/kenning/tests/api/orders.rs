use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(
    a_learner_buys_a_course_and_can_study_it,
    a_declined_card_charges_nothing_and_can_be_retried,
    orders_belong_to_their_buyer,
    order_input_errors_are_refused,
    concurrent_payments_charge_exactly_once,
    receipts_are_numbered_in_order_of_payment,
);

async fn a_learner_buys_a_course_and_can_study_it(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let learner = app.learner().await;

    let created = app.order(&learner, &product, "buy-1").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(
        created
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("false")
    );
    let order = json_of(created).await;
    assert_eq!(order["status"], "pending");
    assert_eq!(order["total"]["amount_minor"], 1499);
    assert_eq!(order["total"]["currency"], "USD");
    let id = order["id"].as_str().unwrap_or_default().to_owned();

    // A retried request with the same key is the same order.
    let again = app.order(&learner, &product, "buy-1").await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert_eq!(
        again
            .headers()
            .get("idempotent-replayed")
            .and_then(|v| v.to_str().ok()),
        Some("true")
    );
    assert_eq!(json_of(again).await["id"], id.as_str());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 1);

    let paid = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&learner),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await;
    assert_eq!(paid.status(), StatusCode::OK);
    assert_eq!(json_of(paid).await["status"], "paid");

    let library = json_of(app.get("/api/v1/library", Some(&learner)).await).await;
    assert_eq!(library["items"][0]["id"], product.as_str());

    let lesson = app
        .get(&format!("/api/v1/lessons/{}", lessons[2]), Some(&learner))
        .await;
    assert_eq!(lesson.status(), StatusCode::OK);
    assert!(
        json_of(lesson).await["content"]
            .as_str()
            .unwrap_or_default()
            .contains("Secret text 2")
    );

    // Paying again charges nothing more.
    let twice = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&learner),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await;
    assert_eq!(twice.status(), StatusCode::OK);
    assert_eq!(json_of(twice).await["status"], "paid");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM ledger_transactions WHERE kind = 'sale'")
            .await,
        1
    );
    // The sandbox takes 2.9 % for the payment, borne by the platform.
    assert_eq!(
        app.scalar("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM ledger_postings WHERE account_code = 'expense:gateway_fees'").await,
        43
    );
    // 10% platform fee on USD 14.99: 149 to the platform, 1350 to the creator.
    assert_eq!(
        app.scalar("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM ledger_postings WHERE account_code = 'revenue:platform_fees'").await,
        -149
    );

    // Owning it, a second purchase is refused.
    expect_error(
        app.order(&learner, &product, "buy-2").await,
        StatusCode::CONFLICT,
        "already_owned",
    )
    .await;

    // The creator's other buyers still need to pay.
    let other = app.learner().await;
    expect_error(
        app.get(&format!("/api/v1/lessons/{}", lessons[2]), Some(&other))
            .await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
}

async fn a_declined_card_charges_nothing_and_can_be_retried(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let learner = app.learner().await;
    let order = json_of(app.order(&learner, &product, "k").await).await;
    let id = order["id"].as_str().unwrap_or_default().to_owned();

    let declined = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&learner),
            json!({"card_number": "4000 0000 0000 0002"}),
        )
        .await;
    expect_error(declined, StatusCode::PAYMENT_REQUIRED, "card_declined").await;
    let status = json_of(
        app.get(&format!("/api/v1/orders/{id}"), Some(&learner))
            .await,
    )
    .await;
    assert_eq!(status["status"], "pending");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM entitlements").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM ledger_postings").await, 0);
    expect_error(
        app.get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&learner))
            .await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;

    let paid = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&learner),
            json!({"card_number": "4242424242424242"}),
        )
        .await;
    assert_eq!(paid.status(), StatusCode::OK);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE succeeded = TRUE")
            .await,
        1
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 2);
}

async fn orders_belong_to_their_buyer(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let buyer = app.learner().await;
    let stranger = app.learner().await;
    let order = json_of(app.order(&buyer, &product, "mine").await).await;
    let id = order["id"].as_str().unwrap_or_default().to_owned();

    expect_error(
        app.get(&format!("/api/v1/orders/{id}"), Some(&stranger))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&stranger),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.post(
            &format!("/api/v1/orders/{id}/pay"),
            None,
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 0);

    // The same idempotency key from another person is another order.
    let theirs = json_of(app.order(&stranger, &product, "mine").await).await;
    assert_ne!(theirs["id"], id.as_str());
}

async fn order_input_errors_are_refused(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let learner = app.learner().await;
    let no_key = app
        .post(
            "/api/v1/orders",
            Some(&learner),
            json!({"product_id": product}),
        )
        .await;
    expect_error(
        no_key,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_idempotency_key",
    )
    .await;
    expect_error(
        app.order(&learner, &uuid::Uuid::new_v4().to_string(), "a")
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    // Dong is a known currency, but neither priced nor in the rate table.
    let yen = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&learner)
        .header("Idempotency-Key", "yen")
        .json(&json!({"product_id": product, "currency": "VND"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    expect_error(
        yen,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not_priced_in_currency",
    )
    .await;
    let cny = app
        .client
        .post(app.url("/api/v1/orders"))
        .bearer_auth(&learner)
        .header("Idempotency-Key", "cny")
        .json(&json!({"product_id": product, "currency": "CNY"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let cny = json_of(cny).await;
    assert_eq!(cny["total"]["amount_minor"], 9900);
    // The same key for another product is a client bug, not a second order.
    let (other, _, _) = app.published_course().await;
    expect_error(
        app.order(&learner, &other, "cny").await,
        StatusCode::CONFLICT,
        "idempotency_key_reused",
    )
    .await;

    let id = cny["id"].as_str().unwrap_or_default();
    let bad_card = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&learner),
            json!({"card_number": "1234"}),
        )
        .await;
    expect_error(
        bad_card,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_card_number",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 1);
}

async fn concurrent_payments_charge_exactly_once(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let learner = app.learner().await;

    // Ten identical order requests at once: one order.
    let mut creates = Vec::new();
    for _ in 0..10 {
        let client = app.client.clone();
        let url = app.url("/api/v1/orders");
        let token = learner.clone();
        let product = product.clone();
        creates.push(tokio::spawn(async move {
            let r = client
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "same")
                .json(&json!({"product_id": product}))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            assert!(r.status().is_success(), "{}", r.status());
            r.json::<serde_json::Value>().await.unwrap_or_default()["id"].clone()
        }));
    }
    let mut ids = Vec::new();
    for c in creates {
        ids.push(c.await.unwrap_or_default());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 1);
    let id = ids[0].as_str().unwrap_or_default().to_owned();

    // Ten payments at once: one charge; the others see it paid or in progress.
    let mut pays = Vec::new();
    for _ in 0..10 {
        let client = app.client.clone();
        let url = app.url(&format!("/api/v1/orders/{id}/pay"));
        let token = learner.clone();
        pays.push(tokio::spawn(async move {
            client
                .post(url)
                .bearer_auth(token)
                .json(&json!({"card_number": "4242 4242 4242 4242"}))
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
                .status()
        }));
    }
    for p in pays {
        let status = p.await.unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        assert!(
            status == StatusCode::OK || status == StatusCode::CONFLICT,
            "unexpected {status}"
        );
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM entitlements").await, 1);
    // One sale and its gateway fee.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM ledger_transactions").await,
        2
    );
    let order = json_of(
        app.get(&format!("/api/v1/orders/{id}"), Some(&learner))
            .await,
    )
    .await;
    assert_eq!(order["status"], "paid");
}

async fn receipts_are_numbered_in_order_of_payment(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let mut numbers = Vec::new();
    let mut first = None;
    for i in 0..3 {
        let buyer = app.learner().await;
        let order = json_of(app.order(&buyer, &product, &format!("receipt-{i}")).await).await;
        let path = format!(
            "/api/v1/orders/{}/receipt",
            order["id"].as_str().unwrap_or_default()
        );
        // Nothing to show before it is paid.
        expect_error(
            app.get(&path, Some(&buyer)).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
        app.pay(&buyer, &order).await;
        let receipt = app.get(&path, Some(&buyer)).await;
        assert_eq!(receipt.status(), StatusCode::OK);
        let receipt = json_of(receipt).await;
        numbers.push(receipt["number"].as_str().unwrap_or_default().to_owned());
        first.get_or_insert((path, receipt));
    }
    // 2026-000001, 2026-000002, 2026-000003: one year's series, no gaps.
    let year = &numbers[0][..4];
    let expected: Vec<String> = (1..=3).map(|n| format!("{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);

    let (path, receipt) = first.unwrap_or_default();
    assert_eq!(receipt["seller"]["name"], "Example Learning Ltd");
    assert_eq!(receipt["seller"]["tax_id"], "GB123456789");
    assert!(receipt["on_behalf_of"].is_string());
    assert_eq!(receipt["order"]["status"], "paid");
    assert_eq!(receipt["card_last4"], "4242");
    assert_eq!(
        receipt["net"]["amount_minor"].as_i64().unwrap_or_default()
            + receipt["order"]["tax"]["amount"]["amount_minor"]
                .as_i64()
                .unwrap_or_default(),
        receipt["order"]["total"]["amount_minor"]
            .as_i64()
            .unwrap_or_default()
    );
    // Without anyone looking, the numbering (run by the server every few seconds, and
    // here at once) gives the next number.
    let buyer = app.learner().await;
    let order = json_of(app.order(&buyer, &product, "receipt-unseen").await).await;
    app.pay(&buyer, &order).await;
    app.app
        .number_receipts()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        app.scalar("SELECT MAX(receipt_sequence) FROM orders").await,
        4
    );
    assert_eq!(app.app.number_receipts().await.unwrap_or_default(), 0);
    // Another learner sees no one else's receipt.
    let stranger = app.learner().await;
    expect_error(
        app.get(&path, Some(&stranger)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}
