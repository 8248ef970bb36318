use std::collections::HashMap;

use kenning_domain::account::Role;
use reqwest::{StatusCode, header};
use serde_json::json;

use crate::helpers::{PASSWORD, TestApp, json_of, token_of};
use crate::on_both_databases;

on_both_databases!(
    pages_speak_the_negotiated_and_chosen_language,
    forms_refuse_missing_tokens_and_cross_site_posts,
    a_learner_buys_through_the_pages,
    a_creator_uploads_a_cover_within_limits,
    the_api_is_documented_without_external_assets,
    a_buyer_abroad_pays_tax_gets_a_receipt_and_pays_the_referrer,
    operators_keep_the_tax_and_rate_tables,
    creators_see_their_coupons_and_questions_to_answer,
    kept_product_pages_stay_personal_and_fresh,
);

/// A tiny cookie-keeping browser that does not follow redirects.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    pub(crate) cookies: HashMap<String, String>,
    lang: &'static str,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) body: String,
}

impl Page {
    pub(crate) fn field(&self, marker: &str) -> String {
        let start = self
            .body
            .find(marker)
            .map(|i| i + marker.len())
            .unwrap_or_else(|| panic!("{marker} not in page:\n{}", self.body));
        self.body[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    pub(crate) fn csrf(&self) -> String {
        self.field("name=\"csrf\" value=\"")
    }
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp, lang: &'static str) -> Self {
        Browser {
            app,
            cookies: HashMap::new(),
            lang,
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let r = req
            .header(header::COOKIE, self.cookie_header())
            .header(header::ACCEPT_LANGUAGE, self.lang)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for set in r.headers().get_all(header::SET_COOKIE) {
            let pair = set
                .to_str()
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        let status = r.status();
        let location = r
            .headers()
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Page {
            status,
            location,
            body: r.text().await.unwrap_or_default(),
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let req = self.app.browser.get(self.app.url(path));
        self.send(req).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let req = self.app.browser.post(self.app.url(path)).form(form);
        self.send(req).await
    }

    pub(crate) async fn log_in(&mut self, email: &str) {
        self.log_in_with(email, PASSWORD).await;
    }

    pub(crate) async fn log_in_with(&mut self, email: &str, password: &str) {
        let page = self.get("/login").await;
        let csrf = page.csrf();
        let done = self
            .post(
                "/login",
                &[
                    ("csrf", &csrf),
                    ("email", email),
                    ("password", password),
                    ("next", "/"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
        assert!(self.cookies.contains_key("kenning_session"));
    }
}

async fn pages_speak_the_negotiated_and_chosen_language(app: &TestApp) {
    app.published_course().await;
    let mut zh = Browser::new(app, "zh-CN,zh;q=0.9");
    let home = zh.get("/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("<html lang=\"zh-CN\""));
    assert!(home.body.contains("全部内容"));
    assert!(home.body.contains("Rust 实战"));
    assert!(home.body.contains("¥99.00"), "CNY for Chinese readers");
    let product_page = zh
        .get(&format!("/products/{}", first_product_id(&home.body)))
        .await;
    assert!(
        product_page.body.contains("日发布"),
        "dates in Chinese form: {}",
        product_page.body
    );

    let mut en = Browser::new(app, "en-US,en;q=0.8");
    let home = en.get("/").await;
    let product_page = en
        .get(&format!("/products/{}", first_product_id(&home.body)))
        .await;
    assert!(product_page.body.contains("Published "));
    assert!(home.body.contains("<html lang=\"en\""));
    assert!(home.body.contains("Rust in Practice"));
    assert!(home.body.contains("$14.99"));

    // Switching by hand is remembered.
    let csrf = home.csrf();
    let switched = en
        .post(
            "/preferences",
            &[("csrf", &csrf), ("lang", "zh-CN"), ("back", "/catalog")],
        )
        .await;
    assert_eq!(switched.status, StatusCode::SEE_OTHER);
    assert_eq!(switched.location.as_deref(), Some("/catalog"));
    let catalog = en.get("/catalog").await;
    assert!(
        catalog.body.contains("<html lang=\"zh-CN\""),
        "{}",
        &catalog.body[..200]
    );
    assert!(catalog.body.contains("共 1 件"));

    let missing = en
        .get("/products/00000000-0000-0000-0000-000000000000")
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("找不到该内容"));
}

async fn forms_refuse_missing_tokens_and_cross_site_posts(app: &TestApp) {
    let mut b = Browser::new(app, "en");
    b.get("/register").await;
    let forged = b
        .post(
            "/register",
            &[
                ("email", "x@example.com"),
                ("password", PASSWORD),
                ("display_name", "X"),
            ],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(forged.body.contains("did not come from this site"));

    let page = b.get("/register").await;
    let cross = app
        .browser
        .post(app.url("/register"))
        .header(header::COOKIE, b.cookie_header())
        .header(header::ORIGIN, "https://evil.example")
        .form(&[
            ("csrf", page.csrf().as_str()),
            ("email", "x@example.com"),
            ("password", PASSWORD),
            ("display_name", "X"),
        ])
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(cross.status(), StatusCode::FORBIDDEN);
    assert_eq!(app.scalar("SELECT COUNT(*) FROM accounts").await, 0);

    // A weak password is explained on the form, in the person's language.
    let mut zh = Browser::new(app, "zh-CN");
    let page = zh.get("/register").await;
    let weak = zh
        .post(
            "/register",
            &[
                ("csrf", &page.csrf()),
                ("email", "y@example.com"),
                ("password", "short"),
                ("display_name", "Y"),
            ],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("密码至少需要 10 个字符"));
    assert!(
        weak.body.contains("y@example.com"),
        "the form keeps what was typed"
    );
    assert_eq!(app.scalar("SELECT COUNT(*) FROM accounts").await, 0);
}

async fn a_learner_buys_through_the_pages(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let mut b = Browser::new(app, "en");

    // A locked lesson sends an anonymous visitor to log in, and back afterwards.
    let locked = b.get(&format!("/lessons/{}", lessons[1])).await;
    assert_eq!(locked.status, StatusCode::SEE_OTHER);
    assert_eq!(
        locked.location.as_deref(),
        Some(format!("/login?next=%2Flessons%2F{}", lessons[1]).as_str())
    );
    let preview = b.get(&format!("/lessons/{}", lessons[0])).await;
    assert_eq!(preview.status, StatusCode::OK);
    assert!(preview.body.contains("Secret text 0"));

    let form = b.get("/register?next=/library").await;
    let registered = b
        .post(
            "/register",
            &[
                ("csrf", &form.csrf()),
                ("email", "page@example.com"),
                ("password", PASSWORD),
                ("display_name", "Page Learner"),
                ("next", "/library"),
            ],
        )
        .await;
    assert_eq!(registered.status, StatusCode::SEE_OTHER);
    assert_eq!(registered.location.as_deref(), Some("/library"));
    let library = b.get("/library").await;
    assert!(library.body.contains("data-test=\"library-empty\""));

    let not_yet = b.get(&format!("/lessons/{}", lessons[1])).await;
    assert_eq!(not_yet.status, StatusCode::FORBIDDEN);
    assert!(!not_yet.body.contains("Secret text 1"));

    let page = b.get(&format!("/products/{product}")).await;
    let key = page.field("name=\"key\" value=\"");
    let bought = b
        .post(
            &format!("/products/{product}/buy"),
            &[("csrf", &page.csrf()), ("key", &key), ("currency", "USD")],
        )
        .await;
    assert_eq!(bought.status, StatusCode::SEE_OTHER);
    let order_path = bought.location.clone().unwrap_or_default();
    // Submitting the same form twice opens the same order.
    let again = b
        .post(
            &format!("/products/{product}/buy"),
            &[("csrf", &page.csrf()), ("key", &key), ("currency", "USD")],
        )
        .await;
    assert_eq!(again.location.as_deref(), Some(order_path.as_str()));

    let checkout = b.get(&order_path).await;
    assert!(checkout.body.contains("$14.99"));
    let declined = b
        .post(
            &format!("{order_path}/pay"),
            &[
                ("csrf", &checkout.csrf()),
                ("card_number", "4000 0000 0000 0002"),
            ],
        )
        .await;
    assert_eq!(declined.status, StatusCode::PAYMENT_REQUIRED);
    assert!(declined.body.contains("declined"));
    let paid = b
        .post(
            &format!("{order_path}/pay"),
            &[
                ("csrf", &checkout.csrf()),
                ("card_number", "4242 4242 4242 4242"),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);
    assert_eq!(
        paid.location,
        Some(format!("/products/{product}?purchased=1"))
    );

    let lesson = b.get(&format!("/lessons/{}", lessons[1])).await;
    assert_eq!(lesson.status, StatusCode::OK);
    assert!(lesson.body.contains("Secret text 1"));
    let library = b.get("/library").await;
    assert!(library.body.contains("Rust in Practice"));

    // Another person's order page does not exist for them.
    let mut other = Browser::new(app, "en");
    let (_, _) = app.with_role(Role::Learner).await;
    let email = "other@example.com";
    app.app
        .upsert_account(
            kenning_app::accounts::Registration {
                email: email.into(),
                password: PASSWORD.into(),
                display_name: "Other".into(),
            },
            Role::Learner,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    other.log_in(email).await;
    assert_eq!(other.get(&order_path).await.status, StatusCode::NOT_FOUND);

    let home = b.get("/").await;
    let out = b.post("/logout", &[("csrf", &home.csrf())]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert_eq!(b.get("/library").await.status, StatusCode::SEE_OTHER);
}

fn first_product_id(html: &str) -> String {
    let marker = "href=\"/products/";
    let start = html.find(marker).map(|i| i + marker.len()).unwrap_or(0);
    html[start..]
        .split('"')
        .next()
        .unwrap_or_default()
        .to_owned()
}

fn png(size: usize) -> Vec<u8> {
    let mut bytes = b"\x89PNG\r\n\x1a\n".to_vec();
    bytes.resize(size, 0);
    bytes
}

async fn upload(b: &mut Browser<'_>, product: &str, csrf: &str, bytes: Vec<u8>) -> Page {
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.to_owned())
        .part(
            "cover",
            reqwest::multipart::Part::bytes(bytes).file_name("cover.png"),
        );
    let req = b
        .app
        .browser
        .post(b.app.url(&format!("/studio/products/{product}/cover")))
        .multipart(form);
    b.send(req).await
}

async fn a_creator_uploads_a_cover_within_limits(app: &TestApp) {
    let (creator, _) = app.with_role(Role::Creator).await;
    let mut b = Browser::new(app, "zh-CN");
    b.log_in(creator.account.email.as_str()).await;

    let form = b.get("/studio/products/new").await;
    assert_eq!(form.status, StatusCode::OK);
    let created = b
        .post(
            "/studio/products",
            &[
                ("csrf", &form.csrf()),
                ("kind", "course"),
                ("title_en", "Cover test"),
                ("title_zh", "封面测试"),
                ("price_cny", "19.9"),
                ("price_usd", "2.99"),
                ("tags", "a, b"),
            ],
        )
        .await;
    assert_eq!(created.status, StatusCode::SEE_OTHER);
    let edit_path = created.location.clone().unwrap_or_default();
    let product = edit_path.rsplit('/').next().unwrap_or_default().to_owned();
    let edit = b.get(&edit_path).await;
    assert!(edit.body.contains("封面测试"));
    let csrf = edit.csrf();

    let bad_price = b
        .post(
            &edit_path,
            &[
                ("csrf", &csrf),
                ("kind", "course"),
                ("title_en", "Cover test"),
                ("price_cny", "-5"),
            ],
        )
        .await;
    assert_eq!(bad_price.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad_price.body.contains("金额对该币种无效"));

    let too_big = upload(&mut b, &product, &csrf, png(6 * 1024 * 1024)).await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(too_big.body.contains("上传的文件过大"), "{}", too_big.body);
    // Past the request limit the server answers 413 before reading the body and closes
    // the connection; a client still sending may see the reset instead of the answer.
    let form = reqwest::multipart::Form::new()
        .text("csrf", csrf.clone())
        .part(
            "cover",
            reqwest::multipart::Part::bytes(png(12 * 1024 * 1024)).file_name("c.png"),
        );
    let far_too_big = app
        .browser
        .post(app.url(&format!("/studio/products/{product}/cover")))
        .header(header::COOKIE, b.cookie_header())
        .multipart(form)
        .send()
        .await;
    if let Ok(response) = far_too_big {
        assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    }

    let not_image = upload(&mut b, &product, &csrf, b"<svg onload=alert(1)>".to_vec()).await;
    assert_eq!(not_image.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The editor again, with the reason beside the cover form.
    assert!(
        not_image.body.contains("data-test=\"form-error\""),
        "{}",
        not_image.body
    );

    let ok = upload(&mut b, &product, &csrf, png(2048)).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let edit = b.get(&edit_path).await;
    let cover = edit.field("data-test=\"cover-image\"").len();
    assert!(cover > 0);
    let src = edit.field("<img class=\"cover large\" src=\"");
    let image = app
        .client
        .get(app.url(&src))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(image.status(), StatusCode::OK);
    assert_eq!(
        image
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok()),
        Some("image/png")
    );

    // A learner cannot reach the studio actions.
    let mut learner = Browser::new(app, "en");
    let (l, _) = app.with_role(Role::Learner).await;
    learner.log_in(l.account.email.as_str()).await;
    assert_eq!(
        learner.get("/studio/products/new").await.status,
        StatusCode::FORBIDDEN
    );
    let home = learner.get("/").await;
    let refused = upload(&mut learner, &product, &home.csrf(), png(100)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
}

async fn the_api_is_documented_without_external_assets(app: &TestApp) {
    let spec = app.get("/api/openapi.json", None).await;
    assert_eq!(spec.status(), StatusCode::OK);
    let spec: serde_json::Value = spec.json().await.unwrap_or_default();
    assert!(
        spec["openapi"]
            .as_str()
            .unwrap_or_default()
            .starts_with("3.")
    );
    for path in [
        "/api/v1/accounts",
        "/api/v1/sessions",
        "/api/v1/products",
        "/api/v1/products/{id}",
        "/api/v1/lessons/{id}",
        "/api/v1/orders",
        "/api/v1/orders/{id}/pay",
        "/api/v1/library",
    ] {
        assert!(spec["paths"].get(path).is_some(), "{path} documented");
    }
    let docs = app
        .client
        .get(app.url("/api/docs"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(docs.status(), StatusCode::OK);
    let html = docs.text().await.unwrap_or_default();
    assert!(html.contains("swagger"), "{html}");
    assert!(!html.contains("src=\"http"), "no external scripts");
    assert!(!html.contains("href=\"http"), "no external stylesheets");
    assert_eq!(app.get("/healthz", None).await.status(), StatusCode::OK);
}

async fn a_buyer_abroad_pays_tax_gets_a_receipt_and_pays_the_referrer(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let set = app
        .put(
            "/api/v1/me/affiliate-program",
            Some(&creator),
            serde_json::json!({"bps": 1000, "cookie_days": 7}),
        )
        .await;
    assert_eq!(set.status(), StatusCode::OK);
    let affiliate = app.learner().await;
    let code = json_of(app.get("/api/v1/me/referral", Some(&affiliate)).await).await["code"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // A visitor from Germany follows the affiliate's link; an unknown code sets nothing.
    let mut b = Browser::new(app, "en-GB;q=0.9, de-DE;q=0.8");
    b.get(&format!("/products/{product}?ref=nonsense")).await;
    assert!(!b.cookies.contains_key("kenning_ref"));
    let page = b
        .get(&format!(
            "/products/{product}?ref={code}&currency=EUR&country=DE"
        ))
        .await;
    assert!(b.cookies["kenning_ref"].starts_with(&format!("{code}.")));
    assert!(page.body.contains("€12.99"), "{}", page.body);
    assert!(page.body.contains("Includes 19% tax (DE)"));
    assert!(page.body.contains("Converted from CNY"));
    // The catalog's cards show the same converted price.
    let listing = b.get("/catalog?currency=EUR").await;
    assert!(listing.body.contains("€12.99"), "{}", listing.body);
    // Without a choice the region of the language tags decides (en-GB: British VAT).
    let british = Browser::new(app, "en-GB")
        .get(&format!("/products/{product}"))
        .await;
    // Dollar prices are before tax: the page shows what a British buyer pays, and how.
    assert!(british.body.contains("tax (20%, GB)"), "{}", british.body);

    app.app
        .upsert_account(
            kenning_app::accounts::Registration {
                email: "abroad@example.com".into(),
                password: PASSWORD.into(),
                display_name: "Anna Abroad".into(),
            },
            Role::Learner,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    b.log_in("abroad@example.com").await;
    let page = b.get(&format!("/products/{product}")).await;
    let key = page.field("name=\"key\" value=\"");
    let bought = b
        .post(
            &format!("/products/{product}/buy"),
            &[
                ("csrf", &page.csrf()),
                ("key", &key),
                ("currency", "EUR"),
                ("country", "DE"),
            ],
        )
        .await;
    assert_eq!(bought.status, StatusCode::SEE_OTHER, "{}", bought.body);
    let order_path = bought.location.clone().unwrap_or_default();
    let checkout = b.get(&order_path).await;
    assert!(
        checkout.body.contains("data-test=\"order-tax\">€2.07"),
        "{}",
        checkout.body
    );
    assert!(checkout.body.contains("data-test=\"order-total\">€12.99"));
    let paid = b
        .post(
            &format!("{order_path}/pay"),
            &[
                ("csrf", &checkout.csrf()),
                ("card_number", "4242 4242 4242 4242"),
            ],
        )
        .await;
    assert_eq!(paid.status, StatusCode::SEE_OTHER);

    // The receipt shows the tax line, the conversion and the card.
    let receipt = b.get(&format!("{order_path}/receipt")).await;
    assert_eq!(receipt.status, StatusCode::OK);
    for expected in [
        "Tax 19% (DE), included",
        "€2.07",
        "€12.99",
        "€10.92",
        "Card ending 4242",
        "Billed to Anna Abroad",
        "CNY × 0.12957746",
        "Sold by Example Learning Ltd",
        "1 Example Street, London",
        "Tax number: GB123456789",
        "On behalf of ",
        "Receipt no. ",
    ] {
        assert!(
            receipt.body.contains(expected),
            "{expected}: {}",
            receipt.body
        );
    }
    let pdf = b
        .send(
            app.browser
                .get(app.url(&format!("{order_path}/receipt.pdf"))),
        )
        .await;
    assert_eq!(pdf.status, StatusCode::OK);
    let bytes = app
        .browser
        .get(app.url(&format!("{order_path}/receipt.pdf")))
        .header(header::COOKIE, b.cookie_header())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .bytes()
        .await
        .unwrap_or_default();
    let doc = lopdf::Document::load_mem(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(doc.get_pages().len(), 1);
    // Nobody else sees it.
    let mut other = Browser::new(app, "en");
    app.app
        .upsert_account(
            kenning_app::accounts::Registration {
                email: "nosy@example.com".into(),
                password: PASSWORD.into(),
                display_name: "Nosy".into(),
            },
            Role::Learner,
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    other.log_in("nosy@example.com").await;
    assert_eq!(
        other.get(&format!("{order_path}/receipt")).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        other.get(&format!("{order_path}/receipt.pdf")).await.status,
        StatusCode::NOT_FOUND
    );

    // The cookie carried the referral: 10 % of the €10.92 net.
    let theirs = json_of(app.get("/api/v1/me/statements", Some(&affiliate)).await).await;
    assert_eq!(
        theirs["statements"][0]["earned"],
        serde_json::json!({"amount_minor": 109, "currency": "EUR"})
    );
    // The creator's earnings page and its CSV.
    let mut studio = Browser::new(app, "zh-CN");
    let creator_email = json_of(app.get("/api/v1/me", Some(&creator)).await).await["email"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    studio.log_in(&creator_email).await;
    let earnings = studio.get("/earnings").await;
    assert_eq!(earnings.status, StatusCode::OK);
    assert!(earnings.body.contains("本月收入"));
    assert!(earnings.body.contains("data-test=\"statement-line\""));
    let csv = studio.get("/earnings.csv").await;
    assert!(
        csv.body
            .starts_with("date,kind,role,order,product,currency,amount,paid")
    );
    assert!(earnings.body.contains("data-test=\"statement-breakdown\""));
    assert!(csv.body.contains(",sale,creator,"));
    // The creator's sales, and a partial refund from the page.
    let sales = studio.get("/studio/sales").await;
    assert!(sales.body.contains("abroad@example.com"), "{}", sales.body);
    assert!(sales.body.contains("<thead>"), "the table is labelled");
    let order_id = order_path.trim_start_matches("/orders/");
    let refund_path = format!("/studio/sales/{order_id}/refund");
    // More than was paid: refused beside the row, with what was typed, and nothing moves.
    let too_much = studio
        .post(
            &refund_path,
            &[
                ("csrf", &sales.csrf()),
                ("amount", "9999"),
                ("reason", "late"),
            ],
        )
        .await;
    assert_eq!(
        too_much.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        too_much.body
    );
    assert!(too_much.body.contains("data-test=\"form-error\""));
    assert!(too_much.body.contains("value=\"9999\""));
    // The first press only shows what the refund does.
    let asked = studio
        .post(
            &refund_path,
            &[
                ("csrf", &sales.csrf()),
                ("amount", "1.00"),
                ("reason", "late"),
            ],
        )
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(asked.body.contains("data-test=\"refund-confirm\""));
    assert!(
        asked.body.contains("data-test=\"refund-keeps\""),
        "a partial refund keeps access"
    );
    let api_sales = json_of(app.get("/api/v1/me/sales", Some(&creator)).await).await;
    assert_ne!(api_sales[0]["status"], "partially_refunded", "{api_sales}");
    // Confirmed, it is made.
    let refunded = studio
        .post(
            &refund_path,
            &[
                ("csrf", &sales.csrf()),
                ("amount", "1.00"),
                ("reason", "late"),
                ("confirmed", "1"),
            ],
        )
        .await;
    assert_eq!(refunded.status, StatusCode::SEE_OTHER, "{}", refunded.body);
    let after = studio.get("/studio/sales?refunded=1").await;
    assert!(after.body.contains("data-test=\"sale-refunded\""));
    let api_sales = json_of(app.get("/api/v1/me/sales", Some(&creator)).await).await;
    assert_eq!(api_sales[0]["refunded"]["amount_minor"], 100);
    assert_eq!(api_sales[0]["status"], "partially_refunded");
    // A learner has no sales page.
    assert_eq!(b.get("/studio/sales").await.status, StatusCode::FORBIDDEN);
    assert!(crate::cli::verify(app).status.success());
    let bad = studio.get("/earnings?month=someday").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("YYYY-MM"));
}

async fn operators_keep_the_tax_and_rate_tables(app: &TestApp) {
    let (admin, _) = app.with_role(Role::Admin).await;
    let (learner, _) = app.with_role(Role::Learner).await;
    let mut nosy = Browser::new(app, "en");
    nosy.log_in(learner.account.email.as_str()).await;
    assert_eq!(nosy.get("/admin/rates").await.status, StatusCode::FORBIDDEN);
    let form = nosy.get("/").await;
    let refused = nosy
        .post(
            "/admin/rates/tax",
            &[("csrf", &form.csrf()), ("country", "DE"), ("percent", "0")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut b = Browser::new(app, "en");
    b.log_in(admin.account.email.as_str()).await;
    let page = b.get("/admin/rates").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<strong>DE</strong>"));
    let csrf = page.csrf();
    let saved = b
        .post(
            "/admin/rates/tax",
            &[("csrf", &csrf), ("country", "de"), ("percent", "20.5")],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let bad = b
        .post(
            "/admin/rates/tax",
            &[("csrf", &csrf), ("country", "DE"), ("percent", "80")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    // An unticked box means prices in the currency get tax added.
    let currency = b
        .post(
            "/admin/rates/currency",
            &[
                ("csrf", &csrf),
                ("currency", "BRL"),
                ("per_usd", "5.4"),
                ("rounding", "whole"),
            ],
        )
        .await;
    assert_eq!(currency.status, StatusCode::SEE_OTHER);
    let taxes = json_of(app.get("/api/v1/tax-rates", None).await).await;
    let de = taxes
        .as_array()
        .and_then(|all| all.iter().find(|r| r["country"] == "DE"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(de["rate_bps"], 2050);
    let rates = json_of(app.get("/api/v1/exchange-rates", None).await).await;
    let brl = rates
        .as_array()
        .and_then(|all| all.iter().find(|r| r["currency"] == "BRL"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(brl["per_usd"], "5.4");
    assert_eq!(brl["tax_inclusive"], false);
}

async fn creators_see_their_coupons_and_questions_to_answer(app: &TestApp) {
    let (creator, token) = app.with_role(Role::Creator).await;
    let product = app
        .create_product(
            &token,
            json!({"kind": "ebook", "title": {"en": "Field notes"},
                   "prices": [{"amount_minor": 1999, "currency": "USD"}]}),
        )
        .await;
    let mut studio = Browser::new(app, "en");
    studio.log_in(creator.account.email.as_str()).await;
    let form = studio.get("/studio/coupons").await;
    assert_eq!(form.status, StatusCode::OK);
    assert!(
        form.body
            .contains(&format!("<option value=\"{product}\">Field notes</option>"))
    );
    let made = studio
        .post(
            "/studio/coupons",
            &[
                ("csrf", &form.csrf()),
                ("code", "NOTES10"),
                ("product_id", &product),
                ("percent", "10"),
            ],
        )
        .await;
    assert_eq!(made.status, StatusCode::SEE_OTHER, "{}", made.body);
    let list = studio.get("/studio/coupons").await;
    let row = list
        .body
        .split("data-test=\"coupon-row\"")
        .nth(1)
        .and_then(|r| r.split("</tr>").next())
        .unwrap_or_else(|| panic!("no coupon row:\n{}", list.body));
    assert!(row.contains("<code>NOTES10</code>"), "{row}");
    assert!(row.contains("<td>Field notes</td>"), "{row}");
    let questions = studio.get("/questions").await;
    assert_eq!(questions.status, StatusCode::OK);
    assert!(questions.body.contains("data-test=\"question-inbox\""));

    let (learner, _) = app.with_role(Role::Learner).await;
    let mut b = Browser::new(app, "en");
    b.log_in(learner.account.email.as_str()).await;
    assert_eq!(b.get("/studio/coupons").await.status, StatusCode::FORBIDDEN);
    let mine = b.get("/questions").await;
    assert_eq!(mine.status, StatusCode::OK);
    assert!(!mine.body.contains("data-test=\"question-inbox\""));
}

/// Product pages are rendered once and kept, yet every response carries its own
/// visitor's form token and a fresh order key, a change to the product shows on the
/// next request, and a signed-in person sees their own name and what they hold.
async fn kept_product_pages_stay_personal_and_fresh(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let path = format!("/products/{product}");
    let key = "name=\"key\" value=\"";
    let (mut a, mut b) = (Browser::new(app, "en"), Browser::new(app, "en"));
    let a1 = a.get(&path).await;
    let a2 = a.get(&path).await;
    let b1 = b.get(&path).await;
    for page in [&a1, &a2, &b1] {
        assert_eq!(page.status, StatusCode::OK);
        assert!(page.body.contains("Rust in Practice"));
        assert!(!page.body.contains("kslot"), "a placeholder was served");
    }
    assert_eq!(a1.csrf(), a2.csrf());
    assert_ne!(a1.csrf(), b1.csrf());
    assert_ne!(
        a1.field(key),
        a2.field(key),
        "each page gets a new order key"
    );
    // Each visitor's token is their own: it works for them and not for the other.
    let choose_chinese = [
        ("csrf", a1.csrf()),
        ("lang", "zh-CN".to_owned()),
        ("back", path.clone()),
    ];
    let form: Vec<(&str, &str)> = choose_chinese
        .iter()
        .map(|(k, v)| (*k, v.as_str()))
        .collect();
    assert_eq!(
        b.post("/preferences", &form).await.status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        a.post("/preferences", &form).await.status,
        StatusCode::SEE_OTHER
    );
    // The language chosen is a different page; the other visitor's stays in English.
    assert!(a.get(&path).await.body.contains("Rust 实战"));
    assert!(b.get(&path).await.body.contains("$14.99"));

    // A sale started by the creator shows on the next visit.
    let sale = app
        .put(
            &format!("/api/v1/products/{product}/sale"),
            Some(&creator),
            json!({"percent": 50, "ends_at": crate::sales::in_days(30)}),
        )
        .await;
    assert!(sale.status().is_success(), "{}", sale.status());
    let on_sale = b.get(&path).await;
    assert!(
        on_sale.body.contains("data-test=\"sale-price\""),
        "{}",
        on_sale.body
    );

    // Signed in, each person has their own page; what they buy shows at once.
    let mut ada = Browser::new(app, "en");
    app.register("ada@example.com").await;
    ada.log_in("ada@example.com").await;
    let before = ada.get(&path).await;
    assert!(before.body.contains("data-test=\"buy\""), "{}", before.body);
    assert!(!before.body.contains("data-test=\"owned\""));
    assert_ne!(before.csrf(), a1.csrf());
    let token = token_of(app.login("ada@example.com", PASSWORD).await).await;
    app.buy(&token, &product).await;
    let after = ada.get(&path).await;
    assert!(after.body.contains("data-test=\"owned\""), "{}", after.body);
    assert!(!after.body.contains("kslot"));
    let visitor = a.get(&path).await;
    assert!(!visitor.body.contains("data-test=\"owned\""));
}
