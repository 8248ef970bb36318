use std::process::Command;

use serde_json::json;

use crate::helpers::{TestApp, json_of, token_of};
use crate::on_both_databases;

on_both_databases!(
    ledger_verify_passes_on_healthy_books_and_fails_on_a_bad_posting,
    admin_create_makes_an_admin_who_can_log_in,
    search_reindex_reaches_running_servers,
);

fn kenning(app: &TestApp, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kenning"))
        .args(["--database-url", &app.database_url])
        .args(args)
        .env("KENNING_LOG", "error")
        .env_remove("KENNING_ADMIN_PASSWORD")
        .output()
        .unwrap_or_else(|e| panic!("{e}"))
}

pub(crate) fn verify(app: &TestApp) -> std::process::Output {
    kenning(app, &["ledger", "verify"])
}

async fn admin_create_makes_an_admin_who_can_log_in(app: &TestApp) {
    let made = kenning(
        app,
        &[
            "admin",
            "create",
            "--email",
            "Root@Example.com",
            "--role",
            "admin",
            "--password",
            "a very long secret",
        ],
    );
    assert!(
        made.status.success(),
        "{}",
        String::from_utf8_lossy(&made.stderr)
    );
    let token = token_of(app.login("root@example.com", "a very long secret").await).await;
    let me = json_of(app.get("/api/v1/me", Some(&token)).await).await;
    assert_eq!(me["role"], "admin");

    // Without --password one is generated and printed once.
    let generated = kenning(
        app,
        &[
            "admin",
            "create",
            "--email",
            "ops@example.com",
            "--role",
            "creator",
        ],
    );
    assert!(generated.status.success());
    let out = String::from_utf8_lossy(&generated.stdout).to_string();
    let password = out
        .lines()
        .find_map(|l| l.strip_prefix("password: "))
        .unwrap_or_else(|| panic!("{out}"))
        .to_owned();
    let token = token_of(app.login("ops@example.com", &password).await).await;
    assert_eq!(
        json_of(app.get("/api/v1/me", Some(&token)).await).await["role"],
        "creator"
    );

    let refused = kenning(
        app,
        &[
            "admin",
            "create",
            "--email",
            "x@example.com",
            "--role",
            "king",
            "--password",
            "a very long secret",
        ],
    );
    assert!(!refused.status.success());
    let weak = kenning(
        app,
        &[
            "admin",
            "create",
            "--email",
            "y@example.com",
            "--password",
            "short",
        ],
    );
    assert!(!weak.status.success());
    assert_eq!(app.scalar("SELECT COUNT(*) FROM accounts").await, 2);
}

async fn ledger_verify_passes_on_healthy_books_and_fails_on_a_bad_posting(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let learner = app.learner().await;
    let order = json_of(app.order(&learner, &product, "cli").await).await;
    let id = order["id"].as_str().unwrap_or_default();
    app.post(
        &format!("/api/v1/orders/{id}/pay"),
        Some(&learner),
        json!({"card_number": "4242 4242 4242 4242"}),
    )
    .await;

    let ok = verify(app);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    assert!(String::from_utf8_lossy(&ok.stdout).contains("ledger balanced"));

    // Tamper with the books behind the program's back: verify must notice.
    sqlx::query(
        "INSERT INTO ledger_postings (transaction_id, line, account_code, currency, amount_minor) \
         SELECT transaction_id, 99, 'revenue:platform_fees', currency, 1 FROM ledger_postings \
         WHERE line = 0",
    )
    .execute(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    let bad = verify(app);
    assert!(!bad.status.success());
    assert!(String::from_utf8_lossy(&bad.stderr).contains("unbalanced transaction"));
    sqlx::query("DELETE FROM ledger_postings WHERE line = 99")
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));

    // A paid order whose entitlement vanished is reported too.
    sqlx::query("DELETE FROM entitlements")
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let orphan = verify(app);
    assert!(!orphan.status.success());
    assert!(String::from_utf8_lossy(&orphan.stderr).contains("granted no entitlement"));
    // Put it back so the teardown invariants hold.
    sqlx::query(
        "INSERT INTO entitlements (id, account_id, product_id, source, order_id, granted_at_ms) \
         SELECT id, buyer_id, product_id, 'order', id, 0 FROM orders WHERE status = 'paid'",
    )
    .execute(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));

    // The paid order has receipt number 1 of its year; a skipped number is reported.
    // (The server's background numbering may have come by first.)
    app.app
        .number_receipts()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        app.scalar("SELECT receipt_sequence FROM orders WHERE status = 'paid'")
            .await,
        1
    );
    let bump = |delta: i64| async move {
        sqlx::query("UPDATE receipt_counters SET last_sequence = last_sequence + $1")
            .bind(delta)
            .execute(&app.db)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
    };
    bump(1).await;
    let gap = verify(app);
    assert!(!gap.status.success());
    assert!(
        String::from_utf8_lossy(&gap.stderr).contains("1 numbered, highest 1, counter at 2"),
        "{}",
        String::from_utf8_lossy(&gap.stderr)
    );
    bump(-1).await;
}

