//! Tax by country, prices from the rate table, revenue shares (affiliates, partners,
//! co-creators), statements and payouts.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(
    buyers_pay_in_their_currency_with_their_countrys_tax,
    shares_statements_and_payouts_add_up,
);

async fn order_in(
    app: &TestApp,
    token: &str,
    product: &str,
    key: &str,
    extra: Value,
) -> reqwest::Response {
    let mut body = json!({"product_id": product});
    if let (Some(body), Some(extra)) = (body.as_object_mut(), extra.as_object()) {
        body.extend(extra.clone());
    }
    app.order_with(token, key, body).await
}

/// What the ledger holds on an account (credits negative).
async fn balance(app: &TestApp, code: &str) -> i64 {
    let row = sqlx::query(
        "SELECT CAST(COALESCE(SUM(amount_minor), 0) AS BIGINT) FROM ledger_postings \
         WHERE account_code = $1",
    )
    .bind(code.to_owned())
    .fetch_one(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    sqlx::Row::try_get::<i64, _>(&row, 0).unwrap_or_else(|e| panic!("{e}"))
}

async fn buyers_pay_in_their_currency_with_their_countrys_tax(app: &TestApp) {
    // Priced CNY 99.00 (first) and USD 14.99.
    let (product, _, _) = app.published_course().await;
    let buyer = app.learner().await;

    // A German buyer paying in euros: 99 CNY / 7.1 × 0.92 = 12.83 → €12.99 (euro prices
    // end in .99), VAT 19 % included: 12.99 × 19/119 = 2.07.
    let quote = json_of(
        app.get(
            &format!("/api/v1/products/{product}/quote?currency=EUR&country=DE"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        quote["total"],
        json!({"amount_minor": 1299, "currency": "EUR"})
    );
    assert_eq!(quote["tax"]["amount"]["amount_minor"], 207);
    assert_eq!(quote["tax"]["inclusive"], true);
    assert_eq!(quote["converted_from"], "CNY");
    let order = json_of(
        order_in(
            app,
            &buyer,
            &product,
            "de",
            json!({"currency": "EUR", "country": "de"}),
        )
        .await,
    )
    .await;
    assert_eq!(order["total"]["amount_minor"], 1299);
    assert_eq!(order["tax"]["country"], "DE");
    assert_eq!(order["tax"]["rate_bps"], 1900);
    assert_eq!(order["conversion"]["from"], "CNY");
    assert_eq!(order["conversion"]["rate"], "0.12957746");
    app.pay(&buyer, &order).await;
    assert_eq!(balance(app, "liability:tax:DE").await, -207);
    assert_eq!(balance(app, "revenue:platform_fees").await, -109);

    // Yen have no minor unit and round up to tens: 99 / 7.1 × 150 = 2091.5 → ¥2,100.
    let yen = json_of(
        app.get(
            &format!("/api/v1/products/{product}/quote?currency=JPY&country=JP"),
            None,
        )
        .await,
    )
    .await;
    assert_eq!(
        yen["total"],
        json!({"amount_minor": 2100, "currency": "JPY"})
    );
    assert_eq!(yen["tax"]["amount"]["amount_minor"], 191);

    // US prices are shown before tax: an operator's 8 % is added at checkout.
    let (_, admin) = app.with_role(Role::Admin).await;
    for token in [None, Some(buyer.as_str())] {
        let refused = app
            .put(
                "/api/v1/admin/tax-rates/US",
                token,
                json!({"rate_bps": 800}),
            )
            .await;
        assert!(matches!(
            refused.status(),
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN
        ));
    }
    let set = app
        .put(
            "/api/v1/admin/tax-rates/us",
            Some(&admin),
            json!({"rate_bps": 800}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let buyer2 = app.learner().await;
    let us = json_of(
        order_in(
            app,
            &buyer2,
            &product,
            "us",
            json!({"currency": "USD", "country": "US"}),
        )
        .await,
    )
    .await;
    assert_eq!(us["total"]["amount_minor"], 1499 + 120);
    assert_eq!(us["tax"]["inclusive"], false);
    assert_eq!(us["conversion"], Value::Null);

    // The rate table is the operator's: a new rate changes later quotes.
    let rate = app
        .put(
            "/api/v1/admin/exchange-rates/EUR",
            Some(&admin),
            json!({"per_usd": "1.0", "rounding": "whole", "tax_inclusive": true}),
        )
        .await;
    assert_eq!(rate.status(), StatusCode::OK);
    let quote = json_of(
        app.get(
            &format!("/api/v1/products/{product}/quote?currency=EUR&country=FR"),
            None,
        )
        .await,
    )
    .await;
    // 99 / 7.1 = 13.94 → €14.00; French VAT 20 %.
    assert_eq!(quote["total"]["amount_minor"], 1400);
    assert_eq!(quote["tax"]["amount"]["amount_minor"], 233);

    // Bad input is refused and changes nothing.
    let orders_before = app.scalar("SELECT COUNT(*) FROM orders").await;
    for (extra, code) in [
        (json!({"country": "Germany"}), "unknown_country"),
        (json!({"currency": "VND"}), "not_priced_in_currency"),
        (json!({"currency": "XYZ"}), "unknown_currency"),
    ] {
        expect_error(
            order_in(app, &buyer2, &product, "bad", extra).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders").await,
        orders_before
    );
    for (path, body, code) in [
        (
            "/api/v1/admin/tax-rates/DE",
            json!({"rate_bps": 6000}),
            "invalid_tax_rate",
        ),
        (
            "/api/v1/admin/tax-rates/DEU",
            json!({"rate_bps": 100}),
            "unknown_country",
        ),
        (
            "/api/v1/admin/exchange-rates/EUR",
            json!({"per_usd": "-1", "rounding": "whole", "tax_inclusive": true}),
            "invalid_exchange_rate",
        ),
        (
            "/api/v1/admin/exchange-rates/EUR",
            json!({"per_usd": "1.1", "rounding": "sometimes", "tax_inclusive": true}),
            "invalid_exchange_rate",
        ),
    ] {
        expect_error(
            app.put(path, Some(&admin), body).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            code,
        )
        .await;
    }
    let de = json_of(app.get("/api/v1/tax-rates", None).await).await;
    let de = de
        .as_array()
        .and_then(|all| all.iter().find(|r| r["country"] == "DE"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(de["rate_bps"], 1900);
    assert!(crate::cli::verify(app).status.success());
}

async fn shares_statements_and_payouts_add_up(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let creator_id = json_of(app.get("/api/v1/me", Some(&creator)).await).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let (co, co_token) = app.with_role(Role::Creator).await;
    let (partner, partner_token) = app.with_role(Role::Learner).await;
    let affiliate = app.learner().await;
    let (_, admin) = app.with_role(Role::Admin).await;

    // The creator names a co-creator with 30 % and pays affiliates 20 %.
    let cocreators = format!("/api/v1/products/{product}/cocreators");
    for (body, status, code) in [
        (
            json!([{"email": co.account.email.as_str(), "bps": 10_001}]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_share",
        ),
        (
            json!([{"email": "nobody@example.com", "bps": 100}]),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (
            json!([{"email": co.account.email.as_str(), "bps": 6000}, {"email": partner.account.email.as_str(), "bps": 4001}]),
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_share",
        ),
    ] {
        expect_error(
            app.put(&cocreators, Some(&creator), body).await,
            status,
            code,
        )
        .await;
    }
    expect_error(
        app.put(&cocreators, Some(&co_token), json!([])).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let set = app
        .put(
            &cocreators,
            Some(&creator),
            json!([{"email": co.account.email.as_str(), "bps": 3000}]),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let listed = json_of(app.get(&cocreators, Some(&creator)).await).await;
    assert_eq!(listed[0]["bps"], 3000);
    let program = app
        .put(
            "/api/v1/me/affiliate-program",
            Some(&creator),
            json!({"bps": 2000, "cookie_days": 30}),
        )
        .await;
    assert_eq!(program.status(), StatusCode::OK);
    expect_error(
        app.put(
            "/api/v1/me/affiliate-program",
            Some(&creator),
            json!({"bps": 9500, "cookie_days": 30}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_share",
    )
    .await;

    // An operator signs a partner for 5 % of everything the creator sells.
    let contract = json!({"partner_email": partner.account.email.as_str(), "creator_id": creator_id, "bps": 500});
    expect_error(
        app.post(
            "/api/v1/admin/partner-contracts",
            Some(&creator),
            contract.clone(),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let signed = app
        .post("/api/v1/admin/partner-contracts", Some(&admin), contract)
        .await;
    assert_eq!(signed.status(), StatusCode::CREATED);
    let mine = json_of(app.get("/api/v1/me/contracts", Some(&partner_token)).await).await;
    assert_eq!(mine[0]["bps"], 500);

    // A buyer arrives by the affiliate's link. USD 14.99 with no US tax: fee 1.49,
    // affiliate 2.99, partner 0.74, co-creator 4.49, the creator keeps 5.28.
    let code = json_of(app.get("/api/v1/me/referral", Some(&affiliate)).await).await["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let buyer = app.learner().await;
    let order = json_of(
        order_in(
            app,
            &buyer,
            &product,
            "ref",
            json!({"currency": "USD", "country": "US", "referral": code}),
        )
        .await,
    )
    .await;
    assert_eq!(order["referred"], true);
    app.pay(&buyer, &order).await;
    let statement = |token: String| async move {
        json_of(app.get("/api/v1/me/statements", Some(&token)).await).await["statements"][0].clone()
    };
    assert_eq!(
        statement(affiliate.clone()).await["earned"]["amount_minor"],
        299
    );
    assert_eq!(
        statement(partner_token.clone()).await["earned"]["amount_minor"],
        74
    );
    assert_eq!(
        statement(co_token.clone()).await["earned"]["amount_minor"],
        449
    );
    let mine = statement(creator.clone()).await;
    assert_eq!(mine["earned"]["amount_minor"], 528);
    assert_eq!(mine["lines"][0]["role"], "creator");

    // Your own link earns you nothing.
    let own = json_of(app.get("/api/v1/me/referral", Some(&affiliate)).await).await;
    assert_eq!(own["code"], code.as_str());
    let self_referred = json_of(
        order_in(
            app,
            &affiliate,
            &product,
            "self",
            json!({"currency": "USD", "country": "US", "referral": code}),
        )
        .await,
    )
    .await;
    assert_eq!(self_referred["referred"], false);

    // A partial refund takes every share back in proportion; the rest stays owed.
    let id = order["id"].as_str().unwrap_or_default();
    let refunded = app
        .post(
            &format!("/api/v1/orders/{id}/refunds"),
            Some(&creator),
            json!({"amount_minor": 500}),
        )
        .await;
    assert_eq!(refunded.status(), StatusCode::CREATED);
    let mine = statement(creator.clone()).await;
    let owed = mine["closing"]["amount_minor"].as_i64().unwrap_or_default();
    assert!(owed > 0 && owed < 528, "{mine}");
    assert!(
        mine["refunded"]["amount_minor"]
            .as_i64()
            .unwrap_or_default()
            < 0
    );

    // CSV for the spreadsheet.
    let csv = app
        .get("/api/v1/me/statements?format=csv", Some(&creator))
        .await;
    assert_eq!(
        csv.headers()["content-type"].to_str().unwrap_or_default(),
        "text/csv; charset=utf-8"
    );
    let csv = csv.text().await.unwrap_or_default();
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some(
            "date,kind,role,order,product,currency,amount,paid,tax,payment_fee,platform_fee,\
             other_shares"
        )
    );
    // A sale names its product and where the buyer's 14.99 went: no tax, the 1.49
    // platform fee, 8.22 to the affiliate, partner and co-creator, 5.28 to the creator.
    let sale = csv
        .lines()
        .find(|l| l.contains(&format!("sale,creator,{id},")))
        .unwrap_or_else(|| panic!("{csv}"));
    assert!(sale.contains(",USD,5.28,14.99,0.00,"), "{sale}");
    assert!(sale.ends_with(",1.49,8.22"), "{sale}");
    let product_title = sale.split(',').nth(4).unwrap_or_default();
    assert!(!product_title.is_empty(), "{sale}");
    assert!(csv.contains(",refund,creator,"), "{csv}");
    expect_error(
        app.get("/api/v1/me/statements?month=2026-13", Some(&creator))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_period",
    )
    .await;

    // A payout run pays balances above the minimum, once.
    expect_error(
        app.post("/api/v1/admin/payouts", Some(&creator), json!({}))
            .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let run = json_of(
        app.post(
            "/api/v1/admin/payouts",
            Some(&admin),
            json!({"currency": "USD", "minimum": 3}),
        )
        .await,
    )
    .await;
    let paid: Vec<i64> = run
        .as_array()
        .map(|r| {
            r.iter()
                .filter_map(|p| p["amount"]["amount_minor"].as_i64())
                .collect()
        })
        .unwrap_or_default();
    // Only the creator and the co-creator are owed three dollars or more.
    assert_eq!(paid.len(), 2, "{run}");
    assert!(paid.contains(&owed));
    let mine = statement(creator.clone()).await;
    assert_eq!(mine["paid_out"]["amount_minor"], -owed);
    assert_eq!(mine["closing"]["amount_minor"], 0);
    let again = json_of(
        app.post("/api/v1/admin/payouts", Some(&admin), json!({"minimum": 3}))
            .await,
    )
    .await;
    assert_eq!(again, json!([]));
    // Smaller balances wait for the next run with a lower minimum.
    let rest = json_of(
        app.post("/api/v1/admin/payouts", Some(&admin), json!({"minimum": 0}))
            .await,
    )
    .await;
    assert_eq!(rest.as_array().map(Vec::len), Some(2));
    let listed = json_of(app.get("/api/v1/admin/payouts", Some(&admin)).await).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(4));
    // Everyone is paid everything they were owed.
    assert_eq!(
        app.scalar(
            "SELECT CAST(COUNT(*) AS BIGINT) FROM (SELECT account_code FROM ledger_postings \
             WHERE account_code LIKE 'liability:%' AND account_code NOT LIKE 'liability:tax:%' \
             GROUP BY account_code HAVING SUM(amount_minor) <> 0) AS owed"
        )
        .await,
        0
    );
    assert!(crate::cli::verify(app).status.success());
}
