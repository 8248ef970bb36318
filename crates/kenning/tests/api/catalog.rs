use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(
    published_products_are_listed_in_the_asked_language,
    product_detail_lists_lessons_with_preview_flags,
    locked_lessons_open_only_to_the_entitled_the_creator_and_admins,
    only_creators_publish_and_drafts_stay_private,
    lesson_markdown_cannot_inject_script,
);

async fn published_products_are_listed_in_the_asked_language(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let list = json_of(app.get("/api/v1/products", None).await).await;
    let item = &list["items"][0];
    assert_eq!(item["id"], product.as_str());
    assert_eq!(item["kind"], "course");
    assert_eq!(item["title"], "Rust in Practice");
    assert_eq!(item["price"]["amount_minor"], 1499);
    assert_eq!(item["price"]["currency"], "USD");

    let zh = json_of(app.get("/api/v1/products?lang=zh-CN", None).await).await;
    assert_eq!(zh["items"][0]["title"], "Rust 实战");
    assert_eq!(zh["items"][0]["price"]["currency"], "CNY");
    assert_eq!(zh["items"][0]["price"]["amount_minor"], 9900);

    let by_header = app
        .client
        .get(app.url("/api/v1/products"))
        .header("accept-language", "zh-CN,zh;q=0.9")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json_of(by_header).await["items"][0]["title"], "Rust 实战");

    let ebooks = json_of(app.get("/api/v1/products?kind=ebook", None).await).await;
    assert_eq!(ebooks["items"].as_array().map(Vec::len), Some(0));
    expect_error(
        app.get("/api/v1/products?kind=spaceship", None).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_product_kind",
    )
    .await;
}

