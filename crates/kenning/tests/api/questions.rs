//! Paid questions (付费问答): one order per question, answered by the creator, refunded
//! automatically when not answered within seven days.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(
    paid_questions_are_answered_or_refunded,
    members_ask_a_desk_their_membership_includes_within_an_allowance,
);

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
    // The question is taken before the provider is asked: the order follows a moment
    // later.
    let mut order = Value::Null;
    for _ in 0..50 {
        order = json_of(
            app.get(&format!("/api/v1/orders/{second_id}"), Some(&asker))
                .await,
        )
        .await;
        if order["status"] == "refunded" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
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

async fn members_ask_a_desk_their_membership_includes_within_an_allowance(app: &TestApp) {
    let (_, creator) = app.with_role(Role::Creator).await;
    let desk = app
        .create_product(
            &creator,
            json!({"kind": "consultation", "title": {"en": "Ask me"},
                   "prices": [{"amount_minor": 1000, "currency": "USD"}]}),
        )
        .await;
    app.publish(&creator, &desk).await;
    let tier = app
        .create_product(
            &creator,
            json!({"kind": "membership", "title": {"en": "All access"},
                   "prices": [{"amount_minor": 999, "currency": "USD"}]}),
        )
        .await;
    let plan = app
        .put(
            &format!("/api/v1/products/{tier}/membership"),
            Some(&creator),
            json!({"interval": "monthly", "all_of_creator": true}),
        )
        .await;
    assert_eq!(plan.status(), StatusCode::OK);
    app.publish(&creator, &tier).await;

    let ask_path = format!("/api/v1/products/{desk}/questions");
    // Not a member: buy a question instead.
    let (_, stranger) = app.with_role(Role::Learner).await;
    expect_error(
        app.post(&ask_path, Some(&stranger), json!({"question": "Free?"}))
            .await,
        StatusCode::FORBIDDEN,
        "not_a_member",
    )
    .await;

    let (member_user, member) = app.with_role(Role::Learner).await;
    app.buy(&member, &tier).await;
    // The desk page offers members a question form, not "you own this".
    let mut b = Browser::new(app, "en");
    b.log_in(member_user.account.email.as_str()).await;
    let page = b.get(&format!("/products/{desk}")).await;
    assert!(
        page.body.contains("data-test=\"member-ask\""),
        "{}",
        page.body
    );
    let empty = b
        .post(
            &format!("/products/{desk}/ask"),
            &[("csrf", &page.csrf()), ("question", "  ")],
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("data-test=\"form-error\""));
    let asked = b
        .post(
            &format!("/products/{desk}/ask"),
            &[("csrf", &page.csrf()), ("question", "How do I start?")],
        )
        .await;
    assert_eq!(asked.status, StatusCode::SEE_OTHER, "{}", asked.body);
    for n in 2..=3 {
        let r = app
            .post(
                &ask_path,
                Some(&member),
                json!({"question": format!("Question {n}")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
        let q = json_of(r).await;
        assert!(q["order_id"].is_null(), "{q}");
    }
    // Three in thirty days: the fourth is refused and nothing is written.
    expect_error(
        app.post(&ask_path, Some(&member), json!({"question": "One more?"}))
            .await,
        StatusCode::CONFLICT,
        "member_questions_used",
    )
    .await;
    let mine = json_of(app.get("/api/v1/me/questions", Some(&member)).await).await;
    assert_eq!(mine.as_array().map(Vec::len), Some(3));
    // The creator sees them with the paid ones and answers one.
    let inbox = json_of(app.get("/api/v1/me/question-inbox", Some(&creator)).await).await;
    assert_eq!(inbox.as_array().map(Vec::len), Some(3), "{inbox}");
    let first = inbox[0]["id"].as_str().unwrap_or_default().to_owned();
    let answered = app
        .post(
            &format!("/api/v1/questions/{first}/answer"),
            Some(&creator),
            json!({"answer": "Like this."}),
        )
        .await;
    assert_eq!(answered.status(), StatusCode::OK);
    // Eight days on, the unanswered ones expire; there is no order to refund.
    let (_, admin) = app.with_role(Role::Admin).await;
    let moved = app
        .post(
            "/api/v1/admin/clock",
            Some(&admin),
            json!({"advance_days": 8}),
        )
        .await;
    assert_eq!(moved.status(), StatusCode::OK);
    let mine = json_of(app.get("/api/v1/me/questions", Some(&member)).await).await;
    let statuses: Vec<&str> = (mine.as_array().into_iter().flatten())
        .filter_map(|q| q["status"].as_str())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == "expired").count(),
        2,
        "{mine}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == "answered").count(),
        1,
        "{mine}"
    );
    assert!(crate::cli::verify(app).status.success());
}
