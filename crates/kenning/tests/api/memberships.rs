use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;

on_both_databases!(
    a_membership_renews_can_be_cancelled_and_access_follows_it,
    a_failed_renewal_keeps_access_through_grace_then_ends_it,
    a_membership_that_ends_stops_its_podcast_feeds,
    a_member_is_told_before_a_renewal_and_when_it_renews_fails_or_ends,
);

/// A monthly tier (USD 9.99) by the course's creator, granting all of their products.
async fn tier(app: &TestApp, creator: &str, body: Value) -> String {
    let created = app
        .post(
            "/api/v1/products",
            Some(creator),
            json!({"kind": "membership", "title": {"en": "All access"},
                   "prices": [{"amount_minor": 999, "currency": "USD"}]}),
        )
        .await;
    let id = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = app
        .put(
            &format!("/api/v1/products/{id}/membership"),
            Some(creator),
            body,
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            &format!("/api/v1/products/{id}/publish"),
            Some(creator),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "a tier needs no lessons");
    id
}

async fn subscribe(app: &TestApp, buyer: &str, tier: &str, card: &str) {
    let order = json_of(app.order(buyer, tier, &format!("sub-{tier}")).await).await;
    let id = order["id"].as_str().unwrap_or_default();
    let paid = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(buyer),
            json!({"card_number": card}),
        )
        .await;
    assert_eq!(json_of(paid).await["status"], "paid");
}

/// People who log in again after the clock moves (a month outlives a session).
struct People {
    admin: String,
    buyer: String,
}

impl People {
    async fn new(app: &TestApp) -> People {
        let (admin, _) = app.with_role(Role::Admin).await;
        let (buyer, _) = app.with_role(Role::Learner).await;
        People {
            admin: admin.account.email.as_str().to_owned(),
            buyer: buyer.account.email.as_str().to_owned(),
        }
    }

    async fn token(app: &TestApp, email: &str) -> String {
        token_of(app.login(email, PASSWORD).await).await
    }

    async fn buyer(&self, app: &TestApp) -> String {
        People::token(app, &self.buyer).await
    }
}