async fn product_detail_lists_lessons_with_preview_flags(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let detail = json_of(app.get(&format!("/api/v1/products/{product}"), None).await).await;
    let listed = detail["lessons"].as_array().cloned().unwrap_or_default();
    assert_eq!(listed.len(), 3);
    assert_eq!(listed[0]["id"], lessons[0].as_str());
    assert_eq!(listed[0]["preview"], true);
    assert_eq!(listed[1]["preview"], false);
    assert_eq!(listed[1]["title"], "Ownership");

    expect_error(
        app.get(&format!("/api/v1/products/{}", uuid::Uuid::new_v4()), None)
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.get("/api/v1/products/not-a-uuid", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn locked_lessons_open_only_to_the_entitled_the_creator_and_admins(app: &TestApp) {
    let (_, lessons, creator) = app.published_course().await;
    let preview = &lessons[0];
    let locked = &lessons[1];

    let open = app.get(&format!("/api/v1/lessons/{preview}"), None).await;
    assert_eq!(open.status(), StatusCode::OK);
    assert!(
        json_of(open).await["content"]
            .as_str()
            .unwrap_or_default()
            .contains("Secret text 0")
    );

    let anonymous = app.get(&format!("/api/v1/lessons/{locked}"), None).await;
    let body = expect_error(anonymous, StatusCode::UNAUTHORIZED, "unauthenticated").await;
    assert!(!body.to_string().contains("Secret text 1"));

    let learner = app.learner().await;
    expect_error(
        app.get(&format!("/api/v1/lessons/{locked}"), Some(&learner))
            .await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;

    let (_, other_creator) = app.with_role(Role::Creator).await;
    expect_error(
        app.get(&format!("/api/v1/lessons/{locked}"), Some(&other_creator))
            .await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;

    let own = app
        .get(&format!("/api/v1/lessons/{locked}"), Some(&creator))
        .await;
    assert_eq!(own.status(), StatusCode::OK);
    let (_, admin) = app.with_role(Role::Admin).await;
    let as_admin = app
        .get(&format!("/api/v1/lessons/{locked}"), Some(&admin))
        .await;
    assert_eq!(as_admin.status(), StatusCode::OK);

    expect_error(
        app.get(
            &format!("/api/v1/lessons/{}", uuid::Uuid::new_v4()),
            Some(&learner),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn only_creators_publish_and_drafts_stay_private(app: &TestApp) {
    let learner = app.learner().await;
    let product = json!({"kind": "ebook", "title": {"en": "Draft book"}, "prices": [{"amount_minor": 500, "currency": "USD"}]});
    expect_error(
        app.post("/api/v1/products", Some(&learner), product.clone())
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    let (_, creator) = app.with_role(Role::Creator).await;
    let bad = json!({"kind": "ebook", "title": {"en": "X"}, "prices": [{"amount_minor": -1, "currency": "USD"}]});
    expect_error(
        app.post("/api/v1/products", Some(&creator), bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_amount",
    )
    .await;
    let bad = json!({"kind": "ebook", "title": {"en": "X"}, "prices": [{"amount_minor": 1, "currency": "ZZZ"}]});
    expect_error(
        app.post("/api/v1/products", Some(&creator), bad).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_currency",
    )
    .await;
    let untitled = json!({"kind": "ebook", "title": {"en": "  "}});
    expect_error(
        app.post("/api/v1/products", Some(&creator), untitled).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "title_required",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM products").await, 0);

    let created = app.post("/api/v1/products", Some(&creator), product).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let body = json_of(created).await;
    assert_eq!(body["status"], "draft");
    let id = body["id"].as_str().unwrap_or_default().to_owned();

    // A draft is invisible to others and absent from the catalog.
    expect_error(
        app.get(&format!("/api/v1/products/{id}"), Some(&learner))
            .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let list = json_of(app.get("/api/v1/products", None).await).await;
    assert_eq!(list["total"], 0);

    expect_error(
        app.post(
            &format!("/api/v1/products/{id}/publish"),
            Some(&creator),
            json!({}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "nothing_to_publish",
    )
    .await;
    let lesson = app
        .post(
            &format!("/api/v1/products/{id}/lessons"),
            Some(&creator),
            json!({"title": {"en": "Chapter 1"}, "content": {"en": "Text"}}),
        )
        .await;
    assert_eq!(lesson.status(), StatusCode::CREATED);
    // Someone else cannot add lessons or publish it.
    let (_, intruder) = app.with_role(Role::Creator).await;
    expect_error(
        app.post(
            &format!("/api/v1/products/{id}/publish"),
            Some(&intruder),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let published = app
        .post(
            &format!("/api/v1/products/{id}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(json_of(published).await["status"], "published");
    let list = json_of(app.get("/api/v1/products", None).await).await;
    assert_eq!(list["total"], 1);
    expect_error(
        app.post(
            &format!("/api/v1/products/{id}/unpublish"),
            Some(&intruder),
            json!({}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let unpublished = app
        .post(
            &format!("/api/v1/products/{id}/unpublish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(json_of(unpublished).await["status"], "unpublished");
    let list = json_of(app.get("/api/v1/products", None).await).await;
    assert_eq!(list["total"], 0);
}

async fn lesson_markdown_cannot_inject_script(app: &TestApp) {
    let (_, creator) = app.with_role(Role::Creator).await;
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({"kind": "report", "title": {"en": "<script>alert(1)</script>Report"}}),
        )
        .await;
    let id = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let lesson = app
        .post(
            &format!("/api/v1/products/{id}/lessons"),
            Some(&creator),
            json!({
                "title": {"en": "Intro"},
                "content": {"en": "Hello <script>alert('x')</script> <img src=x onerror=alert(1)> [link](javascript:alert(1))"},
                "preview": true
            }),
        )
        .await;
    let lesson = json_of(lesson).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    app.post(
        &format!("/api/v1/products/{id}/publish"),
        Some(&creator),
        json!({}),
    )
    .await;

    let body = json_of(app.get(&format!("/api/v1/lessons/{lesson}"), None).await).await;
    let html = body["content_html"].as_str().unwrap_or_default();
    assert!(html.contains("Hello"));
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("onerror"), "{html}");
    assert!(!html.contains("javascript:"), "{html}");

    let page = app.text(&format!("/products/{id}")).await;
    assert!(!page.contains("<script>alert(1)</script>"));
    assert!(page.contains("&lt;script&gt;") || page.contains("&#60;script"));
    let lesson_page = app.text(&format!("/lessons/{lesson}")).await;
    assert!(!lesson_page.contains("<script>alert('x')"));
    assert!(!lesson_page.contains("onerror="));
}
