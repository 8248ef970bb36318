use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(
    only_buyers_review_and_ratings_add_up,
    ratings_filter_and_sort_search_and_reach_recommendations,
);

async fn reviews_of(app: &TestApp, product: &str, token: Option<&str>) -> Value {
    json_of(
        app.get(&format!("/api/v1/products/{product}/reviews"), token)
            .await,
    )
    .await
}

async fn only_buyers_review_and_ratings_add_up(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let path = format!("/api/v1/products/{product}/review");
    let review = |stars: i64, body: &str| json!({"rating": stars, "body": body});
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let stranger = app.learner().await;

    // Who may not review, and bad input: clear errors, nothing written.
    expect_error(
        app.put(&path, None, review(5, "")).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.put(&path, Some(&stranger), review(5, "")).await,
        StatusCode::FORBIDDEN,
        "review_requires_purchase",
    )
    .await;
    expect_error(
        app.put(&path, Some(&creator), review(5, "mine is best"))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    for stars in [0, 6, -1, 1_000_000_000_000] {
        expect_error(
            app.put(&path, Some(&buyer), review(stars, "")).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_rating",
        )
        .await;
    }
    expect_error(
        app.put(&path, Some(&buyer), review(4, &"x".repeat(4_001)))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "text_too_long",
    )
    .await;
    let zh = app
        .client
        .put(app.url(&format!("{path}?lang=zh-CN")))
        .bearer_auth(&stranger)
        .json(&review(5, ""))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let zh = expect_error(zh, StatusCode::FORBIDDEN, "review_requires_purchase").await;
    assert!(
        zh["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("评价")
    );
    expect_error(
        app.put(
            &format!("/api/v1/products/{}/review", uuid::Uuid::new_v4()),
            Some(&buyer),
            review(4, ""),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let none = reviews_of(app, &product, None).await;
    assert_eq!(none["rating"]["count"], 0, "{none}");
    assert!(none["rating"]["average"].is_null());
    assert_eq!(none["can_review"], false);

    // The buyer reviews, then changes their mind: still one review.
    let written = app
        .put(&path, Some(&buyer), review(4, " Clear and kind. "))
        .await;
    assert_eq!(written.status(), StatusCode::OK);
    assert_eq!(json_of(written).await["body"], "Clear and kind.");
    let mine = reviews_of(app, &product, Some(&buyer)).await;
    assert_eq!(mine["can_review"], true);
    assert_eq!(mine["mine"]["rating"], 4);
    assert_eq!(mine["rating"]["average"], 4.0);
    let rewritten = app.put(&path, Some(&buyer), review(2, "Too fast.")).await;
    assert_eq!(rewritten.status(), StatusCode::OK);
    let second = app.learner().await;
    app.buy(&second, &product).await;
    assert_eq!(
        app.put(&path, Some(&second), review(5, "")).await.status(),
        StatusCode::OK
    );
    let all = reviews_of(app, &product, None).await;
    assert_eq!(all["rating"]["count"], 2, "{all}");
    assert_eq!(all["rating"]["average"], 3.5);
    assert_eq!(all["items"].as_array().map(Vec::len), Some(2));
    assert_eq!(all["items"][1]["body"], "Too fast.");
    assert_eq!(all["items"][1]["rating"], 2);

    // Listings and the product page carry the average.
    let detail = json_of(app.get(&format!("/api/v1/products/{product}"), None).await).await;
    assert_eq!(detail["rating"]["average"], 3.5, "{detail}");
    let page = app.text(&format!("/products/{product}")).await;
    assert!(page.contains("★ 3.5 (2 ratings)"), "{page}");
    assert!(page.contains("Too fast."));
    let page_zh = app
        .client
        .get(app.url(&format!("/products/{product}")))
        .header("accept-language", "zh-CN")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(
        page_zh.contains("★ 3.5（2 条评分）"),
        "{}",
        page_zh
            .lines()
            .filter(|l| l.contains("★"))
            .collect::<Vec<_>>()
            .join("\n")
    );
}

async fn ratings_filter_and_sort_search_and_reach_recommendations(app: &TestApp) {
    let (good, _, _) = app.published_course().await;
    let (poor, _, _) = app.published_course().await;
    let (unrated, _, _) = app.published_course().await;
    let buyer = app.learner().await;
    for p in [&good, &poor] {
        app.buy(&buyer, p).await;
    }
    for (p, stars) in [(&good, 5), (&poor, 2)] {
        let r = app
            .put(
                &format!("/api/v1/products/{p}/review"),
                Some(&buyer),
                json!({"rating": stars}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let ids = |body: &Value| -> Vec<String> {
        body["items"]
            .as_array()
            .map(|i| {
                i.iter()
                    .filter_map(|p| p["id"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let four_up = json_of(app.get("/api/v1/search?q=rust&min_rating=4", None).await).await;
    assert_eq!(ids(&four_up), vec![good.clone()], "{four_up}");
    let by_rating = json_of(app.get("/api/v1/search?q=rust&sort=rating", None).await).await;
    assert_eq!(
        ids(&by_rating),
        vec![good.clone(), poor.clone(), unrated.clone()]
    );
    expect_error(
        app.get("/api/v1/search?q=rust&min_rating=9", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_rating",
    )
    .await;
    let page = app.text("/search?q=rust&min_rating=4&sort=rating").await;
    assert_eq!(page.matches("data-test=\"search-result\"").count(), 1);
    let any = app.text("/search?q=rust&min_rating=").await;
    assert_eq!(any.matches("data-test=\"search-result\"").count(), 3);

    // Reviews are a signal: the poorly rated course has two buyers, the well rated one
    // only one, yet after retraining the well rated one is the more popular.
    let second = app.learner().await;
    app.buy(&second, &poor).await;
    for who in [&buyer, &second] {
        let r = app
            .put(
                &format!("/api/v1/products/{poor}/review"),
                Some(who),
                json!({"rating": 1}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    app.app
        .refresh_recommendations()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let popular = json_of(app.get("/api/v1/recommendations", None).await).await;
    assert_eq!(
        ids(&popular).first(),
        Some(&good),
        "one five-star purchase outweighs two one-star ones: {popular}"
    );
}
