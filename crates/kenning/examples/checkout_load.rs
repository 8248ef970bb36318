//! Checkout throughput against a running server: paid orders per second with the
//! sandbox provider. `bench/checkout.sh` starts the server and runs this.
//!
//! Usage: checkout_load BASE_URL CREATOR_EMAIL PASSWORD [SECONDS] [WORKERS]
//!
//! Sets up 400 products and one buyer per worker through the API, then each worker
//! buys product after product (create order + pay, two requests) for SECONDS.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

async fn post(client: &reqwest::Client, url: String, token: Option<&str>, body: Value) -> Value {
    let mut req = client.post(url).json(&body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .json()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (Some(base), Some(email), Some(password)) = (args.get(1), args.get(2), args.get(3)) else {
        eprintln!("usage: checkout_load BASE_URL CREATOR_EMAIL PASSWORD [SECONDS] [WORKERS]");
        std::process::exit(2);
    };
    let seconds: u64 = args.get(4).and_then(|s| s.parse().ok()).unwrap_or(20);
    let workers: usize = args.get(5).and_then(|s| s.parse().ok()).unwrap_or(16);
    let client = reqwest::Client::new();
    let session = post(
        &client,
        format!("{base}/api/v1/sessions"),
        None,
        json!({"email": email, "password": password}),
    )
    .await;
    let creator = session["token"].as_str().unwrap_or_default().to_owned();

    let mut products = Vec::new();
    for i in 0..400 {
        let p = post(
            &client,
            format!("{base}/api/v1/products"),
            Some(&creator),
            json!({"kind": "report", "title": {"en": format!("Bench report {i}")},
                   "prices": [{"amount_minor": 990 + i, "currency": "USD"}]}),
        )
        .await;
        let id = p["id"].as_str().unwrap_or_default().to_owned();
        post(
            &client,
            format!("{base}/api/v1/products/{id}/lessons"),
            Some(&creator),
            json!({"title": {"en": "Findings"}}),
        )
        .await;
        post(
            &client,
            format!("{base}/api/v1/products/{id}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
        products.push(id);
    }
    let run = format!("{}", std::process::id());
    let mut buyers = Vec::new();
    for w in 0..workers {
        let email = format!("bench-{run}-{w}@example.com");
        post(
            &client,
            format!("{base}/api/v1/accounts"),
            None,
            json!({"email": email, "password": "bench password 2026", "display_name": "Bench"}),
        )
        .await;
        let s = post(
            &client,
            format!("{base}/api/v1/sessions"),
            None,
            json!({"email": email, "password": "bench password 2026"}),
        )
        .await;
        buyers.push(s["token"].as_str().unwrap_or_default().to_owned());
    }

    let deadline = Instant::now() + Duration::from_secs(seconds);
    let started = Instant::now();
    let tasks: Vec<_> = buyers
        .into_iter()
        .map(|buyer| {
            let (client, base, products) = (client.clone(), base.clone(), products.clone());
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                for product in products {
                    if Instant::now() >= deadline {
                        break;
                    }
                    let t = Instant::now();
                    let order: Value = client
                        .post(format!("{base}/api/v1/orders"))
                        .bearer_auth(&buyer)
                        .header("idempotency-key", format!("bench-{product}"))
                        .json(&json!({"product_id": product}))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"))
                        .json()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    let id = order["id"].as_str().unwrap_or_default();
                    let paid = client
                        .post(format!("{base}/api/v1/orders/{id}/pay"))
                        .bearer_auth(&buyer)
                        .json(&json!({"card_number": "4242 4242 4242 4242"}))
                        .send()
                        .await
                        .unwrap_or_else(|e| panic!("{e}"));
                    assert!(paid.status().is_success(), "{}", paid.status());
                    latencies.push(t.elapsed());
                }
                latencies
            })
        })
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap_or_default());
    }
    let elapsed = started.elapsed().as_secs_f64();
    all.sort();
    let pct = |p: f64| {
        let i = ((all.len() as f64 - 1.0) * p).round() as usize;
        all.get(i).map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    };
    println!(
        "paid orders: {} in {elapsed:.1} s = {:.0}/s with {workers} buyers; \
         checkout (order + pay) p50 {:.1} ms, p99 {:.1} ms",
        all.len(),
        all.len() as f64 / elapsed,
        pct(0.5),
        pct(0.99)
    );
}
