//! Pay-per-use: one lesson bought on its own.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(a_single_lesson_is_bought_on_its_own);

async fn order_lesson(
    app: &TestApp,
    token: &str,
    product: &str,
    lesson: &str,
    key: &str,
    extra: Value,
) -> reqwest::Response {
    let mut body =
        json!({"product_id": product, "lesson_id": lesson, "currency": "USD", "country": "US"});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.order_with(token, key, body).await
}

async fn a_single_lesson_is_bought_on_its_own(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let prices = |lesson: &str| format!("/api/v1/lessons/{lesson}/prices");
    let body = json!({"prices": [{"amount_minor": 299, "currency": "USD"}, {"amount_minor": 1900, "currency": "CNY"}]});

    // Only the creator prices a lesson, and a free preview cannot be sold.
    let (_, stranger) = app.with_role(Role::Creator).await;
    expect_error(
        app.put(&prices(&lessons[1]), Some(&stranger), body.clone())
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_error(
        app.put(&prices(&lessons[0]), Some(&creator), body.clone())
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_amount",
    )
    .await;
    expect_error(
        app.put(
            &prices(&lessons[1]),
            Some(&creator),
            json!({"prices": [{"amount_minor": -5, "currency": "USD"}]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_amount",
    )
    .await;
    let set = app.put(&prices(&lessons[1]), Some(&creator), body).await;
    assert_eq!(set.status(), StatusCode::OK);
    let shown = json_of(app.get(&prices(&lessons[1]), None).await).await;
    assert_eq!(shown["prices"].as_array().map(Vec::len), Some(2));

    let buyer = app.learner().await;
    let lesson = |id: &str| format!("/api/v1/lessons/{id}");
    expect_error(
        app.get(&lesson(&lessons[1]), Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    // Lessons without their own price, coupons and gifts are refused.
    expect_error(
        order_lesson(app, &buyer, &product, &lessons[2], "l2", json!({})).await,
        StatusCode::CONFLICT,
        "not_for_sale",
    )
    .await;
    expect_error(
        order_lesson(
            app,
            &buyer,
            &product,
            &lessons[1],
            "c",
            json!({"coupon": "LAUNCH"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "coupon_not_applicable",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 0);

    let order =
        json_of(order_lesson(app, &buyer, &product, &lessons[1], "l1", json!({})).await).await;
    assert_eq!(
        order["total"],
        json!({"amount_minor": 299, "currency": "USD"})
    );
    assert_eq!(order["lesson_id"], lessons[1].as_str());
    let id = order["id"].as_str().unwrap_or_default().to_owned();
    let paid = app
        .post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&buyer),
            json!({"card_number": "4242 4242 4242 4242"}),
        )
        .await;
    assert_eq!(paid.status(), StatusCode::OK);

    // That lesson opens; the rest of the course does not, and the course is not theirs.
    assert_eq!(
        app.get(&lesson(&lessons[1]), Some(&buyer)).await.status(),
        StatusCode::OK
    );
    expect_error(
        app.get(&lesson(&lessons[2]), Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    let library = json_of(app.get("/api/v1/library", Some(&buyer)).await).await;
    assert_eq!(library["items"], json!([]));
    expect_error(
        order_lesson(app, &buyer, &product, &lessons[1], "again", json!({})).await,
        StatusCode::CONFLICT,
        "already_owned",
    )
    .await;
    // Someone holding the course has nothing to buy.
    let holder = app.learner().await;
    app.buy(&holder, &product).await;
    expect_error(
        order_lesson(app, &holder, &product, &lessons[1], "h", json!({})).await,
        StatusCode::CONFLICT,
        "already_owned",
    )
    .await;
    assert!(crate::cli::verify(app).status.success());

    // A full refund takes the lesson back.
    let refunded = app
        .post(
            &format!("/api/v1/orders/{id}/refunds"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(refunded.status(), StatusCode::CREATED);
    expect_error(
        app.get(&lesson(&lessons[1]), Some(&buyer)).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    assert!(crate::cli::verify(app).status.success());
}
