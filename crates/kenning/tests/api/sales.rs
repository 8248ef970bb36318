use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(a_limited_time_sale_lowers_the_price_until_it_ends);

pub(crate) fn in_days(days: i64) -> String {
    (time::OffsetDateTime::now_utc() + time::Duration::days(days))
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

async fn a_limited_time_sale_lowers_the_price_until_it_ends(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let path = format!("/api/v1/products/{product}/sale");
    let stranger = app.learner().await;
    expect_error(
        app.put(
            &path,
            Some(&stranger),
            json!({"percent": 30, "ends_at": in_days(2)}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    for bad in [
        json!({"percent": 0, "ends_at": in_days(2)}),
        json!({"percent": 95, "ends_at": in_days(2)}),
        json!({"percent": 30, "ends_at": in_days(-1)}),
        json!({"percent": 30, "ends_at": in_days(400)}),
        json!({"percent": 30, "ends_at": "soon"}),
    ] {
        expect_error(
            app.put(&path, Some(&creator), bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_sale",
        )
        .await;
    }
    let r = app
        .put(
            &path,
            Some(&creator),
            json!({"percent": 30, "ends_at": in_days(2)}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);

    // 30 % off USD 14.99: 4.49 off (rounded down), 10.50 to pay.
    let detail = json_of(
        app.get(&format!("/api/v1/products/{product}?lang=en"), None)
            .await,
    )
    .await;
    assert_eq!(detail["sale"]["percent"], 30);
    assert_eq!(detail["sale"]["price"]["amount_minor"], 1050);
    let buyer = app.learner().await;
    let order = json_of(app.order(&buyer, &product, "sale-1").await).await;
    assert_eq!(order["total"]["amount_minor"], 1050);
    let page = app
        .client
        .get(app.url(&format!("/products/{product}")))
        .header("accept-language", "en")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        page.contains("data-test=\"sale-price\"") && page.contains("data-countdown"),
        "{page}"
    );

    // Ended, the list price is back.
    let r = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&creator)
        .send()
        .await;
    assert_eq!(r.map(|r| r.status()).ok(), Some(StatusCode::NO_CONTENT));
    let detail = json_of(app.get(&format!("/api/v1/products/{product}"), None).await).await;
    assert!(detail["sale"].is_null());
    let later = app.learner().await;
    let order = json_of(app.order(&later, &product, "sale-2").await).await;
    assert_eq!(order["total"]["amount_minor"], 1499);
}
