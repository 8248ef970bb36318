//! Paid questions (付费问答): one order per question, answered by the creator, refunded
//! automatically when not answered within seven days.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(paid_questions_are_answered_or_refunded);

async fn ask(
    app: &TestApp,
    token: &str,
    product: &str,
    key: &str,
    question: Value,
) -> reqwest::Response {
    app.order_with(
        token,
        key,
        json!({"product_id": product, "currency": "USD", "country": "US", "question": question}),
    )
    .await
}

async fn paid_questions_are_answered_or_refunded(app: &TestApp) {
    let (_, creator) = app.with_role(Role::Creator).await;
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({
                "kind": "consultation",
                "title": {"en": "Ask me about Rust", "zh-CN": "Rust 问答"},
                "description": {"en": "One question, one answer.", "zh-CN": "一问一答。"},
                "prices": [{"amount_minor": 1000, "currency": "USD"}],
                "tags": []
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let product = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // A consultation sells answers: it needs no lessons to be published.
    let published = app
        .post(
            &format!("/api/v1/products/{product}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);

    let asker = app.learner().await;
    for bad in [Value::Null, json!("   "), json!("问".repeat(4001))] {
        expect_error(
            ask(app, &asker, &product, "bad", bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_question",
        )
        .await;
    }
    assert_eq!(app.scalar("SELECT COUNT(*) FROM orders").await, 0);

    // Ask, pay: the creator sees it with a deadline a week away.
    let first = json_of(
        ask(
            app,
            &asker,
            &product,
            "q1",
            json!("How do I share state across tasks?"),
        )
        .await,
    )
    .await;
    // An unpaid question reaches nobody.
    let inbox = json_of(app.get("/api/v1/me/question-inbox", Some(&creator)).await).await;
    assert_eq!(inbox, json!([]));
    app.pay(&asker, &first).await;
    let inbox = json_of(app.get("/api/v1/me/question-inbox", Some(&creator)).await).await;
    assert_eq!(inbox[0]["question"], "How do I share state across tasks?");
    assert_eq!(inbox[0]["status"], "asked");
    assert!(inbox[0]["due_at"].is_string());
    let question = inbox[0]["id"].as_str().unwrap_or_default().to_owned();
    let (_, other_creator) = app.with_role(Role::Creator).await;
    assert_eq!(
        json_of(
            app.get("/api/v1/me/question-inbox", Some(&other_creator))
                .await
        )
        .await,
        json!([])
    );
    expect_error(
        app.get("/api/v1/me/question-inbox", Some(&asker)).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Only the creator answers, once.
    let answer = format!("/api/v1/questions/{question}/answer");
    for token in [&asker, &other_creator] {
        expect_error(
            app.post(&answer, Some(token), json!({"answer": "mine"}))
                .await,
            StatusCode::NOT_FOUND,
            "not_found",
        )
        .await;
    }
    expect_error(
        app.post(&answer, Some(&creator), json!({"answer": ""}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_question",
    )
    .await;
    let answered = app
        .post(
            &answer,
            Some(&creator),
            json!({"answer": "Use an Arc<Mutex<_>> or a channel."}),
        )
        .await;
    assert_eq!(answered.status(), StatusCode::OK);
    expect_error(
        app.post(&answer, Some(&creator), json!({"answer": "again"}))
            .await,
        StatusCode::CONFLICT,
        "question_closed",
    )
    .await;
    let mine = json_of(app.get("/api/v1/me/questions", Some(&asker)).await).await;
    assert_eq!(mine[0]["answer"], "Use an Arc<Mutex<_>> or a channel.");
    assert_eq!(mine[0]["status"], "answered");

    // Each question is its own order: asking again is not "already owned".
    let second =
        json_of(ask(app, &asker, &product, "q2", json!("And across threads?")).await).await;
    app.pay(&asker, &second).await;
    let second_id = second["id"].as_str().unwrap_or_default().to_owned();

    // A week and a day later, the unanswered one is refunded in full; the answered one
    // is not.
    let (_, admin) = app.with_role(Role::Admin).await;
    let moved = app
        .post(
            "/api/v1/admin/clock",
            Some(&admin),
            json!({"advance_days": 8}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let asker_again = asker.clone();
    let mine = json_of(app.get("/api/v1/me/questions", Some(&asker_again)).await).await;
    let by_order = |order: &str| {
        mine.as_array()
            .and_then(|all| all.iter().find(|q| q["order_id"] == order))
            .cloned()
            .unwrap_or_default()
    };
    assert_eq!(by_order(&second_id)["status"], "refunded");
    assert_eq!(
        by_order(first["id"].as_str().unwrap_or_default())["status"],
        "answered"
    );
    let order = json_of(
        app.get(&format!("/api/v1/orders/{second_id}"), Some(&asker))
            .await,
    )
    .await;
    assert_eq!(order["status"], "refunded");
    let late = format!(
        "/api/v1/questions/{}/answer",
        by_order(&second_id)["id"].as_str().unwrap_or_default()
    );
    expect_error(
        app.post(&late, Some(&creator), json!({"answer": "too late"}))
            .await,
        StatusCode::CONFLICT,
        "question_closed",
    )
    .await;
    assert!(crate::cli::verify(app).status.success());
}
