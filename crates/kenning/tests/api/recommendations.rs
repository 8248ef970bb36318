use reqwest::StatusCode;

use crate::helpers::{TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(
    recommendations_follow_purchases_and_explain_themselves,
    views_and_new_products_reach_recommendations,
);

async fn recommendations_follow_purchases_and_explain_themselves(app: &TestApp) {
    let (p1, _, _) = app.published_course().await;
    let (p2, _, _) = app.published_course().await;
    let (p3, _, _) = app.published_course().await;
    let (a, b, c) = (
        app.learner().await,
        app.learner().await,
        app.learner().await,
    );
    app.buy(&a, &p1).await;
    app.buy(&a, &p2).await;
    app.buy(&b, &p1).await;
    app.buy(&c, &p3).await;

    // Before training there is nothing to say.
    let empty = json_of(app.get("/api/v1/recommendations", None).await).await;
    assert_eq!(empty["items"].as_array().map(Vec::len), Some(0));

    app.app
        .refresh_recommendations()
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // B bought P1; A bought P1 and P2: P2 for B, because of P1.
    let for_b = json_of(app.get("/api/v1/recommendations", Some(&b)).await).await;
    let first = &for_b["items"][0];
    assert_eq!(first["id"], p2.as_str(), "{for_b}");
    assert_eq!(first["reason"]["code"], "because_you_bought");
    assert_eq!(first["reason"]["product_id"], p1.as_str());
    assert!(
        first["reason"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("Rust in Practice")
    );
    let owned = for_b["items"].as_array().cloned().unwrap_or_default();
    assert!(
        owned.iter().all(|i| i["id"] != p1.as_str()),
        "never what B owns"
    );

    let zh = app
        .client
        .get(app.url("/api/v1/recommendations?lang=zh-CN"))
        .bearer_auth(&b)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let zh = json_of(zh).await;
    assert!(
        zh["items"][0]["reason"]["text"]
            .as_str()
            .unwrap_or_default()
            .contains("因为你购买了")
    );

    // Visitors get the most bought, P1 first (two buyers).
    let popular = json_of(app.get("/api/v1/recommendations", None).await).await;
    assert_eq!(popular["items"][0]["id"], p1.as_str());
    assert_eq!(popular["items"][0]["reason"]["code"], "popular");

    let also = json_of(
        app.get(&format!("/api/v1/products/{p1}/also-bought"), None)
            .await,
    )
    .await;
    let ids: Vec<_> = also["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| i["id"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(
        ids,
        vec![p2.clone()],
        "P3 was bought by someone else entirely"
    );
    assert_eq!(
        app.get(
            &format!("/api/v1/products/{}/also-bought", uuid::Uuid::new_v4()),
            None
        )
        .await
        .status(),
        StatusCode::NOT_FOUND
    );

    // The pages show the same shelves.
    let home = app.text("/").await;
    assert!(home.contains("Popular with learners"));
    let page = app.text(&format!("/products/{p1}")).await;
    assert!(page.contains("People who bought this also bought"));
}

/// Besides purchases, page views are a signal; and a product nobody has bought yet is
/// suggested through what it is about (its tags, kind and languages).
async fn views_and_new_products_reach_recommendations(app: &TestApp) {
    let (p1, _, _) = app.published_course().await;
    let (p2, _, _) = app.published_course().await;
    let a = app.learner().await;
    app.buy(&a, &p1).await;
    app.buy(&a, &p2).await;

    // V owns nothing but looks at P1 (twice: it counts once per window).
    let v = app.learner().await;
    for _ in 0..2 {
        let seen = app.get(&format!("/api/v1/products/{p1}"), Some(&v)).await;
        assert_eq!(seen.status(), StatusCode::OK);
    }
    app.app
        .refresh_recommendations()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let for_v = json_of(app.get("/api/v1/recommendations", Some(&v)).await).await;
    let first = &for_v["items"][0];
    assert_eq!(first["id"], p2.as_str(), "{for_v}");
    assert_eq!(first["reason"]["code"], "because_you_viewed");
    assert_eq!(first["reason"]["product_id"], p1.as_str());
    assert!(
        first["reason"]["text"]
            .as_str()
            .unwrap_or_default()
            .starts_with("Because you looked at"),
        "{for_v}"
    );

    // A new course on the same subject, bought by nobody, reaches A after retraining.
    let (p3, _, _) = app.published_course().await;
    app.app
        .refresh_recommendations()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let for_a = json_of(app.get("/api/v1/recommendations", Some(&a)).await).await;
    let ids: Vec<&str> = for_a["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(ids, vec![p3.as_str()], "{for_a}");
    assert_eq!(for_a["items"][0]["reason"]["code"], "because_you_bought");

    // Popularity still counts purchases first: views alone do not outrank them.
    let popular = json_of(app.get("/api/v1/recommendations", None).await).await;
    let top: Vec<&str> = popular["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|i| i["id"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(top.first(), Some(&p1.as_str()), "{popular}");
}
