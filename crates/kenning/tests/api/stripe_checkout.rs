//! Stripe as the payment provider: the buyer is sent to Stripe Checkout, the signed
//! `checkout.session.completed` event settles the order, refunds go to Stripe's API.
//! Stripe's API is played by a small local server that checks what Kenning sends
//! (the remote gateway cannot run here); webhooks are signed fixture events.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as AxumStatus};
use kenning::config::StripeSettings;
use kenning_payments::stripe::{DEFAULT_TOLERANCE_S, StripeWebhooks};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{Backend, STRIPE_TEST_SECRET, TestApp, expect_error, json_of};

const SECRET_KEY: &str = "sk_test_kenning_fixture";

/// One request the stand-in received: path, idempotency key, form fields.
type Seen = (String, String, HashMap<String, String>);

#[derive(Clone, Default)]
struct FakeStripe {
    seen: Arc<Mutex<Vec<Seen>>>,
}

impl FakeStripe {
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().map(|s| s.clone()).unwrap_or_default()
    }
}

async fn record(
    fake: &FakeStripe,
    path: &str,
    headers: &HeaderMap,
    form: HashMap<String, String>,
) -> Result<(), (AxumStatus, Json<Value>)> {
    let auth = headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    if auth != format!("Bearer {SECRET_KEY}") {
        return Err((
            AxumStatus::UNAUTHORIZED,
            Json(json!({"error": {"message": "Invalid API Key provided"}})),
        ));
    }
    let key = headers
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned();
    if let Ok(mut seen) = fake.seen.lock() {
        seen.push((path.to_owned(), key, form));
    }
    Ok(())
}

