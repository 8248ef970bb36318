//! The audit log: operators' actions and money movements are appended with who, when,
//! what and before/after; only operators read it; nobody can change it.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(
    operator_actions_and_money_movements_are_logged,
    only_operators_read_the_log_and_nobody_changes_it,
);

async fn entries(app: &TestApp, token: &str, query: &str) -> Vec<Value> {
    let r = app
        .get(&format!("/api/v1/admin/audit{query}"), Some(token))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    json_of(r).await["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
}

async fn operator_actions_and_money_movements_are_logged(app: &TestApp) {
    let (admin_user, admin) = app.with_role(Role::Admin).await;
    let (product, _, _creator) = app.published_course().await;
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let orders = json_of(app.get("/api/v1/orders", Some(&buyer)).await).await;
    let order = orders[0]["id"].as_str().unwrap_or_default().to_owned();

    // A tax rate changed twice: the second entry has the first as its "before".
    for bps in [1900, 700] {
        let r = app
            .put(
                "/api/v1/admin/tax-rates/DE",
                Some(&admin),
                json!({"rate_bps": bps}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }
    let refund = app
        .post(
            &format!("/api/v1/orders/{order}/refunds"),
            Some(&admin),
            json!({"amount_minor": 1000, "reason": "Asked by e-mail"}),
        )
        .await;
    assert_eq!(refund.status(), StatusCode::CREATED);

    let log = entries(app, &admin, "").await;
    let actions: Vec<&str> = log.iter().filter_map(|e| e["action"].as_str()).collect();
    assert_eq!(actions, ["order_refunded", "tax_rate_set", "tax_rate_set"]);
    let refunded = &log[0];
    assert_eq!(refunded["actor"], admin_user.account.id.to_string());
    assert_eq!(
        refunded["actor_email"],
        admin_user.account.email.to_string()
    );
    assert_eq!(refunded["target"], format!("order:{order}"));
    assert_eq!(refunded["after"]["amount"]["amount_minor"], 1000);
    assert_eq!(refunded["before"]["refunded"]["amount_minor"], 0);
    assert_eq!(refunded["reason"], "Asked by e-mail");
    assert_eq!(log[1]["before"]["rate_bps"], 1900);
    assert_eq!(log[1]["after"]["rate_bps"], 700);
    assert_eq!(log[2]["after"]["rate_bps"], 1900);

    // Filters: by action, by target prefix, by day, and the next page by id.
    assert_eq!(entries(app, &admin, "?action=tax_rate_set").await.len(), 2);
    assert_eq!(entries(app, &admin, "?target=order:").await.len(), 1);
    assert_eq!(entries(app, &admin, "?target=order_").await.len(), 0);
    let older = entries(app, &admin, &format!("?before={}", log[0]["id"])).await;
    assert_eq!(older.len(), 2);
    assert_eq!(entries(app, &admin, "?limit=1").await.len(), 1);
    assert_eq!(
        entries(app, &admin, "?from=2000-01-01&until=2000-01-02")
            .await
            .len(),
        0
    );
    expect_error(
        app.get("/api/v1/admin/audit?action=drop_table", Some(&admin))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_audit_filter",
    )
    .await;

    // Payouts: the creator's share goes out and is logged as money moved.
    let paid = app
        .post("/api/v1/admin/payouts", Some(&admin), json!({"minimum": 0}))
        .await;
    assert_eq!(paid.status(), StatusCode::OK);
    let payouts = json_of(paid).await;
    let logged = entries(app, &admin, "?action=payouts_run").await;
    assert_eq!(logged.len(), payouts.as_array().map_or(0, Vec::len));
    assert!(!logged.is_empty());

    // The console shows the same, and exports it as CSV.
    let mut browser = Browser::new(app, "zh-CN");
    browser.log_in(admin_user.account.email.as_str()).await;
    let page = browser.get("/admin/audit?action=order_refunded").await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.body.matches("data-test=\"audit-entry\"").count(), 1);
    assert!(page.body.contains("订单退款"));
    let csv = browser.get("/admin/audit.csv?action=tax_rate_set").await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.body.lines().count(), 3, "{}", csv.body);
    assert!(
        csv.body
            .starts_with("id,at,actor,actor_email,action,target,before,after,reason")
    );
    let bad = browser.get("/admin/audit?from=yesterday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("data-test=\"form-error\""));
}

async fn only_operators_read_the_log_and_nobody_changes_it(app: &TestApp) {
    let (_, admin) = app.with_role(Role::Admin).await;
    let (_, creator) = app.with_role(Role::Creator).await;
    let learner = app.learner().await;
    app.put(
        "/api/v1/admin/tax-rates/FR",
        Some(&admin),
        json!({"rate_bps": 2000}),
    )
    .await;
    for token in [&creator, &learner] {
        expect_error(
            app.get("/api/v1/admin/audit", Some(token)).await,
            StatusCode::FORBIDDEN,
            "forbidden",
        )
        .await;
    }
    expect_error(
        app.get("/api/v1/admin/audit", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    // The console's pages answer 403 to everyone but operators.
    let (creator_user, _) = app.with_role(Role::Creator).await;
    let mut browser = Browser::new(app, "en");
    browser.log_in(creator_user.account.email.as_str()).await;
    for path in ["/admin", "/admin/audit", "/admin/audit.csv"] {
        assert_eq!(
            browser.get(path).await.status,
            StatusCode::FORBIDDEN,
            "{path}"
        );
    }
    // The database itself refuses to change or remove an entry.
    for sql in [
        "UPDATE audit_log SET reason = 'edited'",
        "DELETE FROM audit_log",
    ] {
        assert!(
            sqlx::query(sql).execute(&app.db).await.is_err(),
            "{sql} was allowed"
        );
    }
    assert_eq!(entries(app, &admin, "").await.len(), 1);
}
