//! The product page and the server agree on which lessons open: a lesson the page shows
//! open opens, and one it shows locked is refused, for every kind of viewer.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(the_page_shows_open_exactly_the_lessons_the_server_opens);

/// Which lessons the product page shows as links a viewer may follow (in page order).
async fn shown_open(app: &TestApp, product: &str, token: Option<&str>) -> Vec<bool> {
    let mut req = app.browser.get(app.url(&format!("/products/{product}")));
    if let Some(t) = token {
        req = req.header("cookie", format!("kenning_session={t}"));
    }
    let html = req
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    html.split("data-test=\"lesson-row\"")
        .skip(1)
        .map(|row| {
            let row = row.split("</li>").next().unwrap_or_default();
            !row.contains("class=\"locked\"")
        })
        .collect()
}

/// Whether the server lets the viewer read each lesson.
async fn opens(app: &TestApp, lessons: &[String], token: Option<&str>) -> Vec<bool> {
    let mut out = Vec::new();
    for lesson in lessons {
        let mut req = app.browser.get(app.url(&format!("/lessons/{lesson}")));
        if let Some(t) = token {
            req = req.header("cookie", format!("kenning_session={t}"));
        }
        let status = req.send().await.unwrap_or_else(|e| panic!("{e}")).status();
        out.push(status == StatusCode::OK);
    }
    out
}

async fn the_page_shows_open_exactly_the_lessons_the_server_opens(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    // Lesson 2 opens three days after purchase; lesson 3 is also sold on its own.
    let r = app
        .put(
            &format!("/api/v1/lessons/{}/release", lessons[1]),
            Some(&creator),
            json!({"after_days": 3}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .put(
            &format!("/api/v1/lessons/{}/prices", lessons[2]),
            Some(&creator),
            json!({"prices": [{"amount_minor": 299, "currency": "USD"}]}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let stranger = app.learner().await;
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    // Someone who bought only lesson 3.
    let single = app.learner().await;
    let order = json_of(
        app.order_with(
            &single,
            "just-one",
            json!({"product_id": product, "lesson_id": lessons[2], "currency": "USD", "country": "US"}),
        )
        .await,
    )
    .await;
    app.pay(&single, &order).await;
    let (_, admin) = app.with_role(Role::Admin).await;

    let viewers: [(&str, Option<&str>, [bool; 3]); 5] = [
        ("visitor", None, [true, false, false]),
        ("stranger", Some(&stranger), [true, false, false]),
        ("buyer waiting on drip", Some(&buyer), [true, false, true]),
        ("buyer of one lesson", Some(&single), [true, false, true]),
        ("creator", Some(&creator), [true, true, true]),
    ];
    for (who, token, expected) in viewers {
        let page = shown_open(app, &product, token).await;
        let server = opens(app, &lessons, token).await;
        assert_eq!(page, server, "{who}: the page and the server disagree");
        assert_eq!(page, expected, "{who}");
    }
    let admin_view = shown_open(app, &product, Some(&admin)).await;
    assert_eq!(admin_view, opens(app, &lessons, Some(&admin)).await);
    assert_eq!(admin_view, [true, true, true]);
}
