use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(refunds_reverse_the_books_and_end_access_when_full);

const DAY_MS: i64 = 86_400_000;

async fn refund(app: &TestApp, token: &str, order: &str, body: Value) -> reqwest::Response {
    app.post(
        &format!("/api/v1/orders/{order}/refunds"),
        Some(token),
        body,
    )
    .await
}

async fn paid_order(app: &TestApp, buyer: &str, product: &str) -> String {
    app.buy(buyer, product).await;
    let orders = json_of(app.get("/api/v1/orders", Some(buyer)).await).await;
    orders[0]["id"].as_str().unwrap_or_default().to_owned()
}

/// Per ledger account, what the order's transactions add up to, for those not zero
/// (the provider's fee for taking the payment is not given back, so it is left out).
async fn unreversed(app: &TestApp, order: &str) -> i64 {
    let row = sqlx::query(
        "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT p.account_code FROM ledger_postings p \
         JOIN ledger_transactions t ON t.id = p.transaction_id WHERE t.order_id = $1 \
         AND t.kind <> 'gateway_fee' GROUP BY p.account_code HAVING SUM(p.amount_minor) <> 0) AS open_accounts",
    )
    .bind(order.to_owned())
    .fetch_one(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    sqlx::Row::try_get::<i64, _>(&row, 0).unwrap_or_else(|e| panic!("{e}"))
}

async fn refunds_reverse_the_books_and_end_access_when_full(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let buyer = app.learner().await;
    let order = paid_order(app, &buyer, &product).await;
    let lesson = format!("/api/v1/lessons/{}", lessons[1]);

    // Only the product's creator (or an operator) may refund; others do not see it.
    let (_, other_creator) = app.with_role(Role::Creator).await;
    for token in [&buyer, &other_creator] {
        expect_error(
            refund(app, token, &order, json!({})).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    for bad in [
        json!({"amount_minor": 0}),
        json!({"amount_minor": -5}),
        json!({"amount_minor": 1500}),
    ] {
        expect_error(
            refund(app, &creator, &order, bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_refund_amount",
        )
        .await;
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM refunds").await, 0);

    // A partial refund keeps access.
    let r = refund(
        app,
        &creator,
        &order,
        json!({"amount_minor": 500, "reason": "late start"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::CREATED);
    let body = json_of(r).await;
    assert_eq!(body["status"], "partially_refunded");
    assert_eq!(body["refunded"]["amount_minor"], 500);
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );

    // Parallel refunds of 400 against the 999 left: one at a time reaches the provider,
    // the others are told one is in progress or that too little is left; never more than
    // the order is given back.
    let parallel = futures::future::join_all(
        (0..5).map(|_| refund(app, &creator, &order, json!({"amount_minor": 400}))),
    )
    .await;
    let mut fitted = 0;
    for r in parallel {
        match r.status() {
            StatusCode::CREATED => fitted += 1,
            StatusCode::CONFLICT => {
                assert_eq!(json_of(r).await["error"]["code"], "refund_in_progress");
            }
            StatusCode::UNPROCESSABLE_ENTITY => {
                assert_eq!(json_of(r).await["error"]["code"], "invalid_refund_amount");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert!(
        (1..=2).contains(&fitted),
        "{fitted} refunds of 400 fit in 999"
    );
    assert_eq!(
        app.scalar("SELECT CAST(SUM(amount_minor) AS BIGINT) FROM refunds")
            .await,
        500 + 400 * fitted
    );

    // The rest ends access; the order's entries all come back to zero.
    let r = refund(app, &creator, &order, json!({})).await;
    let body = json_of(r).await;
    assert_eq!(body["status"], "refunded");
    assert_eq!(body["refunded"]["amount_minor"], 1499);
    expect_error(
        app.get(&lesson, Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    let mine = json_of(
        app.get(&format!("/api/v1/orders/{order}"), Some(&buyer))
            .await,
    )
    .await;
    assert_eq!(mine["status"], "refunded");
    assert_eq!(unreversed(app, &order).await, 0);
    expect_error(
        refund(app, &creator, &order, json!({})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_refund_amount",
    )
    .await;

    // Past the window, the creator can no longer refund; an operator still can.
    let late_buyer = app.learner().await;
    let late = paid_order(app, &late_buyer, &product).await;
    sqlx::query("UPDATE orders SET paid_at_ms = paid_at_ms - $1 WHERE id = $2")
        .bind(15 * DAY_MS)
        .bind(late.clone())
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let closed = expect_error(
        refund(app, &creator, &late, json!({})).await,
        StatusCode::CONFLICT,
        "refund_window_closed",
    )
    .await;
    assert!(
        closed["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("14"))
    );
    let (_, admin) = app.with_role(Role::Admin).await;
    let r = refund(app, &admin, &late, json!({"reason": "chargeback"})).await;
    assert_eq!(json_of(r).await["status"], "refunded");
    assert_eq!(unreversed(app, &late).await, 0);
}
