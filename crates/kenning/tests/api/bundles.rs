use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(a_bundle_grants_its_products_and_partial_owners_pay_for_the_rest);

/// A published product by `creator` priced in USD, with one locked lesson.
async fn product(app: &TestApp, creator: &str, kind: &str, usd: i64) -> (String, String) {
    let created = app
        .post(
            "/api/v1/products",
            Some(creator),
            json!({"kind": kind, "title": {"en": format!("{kind} {usd}")},
                   "prices": [{"amount_minor": usd, "currency": "USD"}]}),
        )
        .await;
    let id = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let lesson = app
        .post(
            &format!("/api/v1/products/{id}/lessons"),
            Some(creator),
            json!({"title": {"en": "Inside"}}),
        )
        .await;
    let lesson = json_of(lesson).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    if kind != "bundle" {
        app.post(
            &format!("/api/v1/products/{id}/publish"),
            Some(creator),
            json!({}),
        )
        .await;
    }
    (id, lesson)
}

async fn a_bundle_grants_its_products_and_partial_owners_pay_for_the_rest(app: &TestApp) {
    let (_, _, creator) = app.published_course().await;
    let (report, report_lesson) = product(app, &creator, "report", 2000).await;
    let (ebook, ebook_lesson) = product(app, &creator, "ebook", 1000).await;
    let (bundle, _) = product(app, &creator, "bundle", 2400).await;
    let path = format!("/api/v1/products/{bundle}/bundle");

    // Only the creator's own products, not bundles or memberships, and not empty.
    let (other, _, _) = app.published_course().await;
    for bad in [
        json!({"products": []}),
        json!({"products": [other]}),
        json!({"products": [bundle]}),
    ] {
        expect_error(
            app.put(&path, Some(&creator), bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_bundle",
        )
        .await;
    }
    let r = app
        .put(&path, Some(&creator), json!({"products": [report, ebook]}))
        .await;
    assert_eq!(
        json_of(r).await["products"].as_array().map(Vec::len),
        Some(2)
    );
    let r = app
        .post(
            &format!("/api/v1/products/{bundle}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // A new buyer pays the bundle price and gets every item.
    let buyer = app.learner().await;
    app.buy(&buyer, &bundle).await;
    for lesson in [&report_lesson, &ebook_lesson] {
        let r = app
            .get(&format!("/api/v1/lessons/{lesson}"), Some(&buyer))
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let paid = app
        .scalar("SELECT CAST(MAX(amount_minor) AS BIGINT) FROM payments WHERE succeeded = TRUE")
        .await;
    assert_eq!(paid, 2400);

    // Someone who owns the report (2000 of 3000 list) pays a third of 2400.
    let partial = app.learner().await;
    app.buy(&partial, &report).await;
    let seen = json_of(app.get(&path, Some(&partial)).await).await;
    assert_eq!(seen["your_price"]["amount_minor"], 800);
    let order = json_of(app.order(&partial, &bundle, "bundle-partial").await).await;
    assert_eq!(order["total"]["amount_minor"], 800);

    // Owning everything, there is nothing left to buy.
    let whole = app.learner().await;
    app.buy(&whole, &report).await;
    app.buy(&whole, &ebook).await;
    expect_error(
        app.order(&whole, &bundle, "bundle-none").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "bundle_already_owned",
    )
    .await;

    // A full refund of the bundle takes back every item it granted.
    let bundle_order = json_of(app.get("/api/v1/orders", Some(&buyer)).await).await[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = app
        .post(
            &format!("/api/v1/orders/{bundle_order}/refunds"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(json_of(r).await["status"], "refunded");
    expect_error(
        app.get(&format!("/api/v1/lessons/{report_lesson}"), Some(&buyer))
            .await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
}
