use kenning_payments::stripe::{DEFAULT_TOLERANCE_S, StripeWebhooks};
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{STRIPE_TEST_SECRET, TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(
    signed_stripe_events_settle_orders_once_and_forgeries_change_nothing,
    a_card_the_bank_confirms_later_is_settled_by_its_event,
);

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn fixture(kind: &str, order: &str, amount: i64, event_id: &str) -> Vec<u8> {
    json!({
        "id": event_id,
        "object": "event",
        "type": kind,
        "api_version": "2024-06-20",
        "data": {"object": {
            "id": format!("pi_{event_id}"),
            "object": "payment_intent",
            "amount": amount,
            "currency": "usd",
            "status": "succeeded",
            "metadata": {"order_id": order}
        }}
    })
    .to_string()
    .into_bytes()
}

async fn deliver(
    app: &TestApp,
    provider: &str,
    body: Vec<u8>,
    signature: Option<String>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(&format!("/api/v1/webhooks/{provider}")))
        .header("content-type", "application/json")
        .body(body);
    if let Some(s) = signature {
        req = req.header("stripe-signature", s);
    }
    req.send().await.unwrap_or_else(|e| panic!("{e}"))
}

async fn signed_stripe_events_settle_orders_once_and_forgeries_change_nothing(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let buyer = app.learner().await;
    let order = json_of(app.order(&buyer, &product, "stripe-1").await).await;
    let order_id = order["id"].as_str().unwrap_or_default().to_owned();
    let stripe = StripeWebhooks::new(STRIPE_TEST_SECRET, DEFAULT_TOLERANCE_S);
    let body = fixture("payment_intent.succeeded", &order_id, 1499, "evt_ok_1");

    // Forgeries and strays are refused and change nothing.
    let forger = StripeWebhooks::new("whsec_guess", DEFAULT_TOLERANCE_S);
    let mut tampered = fixture("payment_intent.succeeded", &order_id, 1, "evt_ok_1");
    let tampered_sig = stripe.sign(&body, now_s());
    for (body, sig) in [
        (body.clone(), None),
        (body.clone(), Some(forger.sign(&body, now_s()))),
        (body.clone(), Some(stripe.sign(&body, now_s() - 3600))),
        (std::mem::take(&mut tampered), Some(tampered_sig)),
        (
            fixture("customer.created", &order_id, 1499, "evt_other"),
            Some(stripe.sign(
                &fixture("customer.created", &order_id, 1499, "evt_other"),
                now_s(),
            )),
        ),
        (
            b"not json".to_vec(),
            Some(stripe.sign(b"not json", now_s())),
        ),
    ] {
        expect_error(
            deliver(app, "stripe", body, sig).await,
            StatusCode::BAD_REQUEST,
            "webhook_rejected",
        )
        .await;
    }
    let wrong_amount = fixture("payment_intent.succeeded", &order_id, 1, "evt_wrong");
    let sig = stripe.sign(&wrong_amount, now_s());
    expect_error(
        deliver(app, "stripe", wrong_amount, Some(sig)).await,
        StatusCode::BAD_REQUEST,
        "webhook_rejected",
    )
    .await;
    expect_error(
        deliver(
            app,
            "paypal",
            body.clone(),
            Some(stripe.sign(&body, now_s())),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 0);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM webhook_events").await, 0);

    // The genuine event settles the order: paid, entitled, booked to Stripe's clearing.
    let r = deliver(
        app,
        "stripe",
        body.clone(),
        Some(stripe.sign(&body, now_s())),
    )
    .await;
    assert_eq!(json_of(r).await["status"], "applied");
    let paid = json_of(
        app.get(&format!("/api/v1/orders/{order_id}"), Some(&buyer))
            .await,
    )
    .await;
    assert_eq!(paid["status"], "paid");
    let r = app
        .get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&buyer))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(
        app.scalar(
            "SELECT COUNT(*) FROM ledger_postings WHERE account_code = 'asset:provider:stripe'"
        )
        .await,
        1
    );

    // Delivered again (Stripe retries): nothing changes.
    let r = deliver(
        app,
        "stripe",
        body.clone(),
        Some(stripe.sign(&body, now_s())),
    )
    .await;
    assert_eq!(json_of(r).await["status"], "duplicate");
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payments").await, 1);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM ledger_transactions").await,
        1
    );
}

async fn a_card_the_bank_confirms_later_is_settled_by_its_event(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let buyer = app.learner().await;
    let order = json_of(app.order(&buyer, &product, "later-1").await).await;
    let id = order["id"].as_str().unwrap_or_default().to_owned();
    let r = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&buyer),
            json!({"card_number": "4000 0000 0000 3220"}),
        )
        .await;
    assert_eq!(json_of(r).await["status"], "processing");
    // Not yet: no access, and a second attempt cannot charge again meanwhile.
    let lesson = format!("/api/v1/lessons/{}", lessons[1]);
    expect_error(
        app.get(&lesson, Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    expect_error(
        app.post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&buyer),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await,
        StatusCode::CONFLICT,
        "payment_in_progress",
    )
    .await;
    // The bank's answer arrives as a payment event.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let now = json_of(app.get(&format!("/api/v1/orders/{id}"), Some(&buyer)).await).await;
        if now["status"] == "paid" {
            break;
        }
        assert!(std::time::Instant::now() < deadline, "not confirmed: {now}");
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE succeeded = TRUE")
            .await,
        1
    );
}
