//! Operators take a product off sale with a reason: its creator is told and cannot
//! publish it again until an operator allows it; its buyers keep what they bought.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(an_operator_takes_a_product_off_sale_and_its_creator_is_told);

async fn an_operator_takes_a_product_off_sale_and_its_creator_is_told(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let lesson = format!("/api/v1/lessons/{}", lessons[1]);
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let (admin_user, admin) = app.with_role(Role::Admin).await;
    let me = json_of(app.get("/api/v1/me", Some(&creator)).await).await;
    let creator_email = me["email"].as_str().unwrap_or_default().to_owned();
    let hold = format!("/api/v1/admin/products/{product}/hold");

    // Only operators list and hold products; a hold needs a reason.
    for token in [&buyer, &creator] {
        expect_error(
            app.get("/api/v1/admin/products", Some(token)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
        expect_error(
            app.post(&hold, Some(token), json!({"reason": "x"})).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    expect_error(
        app.post(&hold, Some(&admin), json!({"reason": "  "})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_required",
    )
    .await;
    expect_error(
        app.get("/api/v1/admin/products?status=gone", Some(&admin))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_product_status",
    )
    .await;
    let found = json_of(
        app.get(
            "/api/v1/admin/products?q=practice&status=published",
            Some(&admin),
        )
        .await,
    )
    .await;
    assert!(
        found["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|p| p["id"] == product.as_str())),
        "{found}"
    );
    assert_eq!(
        json_of(app.get(&format!("/api/v1/products/{product}"), None).await).await["status"],
        "published"
    );

    let r = app
        .post(
            &hold,
            Some(&admin),
            json!({"reason": "Lesson 2 copies a published book."}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // Held once: a second hold (a double click, another operator) changes nothing.
    expect_error(
        app.post(&hold, Some(&admin), json!({"reason": "Again"}))
            .await,
        StatusCode::CONFLICT,
        "already_held",
    )
    .await;
    // Off sale for everyone else; the buyer keeps it.
    expect_error(
        app.get(&format!("/api/v1/products/{product}"), None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(
        app.get(&lesson, Some(&buyer)).await.status(),
        StatusCode::OK
    );
    // The creator is told why, in the bell and by mail, and cannot publish it again,
    // not even by saving it as published.
    let told = json_of(app.get("/api/v1/me/notifications", Some(&creator)).await).await;
    assert_eq!(told["items"][0]["notice"]["type"], "product_held");
    let mail = app.mail_to(&creator_email, "copies a published book").await;
    assert!(
        mail.subject.contains("Rust in Practice"),
        "{}",
        mail.subject
    );
    let publish = format!("/api/v1/products/{product}/publish");
    expect_error(
        app.post(&publish, Some(&creator), json!({})).await,
        StatusCode::CONFLICT,
        "product_held",
    )
    .await;
    let mut studio = Browser::new(app, "zh-CN");
    studio.log_in(&creator_email).await;
    let editor = studio.get(&format!("/studio/products/{product}")).await;
    assert!(editor.body.contains("data-test=\"studio-held\""));
    assert!(editor.body.contains("copies a published book"));
    assert!(!editor.body.contains("data-test=\"publish\""));

    // The console lists it as held; the audit log has who, why, before and after.
    let held = json_of(
        app.get("/api/v1/admin/products?status=unpublished", Some(&admin))
            .await,
    )
    .await;
    let row = held["items"]
        .as_array()
        .and_then(|items| items.iter().find(|p| p["id"] == product.as_str()).cloned())
        .unwrap_or_default();
    assert_eq!(row["hold"]["reason"], "Lesson 2 copies a published book.");
    assert_eq!(row["hold"]["held_by"], admin_user.account.id.to_string());
    let audit = json_of(
        app.get(
            &format!("/api/v1/admin/audit?target=product:{product}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    let entry = &audit["items"][0];
    assert_eq!(entry["action"], "product_unpublished");
    assert_eq!(entry["before"]["status"], "published");
    assert_eq!(entry["reason"], "Lesson 2 copies a published book.");

    // Allowed again: the creator is told and may publish; a second release finds none.
    let mut console = Browser::new(app, "en");
    console.log_in(admin_user.account.email.as_str()).await;
    let page = console.get("/admin/products?status=unpublished").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("data-test=\"product-held\""));
    let released = console
        .post(
            &format!("/admin/products/{product}/release"),
            &[("csrf", &page.csrf())],
        )
        .await;
    assert_eq!(released.status, StatusCode::SEE_OTHER);
    expect_error(
        app.delete(&hold, Some(&admin)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    let told = json_of(app.get("/api/v1/me/notifications", Some(&creator)).await).await;
    assert_eq!(told["items"][0]["notice"]["type"], "product_released");
    assert_eq!(
        app.post(&publish, Some(&creator), json!({})).await.status(),
        StatusCode::OK
    );
    let audit = json_of(
        app.get(
            &format!("/api/v1/admin/audit?target=product:{product}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!(audit["items"][0]["action"], "product_released");
}
