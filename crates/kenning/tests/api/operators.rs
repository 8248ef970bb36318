//! Operators run the school: applications to become a creator, people's roles,
//! suspending and restoring them. Only operators may; each act is in the audit log.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(
    a_learner_applies_and_an_operator_approves_or_declines,
    suspending_someone_ends_their_sessions_until_restored,
    only_operators_reach_the_console,
    payouts_are_previewed_by_name_then_approved,
    an_operator_finds_an_order_and_refunds_it,
);

fn address(name: &str) -> String {
    format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple())
}

async fn person(app: &TestApp, name: &str) -> (String, String, String) {
    let email = address(name);
    let created = json_of(app.register(&email).await).await;
    let token = token_of(app.login(&email, PASSWORD).await).await;
    (
        created["id"].as_str().unwrap_or_default().to_owned(),
        email,
        token,
    )
}

fn application() -> Value {
    json!({
        "name": "Ada Lovelace",
        "bio": "I teach analysis.",
        "payout": [{"currency": "EUR", "reference": "DE89 3704 0044 0532 0130 00"}]
    })
}

async fn a_learner_applies_and_an_operator_approves_or_declines(app: &TestApp) {
    let (_, admin) = app.with_role(Role::Admin).await;
    let (ada_id, ada_email, ada) = person(app, "ada").await;

    // A learner cannot reach the studio's API before being approved.
    expect_error(
        app.post("/api/v1/products", Some(&ada), json!({"kind": "course", "title": {"en": "X"}, "description": {"en": "Y"}, "prices": [{"amount_minor": 100, "currency": "EUR"}]})).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Bad applications change nothing.
    for bad in [
        json!({"name": "", "payout": [{"currency": "EUR", "reference": "x"}]}),
        json!({"name": "Ada", "payout": []}),
        json!({"name": "Ada", "payout": [{"currency": "ZZZ", "reference": "x"}]}),
    ] {
        let r = app
            .post("/api/v1/creator-applications", Some(&ada), bad)
            .await;
        assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    }
    expect_error(
        app.get("/api/v1/me/creator-application", Some(&ada)).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let applied = app
        .post("/api/v1/creator-applications", Some(&ada), application())
        .await;
    assert_eq!(applied.status(), StatusCode::CREATED);
    let id = json_of(applied).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    // One at a time.
    expect_error(
        app.post("/api/v1/creator-applications", Some(&ada), application())
            .await,
        StatusCode::CONFLICT,
        "application_pending",
    )
    .await;

    let pending = json_of(
        app.get("/api/v1/admin/creator-applications", Some(&admin))
            .await,
    )
    .await;
    assert!(
        pending["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|x| x["id"] == id))
    );
    // Declining needs a reason, the applicant is told it, and may apply again.
    let decide = |decision: &'static str, reason: &'static str| {
        let path = format!("/api/v1/admin/creator-applications/{id}/decision");
        let admin = admin.clone();
        async move {
            app.post(
                &path,
                Some(&admin),
                json!({"decision": decision, "reason": reason}),
            )
            .await
        }
    };
    expect_error(
        decide("decline", " ").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_required",
    )
    .await;
    assert_eq!(
        decide("decline", "Please add a biography.").await.status(),
        StatusCode::OK
    );
    expect_error(
        decide("approve", "").await,
        StatusCode::CONFLICT,
        "application_decided",
    )
    .await;
    let mail = app.mail_to(&ada_email, "/become-a-creator").await;
    assert!(
        mail.text.contains("Please add a biography."),
        "{}",
        mail.text
    );
    let mine = json_of(app.get("/api/v1/me/creator-application", Some(&ada)).await).await;
    assert_eq!(mine["status"], "declined");
    assert_eq!(mine["reason"], "Please add a biography.");

    // The second application is approved: Ada creates now, with the same session.
    let again = app
        .post("/api/v1/creator-applications", Some(&ada), application())
        .await;
    let second = json_of(again).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let approved = app
        .post(
            &format!("/api/v1/admin/creator-applications/{second}/decision"),
            Some(&admin),
            json!({"decision": "approve"}),
        )
        .await;
    assert_eq!(approved.status(), StatusCode::OK);
    assert_eq!(
        json_of(app.get("/api/v1/me", Some(&ada)).await).await["role"],
        "creator"
    );
    assert_eq!(
        app.mail_to(&ada_email, "/studio").await.subject,
        "You can create and sell now"
    );
    expect_error(
        app.post("/api/v1/creator-applications", Some(&ada), application())
            .await,
        StatusCode::CONFLICT,
        "already_creator",
    )
    .await;

    let log = json_of(
        app.get(
            &format!("/api/v1/admin/audit?target=account:{ada_id}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    let actions: Vec<&str> = log["items"]
        .as_array()
        .map(|items| items.iter().filter_map(|e| e["action"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(actions, ["creator_approved", "creator_declined"]);

    // Roles: an operator changes another's, never their own.
    let (admin_user, _) = app.with_role(Role::Admin).await;
    let r = app
        .put(
            &format!("/api/v1/admin/users/{ada_id}/role"),
            Some(&admin),
            json!({"role": "learner"}),
        )
        .await;
    assert_eq!(json_of(r).await["role"], "learner");
    let admin_self = json_of(app.get("/api/v1/me", Some(&admin)).await).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    expect_error(
        app.put(
            &format!("/api/v1/admin/users/{admin_self}/role"),
            Some(&admin),
            json!({"role": "learner"}),
        )
        .await,
        StatusCode::CONFLICT,
        "cannot_change_self",
    )
    .await;
    expect_error(
        app.put(
            &format!("/api/v1/admin/users/{ada_id}/role"),
            Some(&admin),
            json!({"role": "king"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "unknown_role",
    )
    .await;
    let _ = admin_user;
}

async fn suspending_someone_ends_their_sessions_until_restored(app: &TestApp) {
    let (_, admin) = app.with_role(Role::Admin).await;
    let (bo_id, bo_email, bo) = person(app, "bo").await;
    let found = json_of(
        app.get(
            &format!("/api/v1/admin/users?q={}", &bo_email[..6]),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert!(
        found["items"]
            .as_array()
            .is_some_and(|a| a.iter().any(|p| p["id"] == bo_id))
    );

    let suspension = format!("/api/v1/admin/users/{bo_id}/suspension");
    expect_error(
        app.post(&suspension, Some(&admin), json!({"reason": ""}))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "reason_required",
    )
    .await;
    assert_eq!(
        app.get("/api/v1/me", Some(&bo)).await.status(),
        StatusCode::OK
    );
    let r = app
        .post(
            &suspension,
            Some(&admin),
            json!({"reason": "Shared paid videos"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    // The session ends at once, and signing in again is refused.
    expect_error(
        app.get("/api/v1/me", Some(&bo)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.login(&bo_email, PASSWORD).await,
        StatusCode::FORBIDDEN,
        "account_suspended",
    )
    .await;
    // A wrong password still says only "wrong password".
    expect_error(
        app.login(&bo_email, "not the password").await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let detail = json_of(
        app.get(&format!("/api/v1/admin/users/{bo_id}"), Some(&admin))
            .await,
    )
    .await;
    assert_eq!(detail["suspended"], true);
    assert_eq!(detail["suspended_reason"], "Shared paid videos");

    let restored = app
        .client
        .delete(app.url(&suspension))
        .bearer_auth(&admin)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(restored.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.login(&bo_email, PASSWORD).await.status(),
        StatusCode::OK
    );
    let log = json_of(
        app.get(
            &format!("/api/v1/admin/audit?target=account:{bo_id}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    let items = log["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items[0]["action"], "account_restored");
    assert_eq!(items[1]["action"], "account_suspended");
    assert_eq!(items[1]["reason"], "Shared paid videos");

    // In the console's pages too: a page session ends with the suspension.
    let (admin_user, _) = app.with_role(Role::Admin).await;
    let mut operator = Browser::new(app, "en");
    operator.log_in(admin_user.account.email.as_str()).await;
    let mut victim = Browser::new(app, "en");
    victim.log_in(&bo_email).await;
    assert_eq!(victim.get("/library").await.status, StatusCode::OK);
    let page = operator.get(&format!("/admin/users/{bo_id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let done = operator
        .post(
            &format!("/admin/users/{bo_id}/suspend"),
            &[("csrf", &page.csrf()), ("reason", "Chargebacks")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_ne!(victim.get("/library").await.status, StatusCode::OK);
    let list = operator.get("/admin/users?q=bo-").await;
    assert!(list.body.contains("Suspended"), "{}", list.body);
}

async fn only_operators_reach_the_console(app: &TestApp) {
    let (_, creator) = app.with_role(Role::Creator).await;
    let (id, _, learner) = person(app, "cy").await;
    for token in [&creator, &learner] {
        for path in [
            "/api/v1/admin/users".to_owned(),
            format!("/api/v1/admin/users/{id}"),
            "/api/v1/admin/creator-applications".to_owned(),
        ] {
            expect_error(
                app.get(&path, Some(token)).await,
                StatusCode::FORBIDDEN,
                "forbidden",
            )
            .await;
        }
        expect_error(
            app.post(
                &format!("/api/v1/admin/users/{id}/suspension"),
                Some(token),
                json!({"reason": "x"}),
            )
            .await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    for path in ["/api/v1/admin/users", "/api/v1/admin/creator-applications"] {
        expect_error(
            app.get(path, None).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
    let (creator_user, _) = app.with_role(Role::Creator).await;
    let mut browser = Browser::new(app, "zh-CN");
    browser.log_in(creator_user.account.email.as_str()).await;
    for path in [
        "/admin/users",
        "/admin/applications",
        &format!("/admin/users/{id}"),
    ] {
        assert_eq!(
            browser.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
}

async fn payouts_are_previewed_by_name_then_approved(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let (_, _, buyer) = person(app, "payer").await;
    app.buy(&buyer, &product).await;
    let (admin_user, admin) = app.with_role(Role::Admin).await;
    let mut browser = Browser::new(app, "en");
    browser.log_in(admin_user.account.email.as_str()).await;

    let preview = browser.get("/admin/payouts?minimum=0").await;
    assert_eq!(preview.status, StatusCode::OK);
    let creator_name = json_of(app.get("/api/v1/me", Some(&creator)).await).await["display_name"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(preview.body.contains(&creator_name), "{}", preview.body);
    let payees = preview.body.matches("data-test=\"payee\"").count();
    assert!(payees >= 1);
    // Previewing pays nothing.
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payouts").await, 0);
    let bad = browser.get("/admin/payouts?currency=XYZ").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);

    let approved = browser
        .post(
            "/admin/payouts",
            &[
                ("csrf", &preview.csrf()),
                ("currency", ""),
                ("minimum", "0"),
            ],
        )
        .await;
    assert_eq!(approved.status, StatusCode::SEE_OTHER);
    let paid = app.scalar("SELECT COUNT(*) FROM payouts").await;
    assert_eq!(paid, i64::try_from(payees).unwrap_or(-1));
    let after = browser.get("/admin/payouts?minimum=0").await;
    assert!(after.body.contains("data-test=\"payouts-none\""));
    // Approving again pays nothing twice.
    browser
        .post(
            "/admin/payouts",
            &[
                ("csrf", &preview.csrf()),
                ("currency", ""),
                ("minimum", "0"),
            ],
        )
        .await;
    assert_eq!(app.scalar("SELECT COUNT(*) FROM payouts").await, paid);
    let log = json_of(
        app.get("/api/v1/admin/audit?action=payouts_run", Some(&admin))
            .await,
    )
    .await;
    assert_eq!(log["items"].as_array().map_or(0, Vec::len), payees);
    // Learners and creators are refused.
    let mut other = Browser::new(app, "en");
    let creator_email = json_of(app.get("/api/v1/me", Some(&creator)).await).await["email"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    other.log_in(&creator_email).await;
    assert_eq!(
        other.get("/admin/payouts").await.status,
        StatusCode::FORBIDDEN
    );
}

async fn an_operator_finds_an_order_and_refunds_it(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let (_, email, buyer) = person(app, "refundee").await;
    app.buy(&buyer, &product).await;
    let (admin_user, admin) = app.with_role(Role::Admin).await;
    let mut browser = Browser::new(app, "en");
    browser.log_in(admin_user.account.email.as_str()).await;

    let found = browser.get(&format!("/admin/orders?email={email}")).await;
    assert_eq!(found.status, StatusCode::OK);
    assert_eq!(found.body.matches("data-test=\"admin-order\"").count(), 1);
    let id = found
        .field("action=\"/admin/orders/")
        .trim_end_matches("/refund")
        .to_owned();
    let by_id = browser.get(&format!("/admin/orders?id={id}")).await;
    assert_eq!(by_id.body.matches("data-test=\"admin-order\"").count(), 1);
    let nothing = browser.get("/admin/orders?id=not-an-id").await;
    assert_eq!(nothing.status, StatusCode::NOT_FOUND);
    let bad_day = browser.get("/admin/orders?day=someday").await;
    assert_eq!(bad_day.status, StatusCode::UNPROCESSABLE_ENTITY);

    let done = browser
        .post(
            &format!("/admin/orders/{id}/refund"),
            &[
                ("csrf", &found.csrf()),
                ("amount", "5.00"),
                ("reason", "Goodwill"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    let after = browser.get(&format!("/admin/orders?id={id}")).await;
    assert!(after.body.contains("refunded"), "{}", after.body);
    let log = json_of(
        app.get(
            &format!("/api/v1/admin/audit?target=order:{id}"),
            Some(&admin),
        )
        .await,
    )
    .await;
    assert_eq!(log["items"][0]["action"], "order_refunded");
    assert_eq!(log["items"][0]["reason"], "Goodwill");
    assert_eq!(log["items"][0]["after"]["amount"]["amount_minor"], 500);

    let mut learner = Browser::new(app, "en");
    learner.log_in(&email).await;
    assert_eq!(
        learner.get("/admin/orders").await.status,
        StatusCode::FORBIDDEN
    );
}
