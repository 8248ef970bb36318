use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;

on_both_databases!(
    register_log_in_and_log_out,
    registration_errors_are_clear_and_change_nothing,
    malformed_json_gets_a_json_error,
);

async fn register_log_in_and_log_out(app: &TestApp) {
    let created = app.register("Ada@Example.com").await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let account = json_of(created).await;
    assert_eq!(account["email"], "ada@example.com");
    assert_eq!(account["role"], "learner");
    assert!(account.get("password_hash").is_none());

    let token = token_of(app.login("ada@example.com", PASSWORD).await).await;
    let me = app.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.status(), StatusCode::OK);
    assert_eq!(json_of(me).await["email"], "ada@example.com");

    expect_error(
        app.login("ada@example.com", "wrong password!").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    expect_error(
        app.login("nobody@example.com", PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;

    let out = app
        .client
        .delete(app.url("/api/v1/sessions"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    expect_error(
        app.get("/api/v1/me", Some(&token)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.get("/api/v1/me", Some("not-a-token")).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

async fn registration_errors_are_clear_and_change_nothing(app: &TestApp) {
    assert_eq!(
        app.register("bo@example.com").await.status(),
        StatusCode::CREATED
    );
    expect_error(
        app.register("BO@example.com").await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;

    let weak = app
        .client
        .post(app.url("/api/v1/accounts?lang=zh-CN"))
        .json(&json!({"email": "weak@example.com", "password": "short", "display_name": "W"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body = expect_error(weak, StatusCode::UNPROCESSABLE_ENTITY, "weak_password").await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("10") && message.contains("密码"),
        "{message}"
    );

    let weak_en = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"email": "weak@example.com", "password": "123456789", "display_name": "W"}),
        )
        .await;
    let body = expect_error(weak_en, StatusCode::UNPROCESSABLE_ENTITY, "weak_password").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .contains("at least 10")
    );

    let bad_email = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"email": "not-an-email", "password": PASSWORD, "display_name": "X"}),
        )
        .await;
    expect_error(bad_email, StatusCode::UNPROCESSABLE_ENTITY, "invalid_email").await;

    let accounts = app.scalar("SELECT COUNT(*) FROM accounts").await;
    assert_eq!(accounts, 1, "failed registrations wrote nothing");
}

async fn malformed_json_gets_a_json_error(app: &TestApp) {
    let broken = app
        .client
        .post(app.url("/api/v1/accounts"))
        .header("content-type", "application/json")
        .body("{\"email\": ")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    expect_error(broken, StatusCode::BAD_REQUEST, "malformed_json").await;

    let wrong_shape = app
        .post("/api/v1/accounts", None, json!({"email": 42}))
        .await;
    expect_error(
        wrong_shape,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_body",
    )
    .await;

    let not_json = app
        .client
        .post(app.url("/api/v1/sessions"))
        .body("email=a")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    expect_error(
        not_json,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "json_expected",
    )
    .await;

    // A query string the framework cannot read gets our format too.
    expect_error(
        app.get("/api/v1/products?page=abc", None).await,
        StatusCode::BAD_REQUEST,
        "invalid_request",
    )
    .await;
    expect_error(
        app.get("/api/v1/no-such-thing", None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM accounts").await, 0);
}
