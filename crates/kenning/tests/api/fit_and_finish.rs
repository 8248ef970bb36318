//! What a new user trips over: forms that keep what was typed and say what is wrong
//! beside it, prices as the buyer's country pays them, only currencies that can be
//! priced, the library, "continue", "also bought", gifts, paid answers and time zones.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, json_of, unique};
use crate::on_both_databases;
use crate::pages::{Browser, Page};

on_both_databases!(
    studio_forms_are_shown_again_with_what_was_typed,
    buying_and_reviewing_keep_what_was_typed,
    operators_rate_forms_keep_what_was_typed,
    prices_are_what_the_buyers_country_pays,
    only_currencies_that_can_be_priced_are_offered,
    the_library_shows_no_price_and_continue_leads_to_the_next_unfinished_lesson,
    also_bought_leaves_out_what_the_viewer_holds,
    paid_answers_are_markdown_rendered_safely,
    times_are_shown_in_the_viewers_zone,
    a_gift_shows_its_link_to_the_buyer_and_what_was_received_to_the_recipient,
);

/// A refused form: its status, the message beside it, and nothing else went wrong.
fn refused(page: &Page, status: StatusCode) {
    assert_eq!(page.status, status, "{}", page.body);
    assert!(
        page.body.contains("data-test=\"form-error\""),
        "no message beside the form:\n{}",
        page.body
    );
    assert!(
        !page.body.contains("data-test=\"error-page\""),
        "a dead end"
    );
}

async fn creator_browser<'a>(app: &'a TestApp, lang: &'static str) -> (Browser<'a>, String) {
    let (creator, token) = app.with_role(Role::Creator).await;
    let mut b = Browser::new(app, lang);
    b.log_in(creator.account.email.as_str()).await;
    (b, token)
}

