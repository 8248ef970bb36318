//! Guessable doors are throttled: failed logins per account and per client address, and
//! registrations per address, with a localized 429 and `Retry-After`, counted in the
//! database so that every node refuses alike.

use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{Backend, PASSWORD, TestApp, expect_error};
use crate::on_both_databases;

on_both_databases!(failed_logins_to_one_account_are_throttled_on_every_node);

async fn failed_logins_to_one_account_are_throttled_on_every_node(app: &TestApp) {
    let email = format!("target-{}@example.com", uuid::Uuid::new_v4().simple());
    assert_eq!(app.register(&email).await.status(), StatusCode::CREATED);
    // A success clears what went before.
    for _ in 0..3 {
        assert_eq!(
            app.login(&email, "not the password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    assert_eq!(app.login(&email, PASSWORD).await.status(), StatusCode::OK);

    // Ten wrong passwords are answered as such; then the account is closed for a while,
    // to the right password too, and in the person's language.
    for _ in 0..10 {
        assert_eq!(
            app.login(&email, "not the password").await.status(),
            StatusCode::UNAUTHORIZED
        );
    }
    let refused = app.login(&email, PASSWORD).await;
    let retry: i64 = refused
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok())
        .unwrap_or_default();
    assert!((1..=900).contains(&retry), "Retry-After {retry}");
    expect_error(refused, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    let zh = app
        .client
        .post(app.url("/api/v1/sessions?lang=zh-CN"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let body = expect_error(zh, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("分钟")),
        "{body}"
    );
    // The login page says so too, keeping what was typed.
    let page = app
        .client
        .get(app.url("/login"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), StatusCode::OK);

    // Another node over the same database refuses as well.
    let node = app.second_node().await;
    let elsewhere = app
        .client
        .post(node.url("/api/v1/sessions"))
        .json(&json!({"email": email, "password": PASSWORD}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(elsewhere.status(), StatusCode::TOO_MANY_REQUESTS);
    node.stop().await;

    // Other accounts are not held back by it.
    let other = format!("other-{}@example.com", uuid::Uuid::new_v4().simple());
    assert_eq!(app.register(&other).await.status(), StatusCode::CREATED);
    assert_eq!(app.login(&other, PASSWORD).await.status(), StatusCode::OK);
}

/// One client address trying many accounts, or making many, is held back; behind a
/// proxy the address is the one the proxy appended, not one the client claims.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_trying_many_accounts_is_throttled() {
    let app = TestApp::spawn_with(Backend::Sqlite, |s| {
        s.attempts_per_address = 5;
        s.behind_proxy = true;
    })
    .await;
    let login = |email: String, password: &'static str, forwarded: &'static str| {
        app.client
            .post(app.url("/api/v1/sessions"))
            .header("x-forwarded-for", forwarded)
            .json(&json!({"email": email, "password": password}))
            .send()
    };
    for i in 0..5 {
        let r = login(format!("nobody-{i}@example.com"), "guess", "203.0.113.7")
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    // A claimed address before the proxy's own changes nothing.
    let r = login(
        "nobody-6@example.com".into(),
        "guess",
        "198.51.100.1, 203.0.113.7",
    )
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    expect_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    // Another address is served.
    let r = login("nobody-7@example.com".into(), "guess", "203.0.113.8")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    // Registrations from one address are counted too.
    let register = |i: usize| {
        app.client
            .post(app.url("/api/v1/accounts"))
            .header("x-forwarded-for", "203.0.113.9")
            .json(
                &json!({"email": format!("new-{i}@example.com"), "password": PASSWORD,
                          "display_name": "New"}),
            )
            .send()
    };
    for i in 0..5 {
        let r = register(i).await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    let r = register(5).await.unwrap_or_else(|e| panic!("{e}"));
    expect_error(r, StatusCode::TOO_MANY_REQUESTS, "too_many_attempts").await;
    app.finish().await;
}
