use reqwest::StatusCode;

use crate::helpers::{TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(recommendations_follow_purchases_and_explain_themselves);

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