/// Moves the test clock forward; answers a fresh token for the buyer. Mail still being
/// sent is let finish first: a jump of days would make its worker's lease look expired,
/// and another worker would send it again (a clock never jumps outside tests).
async fn advance(app: &TestApp, people: &People, days: i64) -> String {
    app.mails_to(&people.buyer).await;
    let admin = People::token(app, &people.admin).await;
    let r = app
        .post(
            "/api/v1/admin/clock",
            Some(&admin),
            json!({"advance_days": days}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    people.buyer(app).await
}

async fn subscription(app: &TestApp, buyer: &str) -> Value {
    json_of(app.get("/api/v1/subscriptions", Some(buyer)).await).await[0].clone()
}

async fn a_membership_renews_can_be_cancelled_and_access_follows_it(app: &TestApp) {
    let (course, lessons, creator) = app.published_course().await;
    let lesson = format!("/api/v1/lessons/{}", lessons[1]);
    // Bad plans are refused.
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({"kind": "membership", "title": {"en": "Nothing"},
                   "prices": [{"amount_minor": 500, "currency": "USD"}]}),
        )
        .await;
    let empty = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for bad in [
        json!({"interval": "weekly", "all_of_creator": true}),
        json!({"interval": "monthly", "all_of_creator": false, "products": []}),
    ] {
        expect_error(
            app.put(
                &format!("/api/v1/products/{empty}/membership"),
                Some(&creator),
                bad,
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_membership",
        )
        .await;
    }
    let (other, _, _) = app.published_course().await;
    expect_error(
        app.put(
            &format!("/api/v1/products/{empty}/membership"),
            Some(&creator),
            json!({"interval": "monthly", "products": [other]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_membership",
    )
    .await;

    let tier = tier(
        app,
        &creator,
        json!({"interval": "monthly", "all_of_creator": true}),
    )
    .await;
    let plan = json_of(
        app.get(&format!("/api/v1/products/{tier}/membership"), None)
            .await,
    )
    .await;
    assert_eq!(plan["grants"][0]["id"], course.as_str());

    let people = People::new(app).await;
    let buyer = people.buyer(app).await;
    expect_error(
        app.get(&lesson, Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    subscribe(app, &buyer, &tier, "4242 4242 4242 4242").await;
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );
    let first = subscription(app, &buyer).await;
    assert_eq!(first["status"], "active");
    // Subscribing twice is refused while it runs.
    expect_error(
        app.order(&buyer, &tier, "again").await,
        StatusCode::CONFLICT,
        "already_owned",
    )
    .await;

    // A month on, it renews: a second paid order, a later period end, access kept.
    let buyer = advance(app, &people, 31).await;
    let renewed = subscription(app, &buyer).await;
    assert_eq!(renewed["status"], "active");
    assert_ne!(renewed["period_end"], first["period_end"]);
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1 + 1
    );
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );

    // Cancelled, it runs to the end of the period, then access ends; it can be taken back
    // before that.
    let id = renewed["id"].as_str().unwrap_or_default().to_owned();
    let r = app
        .post(
            &format!("/api/v1/subscriptions/{id}/cancel"),
            Some(&buyer),
            json!({}),
        )
        .await;
    assert_eq!(json_of(r).await["status"], "canceled");
    let r = app
        .post(
            &format!("/api/v1/subscriptions/{id}/resume"),
            Some(&buyer),
            json!({}),
        )
        .await;
    assert_eq!(json_of(r).await["status"], "active");
    let stranger = app.learner().await;
    expect_error(
        app.post(
            &format!("/api/v1/subscriptions/{id}/cancel"),
            Some(&stranger),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    app.post(
        &format!("/api/v1/subscriptions/{id}/cancel"),
        Some(&buyer),
        json!({}),
    )
    .await;
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );
    let buyer = advance(app, &people, 31).await;
    assert_eq!(subscription(app, &buyer).await["status"], "expired");
    expect_error(
        app.get(&lesson, Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        2,
        "no charge after cancelling"
    );

    // Subscribing again starts a new period.
    let again = json_of(app.order(&buyer, &tier, "comeback").await).await;
    let id = again["id"].as_str().unwrap_or_default();
    app.post(
        &format!("/api/v1/orders/{id}/pay"),
        Some(&buyer),
        json!({"card_number": "4242 4242 4242 4242"}),
    )
    .await;
    assert_eq!(subscription(app, &buyer).await["status"], "active");
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );
}

async fn a_failed_renewal_keeps_access_through_grace_then_ends_it(app: &TestApp) {
    let (course, lessons, creator) = app.published_course().await;
    let tier = tier(
        app,
        &creator,
        json!({"interval": "monthly", "all_of_creator": false, "products": [course]}),
    )
    .await;
    let lesson = format!("/api/v1/lessons/{}", lessons[1]);
    let people = People::new(app).await;
    let buyer = people.buyer(app).await;
    // This card pays today, but its renewals are declined.
    subscribe(app, &buyer, &tier, "4000 0000 0000 0341").await;
    let buyer = advance(app, &people, 30).await;
    let due = subscription(app, &buyer).await;
    assert_eq!(due["status"], "past_due");
    assert!(due["grace_until"].is_string());
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK,
        "grace"
    );
    let buyer = advance(app, &people, 4).await;
    assert_eq!(subscription(app, &buyer).await["status"], "expired");
    expect_error(
        app.get(&lesson, Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        1
    );
    // Learners cannot move the clock.
    expect_error(
        app.post(
            "/api/v1/admin/clock",
            Some(&buyer),
            json!({"advance_days": 1}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

async fn a_membership_that_ends_stops_its_podcast_feeds(app: &TestApp) {
    let (series, creator) = crate::media::audio_series(app).await;
    let tier = tier(
        app,
        &creator,
        json!({"interval": "monthly", "all_of_creator": true}),
    )
    .await;
    let people = People::new(app).await;
    let buyer = people.buyer(app).await;
    subscribe(app, &buyer, &tier, "4242 4242 4242 4242").await;
    let feed = crate::media::feed_url_of(app, &buyer, &series)
        .await
        .unwrap_or_else(|| panic!("members get the series' feed"));
    let fetch = |url: String| async move {
        app.client
            .get(url)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .status()
    };
    assert_eq!(fetch(feed.clone()).await, StatusCode::OK);
    let id = subscription(app, &buyer).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.post(
        &format!("/api/v1/subscriptions/{id}/cancel"),
        Some(&buyer),
        json!({}),
    )
    .await;
    assert_eq!(
        fetch(feed.clone()).await,
        StatusCode::OK,
        "until the period ends"
    );
    let buyer = advance(app, &people, 31).await;
    assert_eq!(fetch(feed).await, StatusCode::NOT_FOUND);
    assert_eq!(crate::media::feed_url_of(app, &buyer, &series).await, None);
}

/// The kinds of the person's notifications, newest first.
async fn notices(app: &TestApp, token: &str) -> Vec<String> {
    let list = json_of(app.get("/api/v1/me/notifications", Some(token)).await).await;
    list["items"]
        .as_array()
        .map(|items| {
            items
                .iter()
                .map(|n| n["notice"]["type"].as_str().unwrap_or_default().to_owned())
                .collect()
        })
        .unwrap_or_default()
}

async fn a_member_is_told_before_a_renewal_and_when_it_renews_fails_or_ends(app: &TestApp) {
    let (_, _, creator) = app.published_course().await;
    let tier = tier(
        app,
        &creator,
        json!({"interval": "monthly", "all_of_creator": true}),
    )
    .await;
    let people = People::new(app).await;
    let (failing, _) = app.with_role(Role::Learner).await;
    let failing_email = failing.account.email.as_str().to_owned();
    let buyer = people.buyer(app).await;
    subscribe(app, &buyer, &tier, "4242 4242 4242 4242").await;
    let token = People::token(app, &failing_email).await;
    subscribe(app, &token, &tier, "4000 0000 0000 0341").await;

    // Four days before the period ends: too early. Two days before: one reminder, in
    // the bell and by mail, naming the amount; a day later, no second one.
    let buyer = advance(app, &people, 26).await;
    assert!(notices(app, &buyer).await.is_empty());
    let buyer = advance(app, &people, 2).await;
    assert_eq!(notices(app, &buyer).await, ["renewal_soon"]);
    let mail = app.mail_to(&people.buyer, "renews on").await;
    assert!(mail.subject.contains("All access"), "{}", mail.subject);
    assert!(mail.text.contains("$9.99"), "{}", mail.text);
    assert!(mail.text.contains("/library#memberships"), "{}", mail.text);
    let buyer = advance(app, &people, 1).await;
    assert_eq!(notices(app, &buyer).await, ["renewal_soon"]);

    // It renews: the bell says so and the receipt comes by mail (no second mail for
    // the notice itself).
    let buyer = advance(app, &people, 2).await;
    assert_eq!(notices(app, &buyer).await, ["renewed", "renewal_soon"]);
    let receipts = app
        .mails_to(&people.buyer)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("receipt"))
        .count();
    assert_eq!(receipts, 2, "the first period's and the renewal's");
    assert!(
        !app.mails_to(&people.buyer)
            .await
            .iter()
            .any(|m| m.subject.contains("renewed")),
        "a renewal's notice is not mailed beside its receipt"
    );

    // The declined card: told once at the first failure (not at each retry), with the
    // date access lasts until, then told when it ends.
    let token = People::token(app, &failing_email).await;
    let told = notices(app, &token).await;
    assert_eq!(told, ["renewal_failed", "renewal_soon"]);
    app.mail_to(&failing_email, "did not go through").await;
    advance(app, &people, 1).await;
    let token = People::token(app, &failing_email).await;
    assert_eq!(notices(app, &token).await, told, "retries are quiet");
    advance(app, &people, 3).await;
    let token = People::token(app, &failing_email).await;
    assert_eq!(notices(app, &token).await[0], "membership_ended");
    let ended = app.mail_to(&failing_email, "has ended").await;
    assert!(ended.subject.contains("All access"), "{}", ended.subject);

    // Someone who turned renewal mail off still sees it in the bell, without mail.
    let r = app
        .put(
            "/api/v1/me/notification-settings",
            Some(&buyer),
            json!({"mailed": ["answers"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let before = app.mails_to(&people.buyer).await.len();
    // (Day 35 now; the renewed period ends on day 60.)
    let buyer = advance(app, &people, 23).await;
    assert_eq!(notices(app, &buyer).await[0], "renewal_soon");
    assert_eq!(app.mails_to(&people.buyer).await.len(), before);
}
