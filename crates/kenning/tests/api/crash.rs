//! Killing the server (SIGKILL) in the middle of a checkout load leaves books that
//! verify: every paid order has its entitlement, every entitlement its paid order, every
//! transaction balances. Runs the real binary as a separate process on the test's
//! database.

use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use serde_json::json;

use crate::helpers::{TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(a_server_killed_mid_checkout_leaves_books_that_verify);

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn start(app: &TestApp, port: u16) -> Child {
    Command::new(env!("CARGO_BIN_EXE_kenning"))
        .args(["--database-url", &app.database_url])
        .args(["--data-dir", &app.data_dir().display().to_string()])
        .args(["--addr", &format!("127.0.0.1:{port}"), "serve"])
        .env("KENNING_LOG", "error")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("{e}"))
}

async fn wait_healthy(client: &reqwest::Client, base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while Instant::now() < deadline {
        if client
            .get(format!("{base}/healthz"))
            .send()
            .await
            .is_ok_and(|r| r.status().is_success())
        {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the server did not start within 60 s");
}

async fn a_server_killed_mid_checkout_leaves_books_that_verify(app: &TestApp) {
    // Many products and buyers, so each buyer has many distinct purchases to make.
    let (_, creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let mut products = Vec::new();
    for i in 0..12 {
        let created = app
            .post(
                "/api/v1/products",
                Some(&creator),
                json!({"kind": "report", "title": {"en": format!("Report {i}")},
                       "prices": [{"amount_minor": 999 + i, "currency": "USD"}]}),
            )
            .await;
        let id = json_of(created).await["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        app.post(
            &format!("/api/v1/products/{id}/lessons"),
            Some(&creator),
            json!({"title": {"en": "Findings"}}),
        )
        .await;
        app.post(
            &format!("/api/v1/products/{id}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
        products.push(id);
    }
    let mut buyers = Vec::new();
    for _ in 0..8 {
        buyers.push(app.learner().await);
    }

    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let client = reqwest::Client::new();
    let mut server = start(app, port);
    wait_healthy(&client, &base).await;

    // Every buyer works through the products: order, then pay.
    let stop = Arc::new(AtomicBool::new(false));
    let paid = Arc::new(AtomicUsize::new(0));
    let mut workers = Vec::new();
    for buyer in buyers.clone() {
        let (client, base, products) = (client.clone(), base.clone(), products.clone());
        let (stop, paid) = (stop.clone(), paid.clone());
        workers.push(tokio::spawn(async move {
            for product in products {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                let Ok(order) = client
                    .post(format!("{base}/api/v1/orders"))
                    .bearer_auth(&buyer)
                    .header("idempotency-key", format!("crash-{product}"))
                    .json(&json!({"product_id": product}))
                    .send()
                    .await
                else {
                    return;
                };
                let Ok(order) = order.json::<serde_json::Value>().await else {
                    return;
                };
                let id = order["id"].as_str().unwrap_or_default().to_owned();
                let Ok(r) = client
                    .post(format!("{base}/api/v1/orders/{id}/pay"))
                    .bearer_auth(&buyer)
                    .json(&json!({"card_number": "4242 4242 4242 4242"}))
                    .send()
                    .await
                else {
                    return;
                };
                if r.status().is_success() {
                    paid.fetch_add(1, Ordering::Relaxed);
                }
            }
        }));
    }
    // Kill it once some orders are paid and others are surely on their way.
    let deadline = Instant::now() + Duration::from_secs(30);
    while paid.load(Ordering::Relaxed) < 10 && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    server.kill().unwrap_or_else(|e| panic!("{e}"));
    let _ = server.wait();
    stop.store(true, Ordering::Relaxed);
    for w in workers {
        let _ = w.await;
    }
    assert!(
        paid.load(Ordering::Relaxed) >= 10,
        "the load ran before the kill"
    );

    // Restarted, the server serves, and the books verify (with no server running too).
    let mut again = start(app, port);
    wait_healthy(&client, &base).await;
    let _ = again.kill();
    let _ = again.wait();
    let verify = Command::new(env!("CARGO_BIN_EXE_kenning"))
        .args(["--database-url", &app.database_url])
        .args(["ledger", "verify"])
        .env("KENNING_LOG", "error")
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        verify.status.success(),
        "{}{}",
        String::from_utf8_lossy(&verify.stdout),
        String::from_utf8_lossy(&verify.stderr)
    );
    let paid_orders = app
        .scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
        .await;
    let entitlements = app.scalar("SELECT COUNT(*) FROM entitlements").await;
    assert_eq!(paid_orders, entitlements);
    assert!(paid_orders >= 10);
}