async fn studio_forms_are_shown_again_with_what_was_typed(app: &TestApp) {
    let (mut b, token) = creator_browser(app, "en").await;
    let product = app
        .create_product(
            &token,
            json!({"kind": "course", "title": {"en": "Forms"},
                   "prices": [{"amount_minor": 999, "currency": "USD"}]}),
        )
        .await;
    let editor = format!("/studio/products/{product}");
    let csrf = b.get(&editor).await.csrf();

    // Publishing without lessons says why, on the editor.
    let publish = b
        .post(&format!("{editor}/publish"), &[("csrf", &csrf)])
        .await;
    refused(&publish, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(publish.body.contains("data-test=\"publish\""));

    // A 10,000-character chapter title is refused, not cut, and kept in the field.
    let long = "Long ".repeat(2_000);
    let chapter = b
        .post(
            &format!("{editor}/chapters"),
            &[("csrf", &csrf), ("title_en", &long), ("title_zh", "")],
        )
        .await;
    refused(&chapter, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        chapter.body.contains(long.trim_end()),
        "the title typed is kept"
    );
    let outline = json_of(
        app.get(&format!("/api/v1/products/{product}"), Some(&token))
            .await,
    )
    .await;
    assert_eq!(
        outline["chapters"].as_array().map(Vec::len),
        Some(0),
        "nothing was added"
    );

    // A lesson without a title keeps its text.
    let lesson = b
        .post(
            &format!("{editor}/lessons"),
            &[
                ("csrf", &csrf),
                ("title_en", ""),
                ("body_en", "Some **careful** notes"),
                ("release", "days"),
                ("release_days", "3"),
            ],
        )
        .await;
    refused(&lesson, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(lesson.body.contains("Some **careful** notes"));
    assert!(lesson.body.contains("value=\"3\""));

    // A sale of 0 % keeps the date typed.
    let sale = b
        .post(
            &format!("{editor}/sale"),
            &[
                ("csrf", &csrf),
                ("percent", "0"),
                ("ends_at", "2031-01-01T10:00"),
            ],
        )
        .await;
    refused(&sale, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(sale.body.contains("2031-01-01T10:00"));

    // A coupon of 150 % keeps its code.
    let coupons = b.get("/studio/coupons").await;
    let coupon = b
        .post(
            "/studio/coupons",
            &[
                ("csrf", &coupons.csrf()),
                ("code", "HALFOFF"),
                ("off", "percent"),
                ("percent", "150"),
            ],
        )
        .await;
    refused(&coupon, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(coupon.body.contains("value=\"HALFOFF\""));

    // Another person's product is not theirs to fix: the error page, not the form.
    let (_, other) = app.with_role(Role::Creator).await;
    let theirs = app
        .create_product(&other, json!({"kind": "course", "title": {"en": "Theirs"}}))
        .await;
    let forged = b
        .post(
            &format!("/studio/products/{theirs}/publish"),
            &[("csrf", &csrf)],
        )
        .await;
    assert!(forged.status == StatusCode::NOT_FOUND || forged.status == StatusCode::FORBIDDEN);
    assert!(!forged.body.contains("data-test=\"form-error\""));
}

async fn buying_and_reviewing_keep_what_was_typed(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let (learner, token) = app.with_role(Role::Learner).await;
    let mut b = Browser::new(app, "zh-CN");
    b.log_in(learner.account.email.as_str()).await;
    let page = b.get(&format!("/products/{product}")).await;
    let key = page.field("name=\"key\" value=\"");
    let wrong = b
        .post(
            &format!("/products/{product}/buy"),
            &[
                ("csrf", &page.csrf()),
                ("key", &key),
                ("currency", "USD"),
                ("coupon", "NO-SUCH-CODE"),
                ("gift_to", "friend@example.com"),
            ],
        )
        .await;
    assert!(wrong.status.is_client_error(), "{}", wrong.status);
    refused(&wrong, wrong.status);
    assert!(wrong.body.contains("value=\"NO-SUCH-CODE\""));
    assert!(wrong.body.contains("value=\"friend@example.com\""));
    let orders = json_of(app.get("/api/v1/orders", Some(&token)).await).await;
    assert_eq!(orders.as_array().map(Vec::len), Some(0), "{orders}");
}

async fn operators_rate_forms_keep_what_was_typed(app: &TestApp) {
    let (admin, _) = app.with_role(Role::Admin).await;
    let mut b = Browser::new(app, "en");
    b.log_in(admin.account.email.as_str()).await;
    let rates = b.get("/admin/rates").await;
    let bad = b
        .post(
            "/admin/rates/currency",
            &[
                ("csrf", &rates.csrf()),
                ("form", "currency-new"),
                ("currency", "AUD"),
                ("per_usd", "one and a half"),
                ("rounding", "exact"),
            ],
        )
        .await;
    refused(&bad, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("value=\"one and a half\""));
    let tax = b
        .post(
            "/admin/rates/tax",
            &[
                ("csrf", &rates.csrf()),
                ("form", "tax-new"),
                ("country", "Germany"),
                ("percent", "19"),
            ],
        )
        .await;
    refused(&tax, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(tax.body.contains("value=\"Germany\""));
}

async fn prices_are_what_the_buyers_country_pays(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    // USD prices are shown before tax in the rate table; a German buyer pays 19 % on
    // top of 14.99, and the product page, its card and checkout all say 17.84.
    let mut b = Browser::new(app, "en");
    let home = b.get("/").await;
    let chosen = b
        .post(
            "/preferences",
            &[
                ("csrf", &home.csrf()),
                ("currency", "USD"),
                ("country", "DE"),
                ("back", &format!("/products/{product}")),
            ],
        )
        .await;
    assert_eq!(chosen.status, StatusCode::SEE_OTHER);
    let page = b.get(&format!("/products/{product}")).await;
    assert!(page.body.contains("$17.84"), "{}", page.body);
    assert!(page.body.contains("data-test=\"tax-note\""));
    let catalog = b.get("/catalog").await;
    assert!(catalog.body.contains("$17.84"), "the card shows it too");
    // A country the table has no tax for pays the list price.
    let home = b.get("/").await;
    b.post(
        "/preferences",
        &[("csrf", &home.csrf()), ("country", "US"), ("back", "/")],
    )
    .await;
    let page = b.get(&format!("/products/{product}")).await;
    assert!(page.body.contains("$14.99"), "{}", page.body);
    // Checkout charges what the page showed.
    let (_, token) = app.with_role(Role::Learner).await;
    let order = json_of(
        app.order_with(
            &token,
            &unique("k"),
            json!({"product_id": product, "currency": "USD", "country": "DE"}),
        )
        .await,
    )
    .await;
    assert_eq!(order["total"]["amount_minor"], 1784, "{order}");
}

async fn only_currencies_that_can_be_priced_are_offered(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let mut b = Browser::new(app, "en");
    b.cookies.insert("kenning_currency".into(), "BRL".into());
    let page = b.get(&format!("/products/{product}")).await;
    assert!(
        !page.body.contains("<option value=\"BRL\""),
        "BRL has no rate"
    );
    assert!(
        page.body.contains("<option value=\"USD\" selected"),
        "falls back to the language's own"
    );
    assert!(page.body.contains("<option value=\"EUR\""));
}

async fn the_library_shows_no_price_and_continue_leads_to_the_next_unfinished_lesson(
    app: &TestApp,
) {
    let (product, lessons, _) = app.published_course().await;
    let (learner, token) = app.with_role(Role::Learner).await;
    app.buy(&token, &product).await;
    // The first lesson done; the last one visited is that same lesson.
    let done = app
        .put(
            &format!("/api/v1/lessons/{}/progress", lessons[0]),
            Some(&token),
            json!({"position_ms": 0, "ended": true}),
        )
        .await;
    assert!(done.status().is_success(), "{}", done.status());
    let mut b = Browser::new(app, "zh-CN");
    b.log_in(learner.account.email.as_str()).await;
    let library = b.get("/library").await;
    assert!(!library.body.contains("免费"), "{}", library.body);
    assert!(!library.body.contains("99.00"), "no price in the library");
    assert!(
        library.body.contains(&format!(
            "href=\"/lessons/{}\" data-test=\"continue\"",
            lessons[1]
        )),
        "continue leads to the second lesson:\n{}",
        library.body
    );
}

async fn also_bought_leaves_out_what_the_viewer_holds(app: &TestApp) {
    kenning::demo::load(&app.app)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    // Cards show plain text, not the description's Markdown.
    let mut visitor = Browser::new(app, "en");
    let catalog = visitor.get("/catalog").await;
    assert!(catalog.body.contains("cargo new"), "{}", catalog.body);
    assert!(!catalog.body.contains("`cargo new`"));
    assert!(!catalog.body.contains("**"));
    // Ana bought demo products; whatever a product page recommends to her, she does
    // not hold it.
    let mut b = Browser::new(app, "en");
    b.log_in_with("ana@demo.kenning.test", "kenning-demo-2026")
        .await;
    let library = b.get("/library").await;
    let held: Vec<String> = library
        .body
        .split("data-test=\"library-item\"")
        .skip(1)
        .filter_map(|item| item.split("href=\"/products/").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .map(str::to_owned)
        .collect();
    assert!(!held.is_empty(), "ana holds demo products");
    for product in &held {
        let page = b.get(&format!("/products/{product}")).await;
        if let Some(shelf) = page.body.split("data-test=\"also-bought\"").nth(1) {
            let shelf = shelf.split("</section>").next().unwrap_or_default();
            for other in held.iter().filter(|p| *p != product) {
                assert!(
                    !shelf.contains(other.as_str()),
                    "{other} recommended to its owner"
                );
            }
        }
    }
}

async fn paid_answers_are_markdown_rendered_safely(app: &TestApp) {
    let (creator, creator_token) = app.with_role(Role::Creator).await;
    let desk = app
        .create_product(
            &creator_token,
            json!({"kind": "consultation", "title": {"en": "Ask me"},
                   "prices": [{"amount_minor": 500, "currency": "USD"}]}),
        )
        .await;
    app.publish(&creator_token, &desk).await;
    let (_, asker) = app.with_role(Role::Learner).await;
    let order = json_of(
        app.order_with(
            &asker,
            &unique("q"),
            json!({"product_id": desk, "question": "How do I start?\nLine two."}),
        )
        .await,
    )
    .await;
    app.pay(&asker, &order).await;
    let mut b = Browser::new(app, "en");
    b.log_in(creator.account.email.as_str()).await;
    let inbox = b.get("/questions").await;
    let action = inbox.field("action=\"/questions/");
    let question = action.trim_end_matches("/answer");
    // An empty answer is refused beside its form.
    let empty = b
        .post(
            &format!("/questions/{question}/answer"),
            &[("csrf", &inbox.csrf()), ("answer", "   ")],
        )
        .await;
    refused(&empty, StatusCode::UNPROCESSABLE_ENTITY);
    let answer = "Run this:\n\n```\ncargo new hello\n```\n\n<script>alert(1)</script>";
    let sent = b
        .post(
            &format!("/questions/{question}/answer"),
            &[("csrf", &inbox.csrf()), ("answer", answer)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
    let shown = b.get("/questions").await;
    assert!(
        shown.body.contains("<pre><code>cargo new hello"),
        "{}",
        shown.body
    );
    assert!(!shown.body.contains("<script>alert(1)</script>"));
}

async fn times_are_shown_in_the_viewers_zone(app: &TestApp) {
    let (learner, _) = app.with_role(Role::Learner).await;
    let mut b = Browser::new(app, "en");
    b.log_in(learner.account.email.as_str()).await;
    let home = b.get("/").await;
    assert!(home.body.contains("data-zone=\"UTC\""));
    let unknown = b
        .post(
            "/preferences/time-zone",
            &[("csrf", &home.csrf()), ("zone", "Mars/Olympus_Mons")],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = b
        .post(
            "/preferences/time-zone",
            &[("csrf", &home.csrf()), ("zone", "Asia/Shanghai")],
        )
        .await;
    assert_eq!(set.status, StatusCode::NO_CONTENT);
    // Kept with the account: another browser of the same person shows it too.
    let mut other = Browser::new(app, "en");
    other.log_in(learner.account.email.as_str()).await;
    let shown = other.get("/account").await;
    assert!(shown.body.contains("Asia/Shanghai"), "{}", shown.body);
    let home = other.get("/").await;
    assert!(home.body.contains("data-zone=\"Asia/Shanghai\""));
}

async fn a_gift_shows_its_link_to_the_buyer_and_what_was_received_to_the_recipient(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let (giver, giver_token) = app.with_role(Role::Learner).await;
    let (friend, _) = app.with_role(Role::Learner).await;
    let order = json_of(
        app.order_with(
            &giver_token,
            &unique("gift"),
            json!({"product_id": product, "gift_to": friend.account.email.as_str()}),
        )
        .await,
    )
    .await;
    app.pay(&giver_token, &order).await;
    let sent = json_of(app.get("/api/v1/gifts", Some(&giver_token)).await).await;
    let code = sent[0]["code"].as_str().unwrap_or_default().to_owned();
    let gift = format!("/gifts/{code}");

    // The buyer sees the link to pass on and that it waits; no button to claim it.
    let mut buyer = Browser::new(app, "en");
    buyer.log_in(giver.account.email.as_str()).await;
    let page = buyer.get(&gift).await;
    assert!(
        page.body.contains("data-test=\"gift-link\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("data-test=\"gift-status\""));
    assert!(!page.body.contains("data-test=\"gift-claim\""));

    // Someone else holding the link sees neither a claim button nor the whole address.
    let (stranger, _) = app.with_role(Role::Learner).await;
    let mut other = Browser::new(app, "en");
    other.log_in(stranger.account.email.as_str()).await;
    let page = other.get(&gift).await;
    assert!(!page.body.contains("data-test=\"gift-claim\""));
    assert!(
        !page.body.contains(friend.account.email.as_str()),
        "{}",
        page.body
    );
    assert!(page.body.contains("•••@"));
    // The recipient claims it and is told what they received.
    let mut recipient = Browser::new(app, "zh-CN");
    recipient.log_in(friend.account.email.as_str()).await;
    let page = recipient.get(&gift).await;
    assert!(
        page.body.contains("data-test=\"gift-claim\""),
        "{}",
        page.body
    );
    let claimed = recipient
        .post(&format!("{gift}/claim"), &[("csrf", &page.csrf())])
        .await;
    assert_eq!(claimed.location.as_deref(), Some(gift.as_str()));
    let page = recipient.get(&gift).await;
    assert!(
        page.body.contains("data-test=\"gift-received\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains("购买成功"));
    // And the buyer sees that it was claimed.
    let page = buyer.get(&gift).await;
    assert!(page.body.contains(friend.account.email.as_str()));
    assert!(page.body.contains("claimed it on"), "{}", page.body);
}
