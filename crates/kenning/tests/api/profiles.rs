//! Creators' public pages, and the product page as a buyer sees it.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(
    a_creator_has_a_public_page_with_their_words_and_products,
    a_creator_previews_a_draft_as_a_buyer_sees_it,
);

async fn a_creator_has_a_public_page_with_their_words_and_products(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let me = json_of(app.get("/api/v1/me", Some(&creator)).await).await;
    let id = me["id"].as_str().unwrap_or_default().to_owned();
    let email = me["email"].as_str().unwrap_or_default().to_owned();

    // Only creators write a biography, of bounded length.
    let learner = app.learner().await;
    expect_error(
        app.put(
            "/api/v1/me/creator-profile",
            Some(&learner),
            json!({"bio": "hi"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_error(
        app.put(
            "/api/v1/me/creator-profile",
            Some(&creator),
            json!({"bio": "字".repeat(2001)}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_bio",
    )
    .await;
    let bio = "I build Rust services.\n\n<script>alert(1)</script> and teach them.";
    let r = app
        .put(
            "/api/v1/me/creator-profile",
            Some(&creator),
            json!({"bio": bio}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let profile = json_of(app.get(&format!("/api/v1/creators/{id}"), None).await).await;
    assert_eq!(profile["bio"], bio);
    assert_eq!(profile["products"][0]["id"], product.as_str());
    // A learner, or no one, has no page.
    let learner_id = json_of(app.get("/api/v1/me", Some(&learner)).await).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (operator, _) = app.with_role(Role::Admin).await;
    for path in [
        format!("/api/v1/creators/{}", operator.account.id),
        format!("/api/v1/creators/{learner_id}"),
        "/api/v1/creators/not-an-id".to_owned(),
    ] {
        expect_error(
            app.get(&path, None).await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }

    // The page, in Chinese: the biography's paragraphs (escaped) and the product; the
    // product page links to it.
    let mut visitor = Browser::new(app, "zh-CN");
    let page = visitor.get(&format!("/creators/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("<p>I build Rust services.</p>"),
        "{}",
        page.body
    );
    assert!(page.body.contains("&lt;script&gt;") || page.body.contains("&#60;script&#62;"));
    assert!(page.body.contains("Rust 实战"));
    assert!(page.body.contains("自 "));
    let product_page = visitor.get(&format!("/products/{product}")).await;
    assert!(
        product_page
            .body
            .contains(&format!("href=\"/creators/{id}\""))
    );
    assert_eq!(
        visitor.get(&format!("/creators/{learner_id}")).await.status,
        StatusCode::NOT_FOUND
    );

    // The studio's form edits it.
    let mut studio = Browser::new(app, "en");
    studio.log_in(&email).await;
    let form = studio.get("/studio/profile").await;
    assert!(form.body.contains("I build Rust services."));
    let saved = studio
        .post(
            "/studio/profile",
            &[("csrf", &form.csrf()), ("bio", "New words.")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let profile = json_of(app.get(&format!("/api/v1/creators/{id}"), None).await).await;
    assert_eq!(profile["bio"], "New words.");
}

async fn a_creator_previews_a_draft_as_a_buyer_sees_it(app: &TestApp) {
    let (creator_user, creator) = app.with_role(Role::Creator).await;
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({"kind": "course", "title": {"en": "Draft course"},
                   "prices": [{"amount_minor": 1200, "currency": "USD"}]}),
        )
        .await;
    let draft = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let path = format!("/products/{draft}?view_as=buyer");

    let mut studio = Browser::new(app, "en");
    studio.log_in(creator_user.account.email.as_str()).await;
    let preview = studio.get(&path).await;
    assert_eq!(preview.status, StatusCode::OK, "{}", preview.body);
    assert!(preview.body.contains("data-test=\"preview-banner\""));
    assert!(preview.body.contains("Draft course"));
    // As a buyer sees it: no editing, and buying is off.
    assert!(!preview.body.contains("data-test=\"preview-as-buyer\""));
    assert!(preview.body.contains("data-test=\"buy\" disabled"));
    // Nobody else may look at a draft this way.
    let (other, _) = app.with_role(Role::Learner).await;
    let mut stranger = Browser::new(app, "en");
    stranger.log_in(other.account.email.as_str()).await;
    assert_eq!(stranger.get(&path).await.status, StatusCode::NOT_FOUND);
    let mut anonymous = Browser::new(app, "en");
    assert_eq!(anonymous.get(&path).await.status, StatusCode::NOT_FOUND);
}
