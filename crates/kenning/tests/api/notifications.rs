//! Notifications: a creator's announcement reaches everyone who holds the product (in
//! the bell, and by mail unless turned off), refunds and answers are told too, and
//! each person reads and clears only their own.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(
    announcements_and_refunds_reach_people_as_they_chose,
    a_creator_sees_their_students_and_their_progress,
);

fn address(name: &str) -> String {
    format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple())
}

async fn buyer(app: &TestApp, product: &str) -> (String, String) {
    let email = address("buyer");
    app.register(&email).await;
    let token = token_of(app.login(&email, PASSWORD).await).await;
    app.buy(&token, product).await;
    (email, token)
}

async fn announcements_and_refunds_reach_people_as_they_chose(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let (ann_email, ann) = buyer(app, &product).await;
    let (bo_email, bo) = buyer(app, &product).await;
    let (_, stranger) = app.with_role(Role::Creator).await;

    // Bo wants announcements in the bell only.
    let r = app
        .put(
            "/api/v1/me/notification-settings",
            Some(&bo),
            json!({"mailed": ["answers", "refunds"]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.put(
            "/api/v1/me/notification-settings",
            Some(&bo),
            json!({"mailed": ["spam"]}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_notification",
    )
    .await;

    let path = format!("/api/v1/products/{product}/announcements");
    expect_error(
        app.post(
            &path,
            Some(&stranger),
            json!({"title": "Hi", "body": "Buy more"}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    expect_error(
        app.post(&path, Some(&creator), json!({"title": "", "body": "x"}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_announcement",
    )
    .await;
    let sent = app
        .post(
            &path,
            Some(&creator),
            json!({"title": "Chapter 4 is out", "body": "Async, at last."}),
        )
        .await;
    assert_eq!(sent.status(), StatusCode::CREATED);
    assert_eq!(json_of(sent).await["recipients"], 2);

    let mail = app.mail_to(&ann_email, "Async, at last.").await;
    assert_eq!(mail.subject, "Chapter 4 is out");
    assert!(
        app.mails_to(&bo_email)
            .await
            .iter()
            .all(|m| !m.text.contains("Async, at last.")),
        "Bo turned announcement mail off"
    );
    for token in [&ann, &bo] {
        let unread = json_of(
            app.get("/api/v1/me/notifications/unread", Some(token))
                .await,
        )
        .await;
        assert_eq!(unread["unread"], 1);
    }
    let list = json_of(app.get("/api/v1/me/notifications", Some(&ann)).await).await;
    let first = &list["items"][0];
    assert_eq!(first["kind"], "announcements");
    assert_eq!(first["notice"]["title"], "Chapter 4 is out");
    assert_eq!(first["link"], format!("/products/{product}"));

    // Someone else's notification cannot be marked; one's own can.
    let id = first["id"].as_i64().unwrap_or_default();
    expect_error(
        app.post(
            "/api/v1/me/notifications/read",
            Some(&bo),
            json!({"id": id}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let marked = app
        .post(
            "/api/v1/me/notifications/read",
            Some(&ann),
            json!({"id": id}),
        )
        .await;
    assert_eq!(json_of(marked).await["marked"], 1);
    assert_eq!(
        json_of(app.get("/api/v1/me/notifications/unread", Some(&ann)).await).await["unread"],
        0
    );
    assert_eq!(
        json_of(app.get("/api/v1/me/notifications/unread", Some(&bo)).await).await["unread"],
        1
    );

    // A refund is told, in the bell and by mail.
    let orders = json_of(app.get("/api/v1/orders", Some(&bo)).await).await;
    let order = orders[0]["id"].as_str().unwrap_or_default().to_owned();
    let refunded = app
        .post(
            &format!("/api/v1/orders/{order}/refunds"),
            Some(&creator),
            json!({"amount_minor": 500}),
        )
        .await;
    assert_eq!(refunded.status(), StatusCode::CREATED);
    let mail = app.mail_to(&bo_email, "/orders/").await;
    assert!(mail.subject.contains("refunded"), "{}", mail.subject);
    assert_eq!(
        json_of(app.get("/api/v1/me/notifications/unread", Some(&bo)).await).await["unread"],
        2
    );

    // The page, in Chinese, and marking everything read there.
    let mut browser = Browser::new(app, "zh-CN");
    browser.log_in(&bo_email).await;
    let page = browser.get("/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("公告：Chapter 4 is out"),
        "{}",
        page.body
    );
    assert!(page.body.contains("已向你退款"));
    let done = browser
        .post("/notifications/read", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(
        json_of(app.get("/api/v1/me/notifications/unread", Some(&bo)).await).await["unread"],
        0
    );
    expect_error(
        app.get("/api/v1/me/notifications", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

async fn a_creator_sees_their_students_and_their_progress(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let (ann_email, ann) = buyer(app, &product).await;
    let (bo_email, _) = buyer(app, &product).await;
    let (_, stranger) = app.with_role(Role::Creator).await;
    // Ann finishes one lesson of three.
    let r = app
        .put(
            &format!("/api/v1/lessons/{}/progress", lessons[0]),
            Some(&ann),
            json!({"position_ms": 1000, "ended": true}),
        )
        .await;
    assert!(r.status().is_success(), "{}", r.status());

    let list = json_of(
        app.get(
            &format!("/api/v1/products/{product}/students"),
            Some(&creator),
        )
        .await,
    )
    .await;
    let items = list["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2);
    let ann_row = items
        .iter()
        .find(|s| s["email"] == ann_email)
        .cloned()
        .unwrap_or_default();
    assert_eq!(ann_row["lessons_completed"], 1);
    assert_eq!(ann_row["lessons"], 3);
    assert_eq!(ann_row["percent"], 33);
    assert_eq!(ann_row["finished"], false);
    assert_eq!(ann_row["source"], "order");
    assert!(
        items
            .iter()
            .any(|s| s["email"] == bo_email && s["lessons_completed"] == 0)
    );

    // Nobody else sees them.
    for token in [&stranger, &ann] {
        expect_error(
            app.get(&format!("/api/v1/products/{product}/students"), Some(token))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }

    // The studio's page and its CSV.
    let creator_email = json_of(app.get("/api/v1/me", Some(&creator)).await).await["email"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let mut browser = Browser::new(app, "en");
    browser.log_in(&creator_email).await;
    let page = browser
        .get(&format!("/studio/products/{product}/students"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("data-test=\"student\"").count(), 2);
    assert!(page.body.contains("1/3 (33%)"), "{}", page.body);
    let csv = browser
        .get(&format!("/studio/products/{product}/students.csv"))
        .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 3);
    assert!(csv.body.contains(&ann_email));
}
