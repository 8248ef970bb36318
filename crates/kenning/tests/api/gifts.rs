use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;

on_both_databases!(a_gift_is_paid_by_one_and_claimed_by_the_person_it_is_for);

async fn a_gift_is_paid_by_one_and_claimed_by_the_person_it_is_for(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let lesson = format!("/api/v1/lessons/{}", lessons[1]);
    let giver = app.learner().await;
    // The giver may own it already: a gift is for someone else.
    app.buy(&giver, &product).await;
    let (friend, _) = app.with_role(Role::Learner).await;
    let friend_email = friend.account.email.as_str().to_owned();

    expect_error(
        app.client
            .post(app.url("/api/v1/orders"))
            .bearer_auth(&giver)
            .header("idempotency-key", "gift-bad")
            .json(&json!({"product_id": product, "gift_to": "not an address"}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_email",
    )
    .await;
    let order = json_of(
        app.client
            .post(app.url("/api/v1/orders"))
            .bearer_auth(&giver)
            .header("idempotency-key", "gift-1")
            .json(
                &json!({"product_id": product, "gift_to": friend_email.to_uppercase(),
                          "gift_message": "Happy birthday!"}),
            )
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await;
    let id = order["id"].as_str().unwrap_or_default().to_owned();
    // The same key for another recipient, or for oneself, is another request.
    for body in [
        json!({"product_id": product, "gift_to": "someone.else@example.com"}),
        json!({"product_id": product}),
    ] {
        expect_error(
            app.order_with(&giver, "gift-1", body).await,
            StatusCode::CONFLICT,
            "idempotency_key_reused",
        )
        .await;
    }
    let replay = app
        .order_with(
            &giver,
            "gift-1",
            json!({"product_id": product, "gift_to": friend_email.as_str()}),
        )
        .await;
    assert_eq!(json_of(replay).await["id"], id.as_str());
    let sent = json_of(app.get("/api/v1/gifts", Some(&giver)).await).await;
    let code = sent[0]["code"].as_str().unwrap_or_default().to_owned();
    assert_eq!(sent[0]["paid"], false);
    assert_eq!(sent[0]["to"], friend_email.as_str());

    // Not claimable before it is paid.
    let friend_token = token_of(app.login(&friend_email, PASSWORD).await).await;
    let claim = format!("/api/v1/gifts/{code}/claim");
    expect_error(
        app.post(&claim, Some(&friend_token), json!({})).await,
        StatusCode::CONFLICT,
        "gift_not_paid",
    )
    .await;
    let paid = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&giver),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await;
    assert_eq!(json_of(paid).await["status"], "paid");
    // The friend gets the claim link by mail, with the giver's message; nobody else does.
    let mail = app.mail_to(&friend_email, &format!("/gifts/{code}")).await;
    assert!(mail.subject.contains("gave you"), "{}", mail.subject);
    assert!(mail.text.contains("Happy birthday!"), "{}", mail.text);
    assert!(
        !app.mails_to(&friend_email)
            .await
            .iter()
            .any(|m| m.subject.contains("receipt")),
        "the receipt is the giver's"
    );
    // Paying grants nothing yet: the friend has no access until they claim.
    expect_error(
        app.get(&lesson, Some(&friend_token)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;

    // Someone else holding the link cannot take it.
    let other = app.learner().await;
    expect_error(
        app.post(&claim, Some(&other), json!({})).await,
        StatusCode::FORBIDDEN,
        "gift_for_someone_else",
    )
    .await;
    let shown = json_of(app.get(&format!("/api/v1/gifts/{code}"), None).await).await;
    assert_eq!(shown["message"], "Happy birthday!");
    assert_eq!(shown["claimed"], false);

    let claimed = json_of(app.post(&claim, Some(&friend_token), json!({})).await).await;
    assert_eq!(claimed["claimed"], true);
    assert_eq!(
        app.get(&lesson, Some(&friend_token)).await.status(),
        StatusCode::OK
    );
    // Claiming again is harmless; nobody else can claim it now.
    let again = app.post(&claim, Some(&friend_token), json!({})).await;
    assert_eq!(again.status(), StatusCode::OK);
    expect_error(
        app.post(&claim, Some(&other), json!({})).await,
        StatusCode::FORBIDDEN,
        "gift_for_someone_else",
    )
    .await;
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM entitlements WHERE source = 'gift'")
            .await,
        1
    );
    expect_error(
        app.get("/api/v1/gifts/no-such-code", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    // Someone with no account here gets the link too, greeted by their address.
    let order = json_of(
        app.order_with(
            &giver,
            "gift-2",
            json!({"product_id": product, "gift_to": "new.friend@example.com"}),
        )
        .await,
    )
    .await;
    let id = order["id"].as_str().unwrap_or_default();
    app.post(
        &format!("/api/v1/orders/{id}/pay"),
        Some(&giver),
        json!({"card_number": "4242 4242 4242 4242"}),
    )
    .await;
    let mail = app.mail_to("new.friend@example.com", "/gifts/").await;
    assert!(mail.text.contains("new.friend"), "{}", mail.text);
}