#[test]
fn recs_eval_prints_one_json_row_per_model() {
    let dir = std::env::temp_dir().join(format!("kenning-recs-{}", uuid::Uuid::new_v4()));
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    // Two taste groups of 30 people; everyone holds out one item of their group.
    let (mut train, mut test) = (String::new(), String::new());
    for u in 0..60 {
        let group = u / 30;
        for i in 0..12 {
            let line = format!("u{u}\tg{group}i{i}\n");
            if i == u % 12 {
                test.push_str(&line)
            } else {
                train.push_str(&line)
            }
        }
    }
    std::fs::write(dir.join("train.tsv"), train).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join("test.tsv"), test).unwrap_or_else(|e| panic!("{e}"));
    let out = Command::new(env!("CARGO_BIN_EXE_kenning"))
        .arg("recs")
        .arg("eval")
        .arg("--train")
        .arg(dir.join("train.tsv"))
        .arg("--test")
        .arg(dir.join("test.tsv"))
        .arg("--json")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let rows: serde_json::Value =
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("stdout is JSON: {e}"));
    let rows = rows.as_array().cloned().unwrap_or_default();
    assert!(rows.len() >= 5, "{rows:?}");
    for row in &rows {
        for key in [
            "model",
            "precision_at_10",
            "recall_at_10",
            "ndcg_at_10",
            "map_at_10",
            "coverage",
            "train_seconds",
            "recommend_seconds",
        ] {
            assert!(row.get(key).is_some(), "{key} in {row}");
        }
    }
    let ndcg = |name: &str| {
        rows.iter()
            .find(|r| r["model"].as_str().unwrap_or_default().starts_with(name))
            .and_then(|r| r["ndcg_at_10"].as_f64())
            .unwrap_or_default()
    };
    assert!(ndcg("ease") > ndcg("popularity"), "{rows:?}");

    let missing = Command::new(env!("CARGO_BIN_EXE_kenning"))
        .args([
            "recs",
            "eval",
            "--train",
            "/nonexistent",
            "--test",
            "/nonexistent",
        ])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!missing.status.success());
    let _ = std::fs::remove_dir_all(dir);
}

/// A change made behind the server's back (another node, a restore, a manual fix) is
/// not in its search index until `kenning search reindex` asks every server to rebuild.
async fn search_reindex_reaches_running_servers(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let found = |body: serde_json::Value| {
        body["items"]
            .as_array()
            .is_some_and(|items| items.iter().any(|i| i["id"] == product.as_str()))
    };
    sqlx::query("UPDATE products SET title = $1 WHERE id = $2")
        .bind(json!({"en": "Zanzibar Ferries", "zh-CN": "桑给巴尔渡轮"}).to_string())
        .bind(product.clone())
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let stale = json_of(app.get("/api/v1/search?q=zanzibar", None).await).await;
    assert!(!found(stale), "the server cannot know yet");

    let out = kenning(app, &["search", "reindex"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("indexed 1 published products"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // Servers look for requests every few seconds.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(15);
    loop {
        let body = json_of(app.get("/api/v1/search?q=zanzibar", None).await).await;
        if found(body) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the server never rebuilt its index"
        );
        tokio::time::sleep(std::time::Duration::from_millis(200)).await;
    }
}

const DB_PASSWORD: &str = "db-pass-never-printed";
const STRIPE_KEY: &str = "sk_live_never_printed_4242";
const WEBHOOK_SECRET: &str = "whsec_never_printed_4242";

/// The binary with secrets in its environment, as an operator would run it.
fn with_secrets(args: &[&str], database_url: &str) -> std::process::Output {
    let data_dir = std::env::temp_dir().join(format!("kenning-secrets-{}", std::process::id()));
    let out = Command::new(env!("CARGO_BIN_EXE_kenning"))
        .args(args)
        .env("KENNING_DATA_DIR", &data_dir)
        .env("KENNING_DATABASE_URL", database_url)
        .env("KENNING_STRIPE_SECRET_KEY", STRIPE_KEY)
        .env("KENNING_STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
        .env("KENNING_LOG", "debug")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    let _ = std::fs::remove_dir_all(data_dir);
    out
}

fn assert_no_secret(output: &std::process::Output) {
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in [DB_PASSWORD, STRIPE_KEY, WEBHOOK_SECRET] {
            assert!(!text.contains(secret), "{secret} printed: {text}");
        }
    }
}

#[test]
fn kenning_config_prints_the_configuration_without_its_secrets() {
    let url = format!("postgres://kenning:{DB_PASSWORD}@db.internal:5432/kenning");
    let out = with_secrets(&["config"], &url);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_secret(&out);
    let printed = String::from_utf8_lossy(&out.stdout);
    assert!(
        printed.contains("database_url = \"postgres://kenning:***@db.internal:5432/kenning\""),
        "{printed}"
    );
    assert!(printed.contains("stripe_secret_key = \"***\""), "{printed}");
    assert!(
        printed.contains("stripe_webhook_secret = \"***\""),
        "{printed}"
    );
}

#[test]
fn start_up_logs_and_errors_never_print_a_secret() {
    // A database that refuses the connection: the error is printed, the password not.
    let refused = format!("postgres://kenning:{DB_PASSWORD}@127.0.0.1:1/kenning");
    let out = with_secrets(&["migrate"], &refused);
    assert!(!out.status.success());
    assert_no_secret(&out);
    // A start that works, with every log line on.
    let out = with_secrets(&["migrate"], "sqlite::memory:");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_no_secret(&out);
}