async fn sessions(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Json<Value>, (AxumStatus, Json<Value>)> {
    record(&fake, "/v1/checkout/sessions", &headers, form).await?;
    Ok(Json(json!({
        "id": "cs_test_1",
        "object": "checkout.session",
        "url": "https://checkout.stripe.test/c/pay/cs_test_1"
    })))
}

async fn refunds(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Json<Value>, (AxumStatus, Json<Value>)> {
    let amount = form.get("amount").cloned().unwrap_or_default();
    record(&fake, "/v1/refunds", &headers, form).await?;
    // The stand-in refuses one amount and fails on another, to see that neither changes
    // anything and that a refusal is told apart from an outage.
    if amount == "999" {
        return Err((
            AxumStatus::BAD_REQUEST,
            Json(json!({"error": {"type": "invalid_request_error",
                "message": "Refund amount exceeds the available balance"}})),
        ));
    }
    if amount == "777" {
        return Err((
            AxumStatus::SERVICE_UNAVAILABLE,
            Json(json!({"error": {"type": "api_error", "message": "try again later"}})),
        ));
    }
    Ok(Json(
        json!({"id": "re_test_1", "object": "refund", "status": "succeeded"}),
    ))
}

/// Reading a PaymentIntent back: the customer and card a membership's session saved.
async fn get_intent(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<Json<Value>, (AxumStatus, Json<Value>)> {
    record(
        &fake,
        &format!("GET /v1/payment_intents/{id}"),
        &headers,
        HashMap::new(),
    )
    .await?;
    Ok(Json(json!({
        "id": id, "object": "payment_intent", "status": "succeeded",
        "customer": "cus_test_1", "payment_method": "pm_test_1"
    })))
}

/// An off-session renewal charge of the saved card.
async fn create_intent(
    State(fake): State<FakeStripe>,
    headers: HeaderMap,
    axum::Form(form): axum::Form<HashMap<String, String>>,
) -> Result<Json<Value>, (AxumStatus, Json<Value>)> {
    let saved = form.get("customer").map(String::as_str) == Some("cus_test_1")
        && form.get("payment_method").map(String::as_str) == Some("pm_test_1")
        && form.get("off_session").map(String::as_str) == Some("true")
        && form.get("confirm").map(String::as_str) == Some("true");
    record(&fake, "/v1/payment_intents", &headers, form).await?;
    if !saved {
        return Err((
            AxumStatus::PAYMENT_REQUIRED,
            Json(json!({"error": {"message": "No such payment method"}})),
        ));
    }
    Ok(Json(
        json!({"id": "pi_renewal_1", "object": "payment_intent", "status": "succeeded"}),
    ))
}

async fn start_fake() -> (FakeStripe, String) {
    let fake = FakeStripe::default();
    let router = axum::Router::new()
        .route("/v1/checkout/sessions", axum::routing::post(sessions))
        .route("/v1/refunds", axum::routing::post(refunds))
        .route("/v1/payment_intents", axum::routing::post(create_intent))
        .route("/v1/payment_intents/{id}", axum::routing::get(get_intent))
        .with_state(fake.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (fake, format!("http://{addr}"))
}

fn with_stripe(base: String) -> impl FnOnce(&mut kenning::Settings) {
    move |settings| {
        settings.stripe = Some(StripeSettings {
            secret_key: SECRET_KEY.to_owned(),
            api_base: Some(base),
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_checkout_settles_and_refunds_on_sqlite() {
    let (fake, base) = start_fake().await;
    let app = TestApp::spawn_with(Backend::Sqlite, with_stripe(base)).await;
    scenario(&app, &fake).await;
    two_paid_pages_for_one_course_charge_once(&app, &fake).await;
    // Last: it moves the clock forward.
    memberships_renew_with_the_saved_card(&app, &fake).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stripe_checkout_settles_and_refunds_on_postgres() {
    let (fake, base) = start_fake().await;
    let Some(app) = TestApp::spawn_postgres_with(with_stripe(base)).await else {
        return;
    };
    scenario(&app, &fake).await;
    two_paid_pages_for_one_course_charge_once(&app, &fake).await;
    // Last: it moves the clock forward.
    memberships_renew_with_the_saved_card(&app, &fake).await;
    app.finish().await;
}

fn now_s() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_secs()).unwrap_or(0))
}

fn session_event(kind: &str, order: &str, amount: i64, status: &str) -> Vec<u8> {
    session_event_paid_by(kind, order, amount, status, "pi_test_1")
}

fn session_event_paid_by(
    kind: &str,
    order: &str,
    amount: i64,
    status: &str,
    intent: &str,
) -> Vec<u8> {
    json!({
        "id": format!("evt_{kind}_{order}"),
        "object": "event",
        "type": kind,
        "data": {"object": {
            "id": "cs_test_1",
            "object": "checkout.session",
            "amount_total": amount,
            "currency": "usd",
            "payment_intent": intent,
            "payment_status": status,
            "metadata": {"order_id": order}
        }}
    })
    .to_string()
    .into_bytes()
}

async fn deliver(app: &TestApp, body: Vec<u8>) -> reqwest::Response {
    let signature =
        StripeWebhooks::new(STRIPE_TEST_SECRET, DEFAULT_TOLERANCE_S).sign(&body, now_s());
    app.client
        .post(app.url("/api/v1/webhooks/stripe"))
        .header("content-type", "application/json")
        .header("stripe-signature", signature)
        .body(body)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn scenario(app: &TestApp, fake: &FakeStripe) {
    let (product, lessons, creator) = app.published_course().await;
    let buyer = app.learner().await;
    let order = json_of(
        app.order_with(
            &buyer,
            "stripe",
            json!({"product_id": product, "currency": "USD", "country": "US"}),
        )
        .await,
    )
    .await;
    let id = order["id"].as_str().unwrap_or_default().to_owned();

    // Cards are not typed into Kenning when Stripe takes the payments.
    expect_error(
        app.post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&buyer),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await,
        StatusCode::CONFLICT,
        "pay_on_provider_page",
    )
    .await;

    // The buyer is sent to a Checkout Session made out for the order.
    let session = format!("/api/v1/orders/{id}/checkout-session");
    let opened = json_of(app.post(&session, Some(&buyer), json!({})).await).await;
    assert_eq!(
        opened["url"],
        "https://checkout.stripe.test/c/pay/cs_test_1"
    );
    let seen = fake.seen();
    let (path, key, form) = seen.first().cloned().unwrap_or_default();
    assert_eq!(path, "/v1/checkout/sessions");
    assert_eq!(key, format!("checkout-{id}"));
    assert_eq!(
        form.get("line_items[0][price_data][unit_amount]")
            .map(String::as_str),
        Some("1499")
    );
    assert_eq!(
        form.get("line_items[0][price_data][currency]")
            .map(String::as_str),
        Some("usd")
    );
    assert_eq!(form.get("metadata[order_id]"), Some(&id));
    assert_eq!(
        form.get("payment_intent_data[metadata][order_id]"),
        Some(&id)
    );
    assert!(
        form.get("success_url")
            .is_some_and(|u| u.ends_with(&format!("/orders/{id}?paying=1")))
    );
    // Someone else's order opens nothing.
    let stranger = app.learner().await;
    expect_error(
        app.post(&session, Some(&stranger), json!({})).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(fake.seen().len(), 1);
    // Starting again asks for the same page; once Stripe says it expired, a new one.
    let last_key = || fake.seen().last().map(|(_, k, _)| k.clone());
    assert_eq!(
        app.post(&session, Some(&buyer), json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(last_key(), Some(format!("checkout-{id}")));
    let expired = deliver(
        app,
        session_event("checkout.session.expired", &id, 1499, "unpaid"),
    )
    .await;
    assert_eq!(expired.status(), StatusCode::OK);
    let pending = json_of(app.get(&format!("/api/v1/orders/{id}"), Some(&buyer)).await).await;
    assert_eq!(pending["status"], "pending");
    assert_eq!(
        app.post(&session, Some(&buyer), json!({})).await.status(),
        StatusCode::OK
    );
    assert_eq!(last_key(), Some(format!("checkout-{id}-1")));
    assert_eq!(fake.seen().len(), 3);

    // Stripe's event settles the order, once.
    let lesson = format!("/api/v1/lessons/{}", lessons[1]);
    expect_error(
        app.get(&lesson, Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    let done = deliver(
        app,
        session_event("checkout.session.completed", &id, 1499, "paid"),
    )
    .await;
    assert_eq!(done.status(), StatusCode::OK);
    let again = deliver(
        app,
        session_event("checkout.session.completed", &id, 1499, "paid"),
    )
    .await;
    assert_eq!(json_of(again).await["status"], "duplicate");
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );
    let paid = json_of(app.get(&format!("/api/v1/orders/{id}"), Some(&buyer)).await).await;
    assert_eq!(paid["status"], "paid");
    // A paid order opens no new page.
    let reopened = json_of(app.post(&session, Some(&buyer), json!({})).await).await;
    assert_eq!(reopened["url"], Value::Null);

    // Refunds go to Stripe, keyed by the refund; a refused one changes nothing.
    let refund = |amount: i64| {
        let path = format!("/api/v1/orders/{id}/refunds");
        let creator = creator.clone();
        async move {
            app.post(&path, Some(&creator), json!({"amount_minor": amount}))
                .await
        }
    };
    assert_eq!(refund(500).await.status(), StatusCode::CREATED);
    let (path, key, form) = fake.seen().last().cloned().unwrap_or_default();
    assert_eq!(path, "/v1/refunds");
    assert_eq!(
        form.get("payment_intent").map(String::as_str),
        Some("pi_test_1")
    );
    assert_eq!(form.get("amount").map(String::as_str), Some("500"));
    assert!(!key.is_empty());
    let refused = refund(999).await;
    crate::helpers::expect_error(refused, StatusCode::BAD_GATEWAY, "payment_provider_error").await;
    let down = refund(777).await;
    crate::helpers::expect_error(
        down,
        StatusCode::SERVICE_UNAVAILABLE,
        "payment_provider_unavailable",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM refunds").await, 1);
    // The refused refund let go of its claim: another may run.
    assert_eq!(refund(100).await.status(), StatusCode::CREATED);
    assert!(crate::cli::verify(app).status.success());
}

/// A membership bought on Stripe Checkout keeps the card, and a month later its renewal
/// charges it off-session.
async fn memberships_renew_with_the_saved_card(app: &TestApp, fake: &FakeStripe) {
    let (_, creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({"kind": "membership", "title": {"en": "All access"},
                   "prices": [{"amount_minor": 999, "currency": "USD"}]}),
        )
        .await;
    let tier = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let plan = app
        .put(
            &format!("/api/v1/products/{tier}/membership"),
            Some(&creator),
            json!({"interval": "monthly", "all_of_creator": true}),
        )
        .await;
    assert_eq!(plan.status(), StatusCode::OK);
    let published = app
        .post(
            &format!("/api/v1/products/{tier}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);

    let (member, member_token) = app.with_role(kenning_domain::account::Role::Learner).await;
    let order = json_of(
        app.order_with(
            &member_token,
            "member",
            json!({"product_id": tier, "currency": "USD", "country": "US"}),
        )
        .await,
    )
    .await;
    let id = order["id"].as_str().unwrap_or_default().to_owned();
    let opened = app
        .post(
            &format!("/api/v1/orders/{id}/checkout-session"),
            Some(&member_token),
            json!({}),
        )
        .await;
    assert_eq!(opened.status(), StatusCode::OK);
    let (_, _, form) = fake.seen().last().cloned().unwrap_or_default();
    assert_eq!(
        form.get("payment_intent_data[setup_future_usage]")
            .map(String::as_str),
        Some("off_session")
    );
    assert_eq!(
        form.get("customer_creation").map(String::as_str),
        Some("always")
    );
    let done = deliver(
        app,
        session_event_paid_by(
            "checkout.session.completed",
            &id,
            999,
            "paid",
            "pi_member_1",
        ),
    )
    .await;
    assert_eq!(done.status(), StatusCode::OK);
    assert!(
        fake.seen()
            .iter()
            .any(|(path, _, _)| path == "GET /v1/payment_intents/pi_member_1")
    );
    let before = json_of(app.get("/api/v1/subscriptions", Some(&member_token)).await).await;
    assert_eq!(before[0]["status"], "active");

    // A month on, the renewal charges the saved card off-session.
    let (_, admin) = app.with_role(kenning_domain::account::Role::Admin).await;
    let moved = app
        .post(
            "/api/v1/admin/clock",
            Some(&admin),
            json!({"advance_days": 31}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let (path, _, form) = fake.seen().last().cloned().unwrap_or_default();
    assert_eq!(path, "/v1/payment_intents");
    assert_eq!(form.get("amount").map(String::as_str), Some("999"));
    assert_eq!(form.get("currency").map(String::as_str), Some("usd"));
    let member_token = crate::helpers::token_of(
        app.login(member.account.email.as_str(), crate::helpers::PASSWORD)
            .await,
    )
    .await;
    let after = json_of(app.get("/api/v1/subscriptions", Some(&member_token)).await).await;
    assert_eq!(after[0]["status"], "active");
    assert_ne!(after[0]["period_end"], before[0]["period_end"], "{after}");
    assert!(crate::cli::verify(app).status.success());
}

/// Two tabs each open a Checkout Session for the same course and both are paid on
/// Stripe's page: the first settles, the second (its money taken) is booked and refunded
/// in full through Stripe's API, and a third tab gets no page at all.
async fn two_paid_pages_for_one_course_charge_once(app: &TestApp, fake: &FakeStripe) {
    let (product, lessons, _) = app.published_course().await;
    let buyer = app.learner().await;
    let mut orders = Vec::new();
    let mut total = 0;
    for tab in ["tab-1", "tab-2", "tab-3"] {
        let order = json_of(
            app.order_with(
                &buyer,
                tab,
                json!({"product_id": product, "currency": "USD", "country": "US"}),
            )
            .await,
        )
        .await;
        total = order["total"]["amount_minor"].as_i64().unwrap_or_default();
        orders.push(order["id"].as_str().unwrap_or_default().to_owned());
    }
    for order in &orders[..2] {
        let r = app
            .post(
                &format!("/api/v1/orders/{order}/checkout-session"),
                Some(&buyer),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let refunds_before = fake
        .seen()
        .iter()
        .filter(|(path, _, _)| path == "/v1/refunds")
        .count();
    // Both pages are paid, and Stripe's events arrive at once.
    let events = orders[..2].iter().enumerate().map(|(i, order)| {
        deliver(
            app,
            session_event_paid_by(
                "checkout.session.completed",
                order,
                total,
                "paid",
                &format!("pi_tab_{i}"),
            ),
        )
    });
    for answer in futures::future::join_all(events).await {
        assert_eq!(answer.status(), StatusCode::OK, "{:?}", answer.text().await);
    }
    let mut statuses = Vec::new();
    for order in &orders[..2] {
        let o = json_of(
            app.get(&format!("/api/v1/orders/{order}"), Some(&buyer))
                .await,
        )
        .await;
        statuses.push(o["status"].as_str().unwrap_or_default().to_owned());
    }
    statuses.sort();
    assert_eq!(
        statuses,
        ["paid", "refunded"],
        "both payments are booked, one refunded"
    );
    let refunded: Vec<i64> = {
        let mut out = Vec::new();
        for order in &orders[..2] {
            let sql = format!(
                "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM refunds WHERE order_id = '{order}'"
            );
            let row: (i64,) = sqlx::query_as(sqlx::AssertSqlSafe(sql))
                .fetch_one(&app.db)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            out.push(row.0);
        }
        out
    };
    refunded
        .iter()
        .for_each(|r| assert!(*r == 0 || *r == total));
    assert_eq!(
        refunded.iter().sum::<i64>(),
        total,
        "exactly one is refunded in full"
    );
    let refunds: Vec<Seen> = fake
        .seen()
        .into_iter()
        .filter(|(path, _, _)| path == "/v1/refunds")
        .collect();
    assert_eq!(refunds.len(), refunds_before + 1);
    assert_eq!(
        refunds
            .last()
            .and_then(|(_, _, form)| form.get("amount"))
            .map(String::as_str),
        Some(total.to_string().as_str())
    );
    // The course is open, once.
    let lesson = app
        .get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&buyer))
        .await;
    assert_eq!(lesson.status(), StatusCode::OK);
    // The third tab is released instead of sent to a page.
    expect_error(
        app.post(
            &format!("/api/v1/orders/{}/checkout-session", orders[2]),
            Some(&buyer),
            json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_owned",
    )
    .await;
}
