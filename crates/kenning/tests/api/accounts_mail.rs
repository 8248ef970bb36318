//! Accounts by mail: confirming an address, resetting a forgotten password, changing
//! one's password, name and address, and one's sessions. Mail goes through a real
//! SMTP server (see `mailbox.rs`) and the tests follow the links in it.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(
    a_new_address_is_confirmed_by_the_link_mailed_to_it,
    a_forgotten_password_is_reset_by_mail_once,
    a_reset_link_expires_and_reset_requests_are_throttled_quietly,
    changing_the_password_ends_other_sessions_and_tells_the_address,
    a_new_address_replaces_the_old_once_confirmed,
    sessions_are_listed_and_others_signed_out,
    recovery_and_account_pages_work_in_both_languages,
    a_buyer_gets_the_receipt_by_mail_with_its_pdf,
    a_person_downloads_their_data_and_deletes_their_account,
    two_step_sign_in_takes_a_code_once_or_a_recovery_code,
);

/// An address no other test (on either database) uses: the mail server is shared.
fn address(name: &str) -> String {
    format!("{name}-{}@example.com", uuid::Uuid::new_v4().simple())
}

async fn register_in(app: &TestApp, email: &str, lang: &str) -> Value {
    let r = app
        .client
        .post(app.url("/api/v1/accounts"))
        .header("Accept-Language", lang)
        .json(&json!({"email": email, "password": PASSWORD, "display_name": "Ada"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let status = r.status();
    let body = json_of(r).await;
    assert_eq!(status, StatusCode::CREATED, "{body}");
    body
}

async fn post(app: &TestApp, path: &str, token: Option<&str>, body: Value) -> reqwest::Response {
    app.post(path, token, body).await
}

async fn a_new_address_is_confirmed_by_the_link_mailed_to_it(app: &TestApp) {
    let email = address("ada");
    let account = register_in(app, &email, "zh-CN,zh;q=0.9").await;
    assert_eq!(account["email_verified"], false);
    assert_eq!(account["locale"], "zh-CN");

    // The mail is in the language the person registered in, both as text and HTML.
    let mail = app.mail_to(&email, "/verify-email/").await;
    assert_eq!(mail.subject, "请验证你的邮箱");
    assert!(mail.html.contains("href=\"http://"), "{}", mail.html);
    assert!(mail.to.contains("Ada"));
    let token = mail.token("/verify-email/");

    let confirmed = post(
        app,
        &format!("/api/v1/email-verifications/{token}"),
        None,
        json!({}),
    )
    .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    assert_eq!(json_of(confirmed).await["email_verified"], true);
    let session = token_of(app.login(&email, PASSWORD).await).await;
    assert_eq!(
        json_of(app.get("/api/v1/me", Some(&session)).await).await["email_verified"],
        true
    );

    // A link works once; a made-up one never; a confirmed person needs no new one.
    expect_error(
        post(
            app,
            &format!("/api/v1/email-verifications/{token}"),
            None,
            json!({}),
        )
        .await,
        StatusCode::GONE,
        "link_used",
    )
    .await;
    expect_error(
        post(app, "/api/v1/email-verifications/made-up", None, json!({})).await,
        StatusCode::GONE,
        "link_invalid",
    )
    .await;
    expect_error(
        post(
            app,
            "/api/v1/me/email-verification",
            Some(&session),
            json!({}),
        )
        .await,
        StatusCode::CONFLICT,
        "already_verified",
    )
    .await;

    // Someone who lost the first mail asks for another, which works the same.
    let other = address("bo");
    register_in(app, &other, "en").await;
    let bo = token_of(app.login(&other, PASSWORD).await).await;
    let again = post(app, "/api/v1/me/email-verification", Some(&bo), json!({})).await;
    assert_eq!(again.status(), StatusCode::ACCEPTED);
    let mails = app.mails_to(&other).await;
    assert_eq!(mails.len(), 2);
    assert_eq!(mails[1].subject, "Confirm your e-mail address");
    assert_ne!(
        mails[0].link("/verify-email/"),
        mails[1].link("/verify-email/")
    );
    let page = app
        .browser
        .get(app.url(&mails[0].link("/verify-email/")))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), StatusCode::OK);
    assert_eq!(
        json_of(app.get("/api/v1/me", Some(&bo)).await).await["email_verified"],
        true
    );
}

async fn a_forgotten_password_is_reset_by_mail_once(app: &TestApp) {
    let email = address("cy");
    register_in(app, &email, "en").await;
    let old_session = token_of(app.login(&email, PASSWORD).await).await;

    // The same answer for an address with an account and one without.
    let known = post(
        app,
        "/api/v1/password-resets",
        None,
        json!({"email": email}),
    )
    .await;
    assert_eq!(known.status(), StatusCode::ACCEPTED);
    let known_body = json_of(known).await;
    let nobody = address("nobody");
    let unknown = post(
        app,
        "/api/v1/password-resets",
        None,
        json!({"email": nobody}),
    )
    .await;
    assert_eq!(unknown.status(), StatusCode::ACCEPTED);
    assert_eq!(json_of(unknown).await, known_body);
    assert!(app.mails_to(&nobody).await.is_empty());
    expect_error(
        post(
            app,
            "/api/v1/password-resets",
            None,
            json!({"email": "not an address"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_email",
    )
    .await;

    let mail = app.mail_to(&email, "/reset-password/").await;
    assert_eq!(mail.subject, "Reset your password");
    let token = mail.token("/reset-password/");
    let reset = |password: &'static str| {
        let path = format!("/api/v1/password-resets/{token}");
        async move { post(app, &path, None, json!({"password": password})).await }
    };

    // A weak password is refused and leaves the link usable.
    expect_error(
        reset("short").await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "weak_password",
    )
    .await;
    assert_eq!(
        reset("a brand new passphrase").await.status(),
        StatusCode::NO_CONTENT
    );

    // Every session ended; the new password works, the old does not.
    expect_error(
        app.get("/api/v1/me", Some(&old_session)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.login(&email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let new_session = token_of(app.login(&email, "a brand new passphrase").await).await;
    // The link came through the address, so the address is confirmed too.
    assert_eq!(
        json_of(app.get("/api/v1/me", Some(&new_session)).await).await["email_verified"],
        true
    );
    // The address is told.
    assert_eq!(
        app.mail_to(&email, "/forgot-password").await.subject,
        "Your password was changed"
    );

    // Used once, never again.
    expect_error(
        reset("yet another passphrase").await,
        StatusCode::GONE,
        "link_used",
    )
    .await;
    expect_error(
        post(
            app,
            "/api/v1/password-resets/not-a-token",
            None,
            json!({"password": "a brand new passphrase"}),
        )
        .await,
        StatusCode::GONE,
        "link_invalid",
    )
    .await;
}

async fn a_reset_link_expires_and_reset_requests_are_throttled_quietly(app: &TestApp) {
    let email = address("di");
    register_in(app, &email, "en").await;
    let (admin, _) = app.with_role(Role::Admin).await;

    for _ in 0..2 {
        post(
            app,
            "/api/v1/password-resets",
            None,
            json!({"email": email}),
        )
        .await;
    }
    let resets = |mails: Vec<crate::mailbox::ReceivedMail>| {
        mails
            .into_iter()
            .filter(|m| m.text.contains("/reset-password/"))
            .map(|m| m.token("/reset-password/"))
            .collect::<Vec<_>>()
    };
    let links = resets(app.mails_to(&email).await);
    assert_eq!(links.len(), 2);
    let (first, second) = (&links[0], &links[1]);

    // Using one link of two ends the other as well.
    let r = post(
        app,
        &format!("/api/v1/password-resets/{second}"),
        None,
        json!({"password": "a brand new passphrase"}),
    )
    .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    expect_error(
        post(
            app,
            &format!("/api/v1/password-resets/{first}"),
            None,
            json!({"password": "another new passphrase"}),
        )
        .await,
        StatusCode::GONE,
        "link_used",
    )
    .await;

    // A link older than an hour has expired.
    post(
        app,
        "/api/v1/password-resets",
        None,
        json!({"email": email}),
    )
    .await;
    let before = resets(app.mails_to(&email).await);
    let late = resets(app.mails_to(&email).await)
        .into_iter()
        .find(|t| !links.contains(t))
        .unwrap_or_else(|| panic!("no third link in {before:?}"));
    app.app
        .advance_clock(&admin, 61 * 60 * 1000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    expect_error(
        post(
            app,
            &format!("/api/v1/password-resets/{late}"),
            None,
            json!({"password": "another new passphrase"}),
        )
        .await,
        StatusCode::GONE,
        "link_expired",
    )
    .await;

    // Asking many times mails a few links an hour and answers the same every time,
    // so the answer still tells nothing.
    app.app
        .advance_clock(&admin, 61 * 60 * 1000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let before = resets(app.mails_to(&email).await).len();
    for _ in 0..8 {
        let r = post(
            app,
            "/api/v1/password-resets",
            None,
            json!({"email": email}),
        )
        .await;
        assert_eq!(r.status(), StatusCode::ACCEPTED);
    }
    assert_eq!(resets(app.mails_to(&email).await).len(), before + 5);
}

async fn changing_the_password_ends_other_sessions_and_tells_the_address(app: &TestApp) {
    let email = address("ed");
    register_in(app, &email, "en").await;
    let here = token_of(app.login(&email, PASSWORD).await).await;
    let elsewhere = token_of(app.login(&email, PASSWORD).await).await;

    expect_error(
        app.put("/api/v1/me/password", Some(&here), json!({"current_password": "not my password", "new_password": "a brand new passphrase"})).await,
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    expect_error(
        app.put(
            "/api/v1/me/password",
            Some(&here),
            json!({"current_password": PASSWORD, "new_password": "password1"}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "weak_password",
    )
    .await;
    // Nothing changed by either refusal.
    assert_eq!(
        app.get("/api/v1/me", Some(&elsewhere)).await.status(),
        StatusCode::OK
    );

    let changed = app
        .put(
            "/api/v1/me/password",
            Some(&here),
            json!({"current_password": PASSWORD, "new_password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get("/api/v1/me", Some(&here)).await.status(),
        StatusCode::OK
    );
    expect_error(
        app.get("/api/v1/me", Some(&elsewhere)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    assert_eq!(
        app.mail_to(&email, "/forgot-password").await.subject,
        "Your password was changed"
    );

    // Name and mail language.
    let r = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&here)
        .json(&json!({"display_name": "  Edda  ", "locale": "zh-CN"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let me = json_of(r).await;
    assert_eq!(me["display_name"], "Edda");
    assert_eq!(me["locale"], "zh-CN");
    let r = app
        .client
        .patch(app.url("/api/v1/me"))
        .bearer_auth(&here)
        .json(&json!({"display_name": "", "locale": "xx"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        json_of(app.get("/api/v1/me", Some(&here)).await).await["display_name"],
        "Edda"
    );
}

async fn a_new_address_replaces_the_old_once_confirmed(app: &TestApp) {
    let old = address("fa");
    let new = address("fa-new");
    let taken = address("taken");
    register_in(app, &old, "en").await;
    register_in(app, &taken, "en").await;
    let session = token_of(app.login(&old, PASSWORD).await).await;

    expect_error(
        post(
            app,
            "/api/v1/me/email",
            Some(&session),
            json!({"password": "wrong password!", "email": new}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    expect_error(
        post(
            app,
            "/api/v1/me/email",
            Some(&session),
            json!({"password": PASSWORD, "email": taken}),
        )
        .await,
        StatusCode::CONFLICT,
        "email_taken",
    )
    .await;
    let asked = post(
        app,
        "/api/v1/me/email",
        Some(&session),
        json!({"password": PASSWORD, "email": new}),
    )
    .await;
    assert_eq!(asked.status(), StatusCode::ACCEPTED);

    // Until the link is followed, the old address is the account's.
    assert_eq!(
        json_of(app.get("/api/v1/me", Some(&session)).await).await["email"],
        old
    );
    let mail = app.mail_to(&new, "/confirm-email/").await;
    assert_eq!(mail.subject, "Confirm your new e-mail address");
    let token = mail.token("/confirm-email/");
    let confirmed = post(
        app,
        &format!("/api/v1/email-changes/{token}"),
        None,
        json!({}),
    )
    .await;
    assert_eq!(json_of(confirmed).await["email"], new);
    assert_eq!(app.login(&new, PASSWORD).await.status(), StatusCode::OK);
    expect_error(
        app.login(&old, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    expect_error(
        post(
            app,
            &format!("/api/v1/email-changes/{token}"),
            None,
            json!({}),
        )
        .await,
        StatusCode::GONE,
        "link_used",
    )
    .await;
}

async fn sessions_are_listed_and_others_signed_out(app: &TestApp) {
    let email = address("gu");
    register_in(app, &email, "en").await;
    let here = token_of(app.login(&email, PASSWORD).await).await;
    let phone = token_of(app.login(&email, PASSWORD).await).await;
    let listed = json_of(app.get("/api/v1/me/sessions", Some(&here)).await).await;
    let items = listed["items"].as_array().cloned().unwrap_or_default();
    assert_eq!(items.len(), 2);
    assert_eq!(items.iter().filter(|s| s["current"] == true).count(), 1);
    // The list names sessions without giving their secrets away.
    assert!(!listed.to_string().contains(&here));

    let ended = app
        .client
        .delete(app.url("/api/v1/me/sessions"))
        .bearer_auth(&here)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(json_of(ended).await["ended"], 1);
    assert_eq!(
        app.get("/api/v1/me", Some(&here)).await.status(),
        StatusCode::OK
    );
    expect_error(
        app.get("/api/v1/me", Some(&phone)).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    expect_error(
        app.get("/api/v1/me/sessions", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
}

async fn recovery_and_account_pages_work_in_both_languages(app: &TestApp) {
    for (lang, title) in [("en", "Forgot your password"), ("zh-CN", "忘记密码")] {
        let page = app
            .browser
            .get(app.url("/forgot-password"))
            .header("Accept-Language", lang)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.status(), StatusCode::OK);
        assert!(page.text().await.unwrap_or_default().contains(title));
    }
    // Forgetting a password, all in pages: the answer, the mail, the new password.
    let email = address("hu");
    register_in(app, &email, "zh-CN").await;
    let mut browser = Browser::new(app, "zh-CN");
    let form = browser.get("/forgot-password").await;
    let sent = browser
        .post(
            "/forgot-password",
            &[("csrf", &form.csrf()), ("email", &email)],
        )
        .await;
    assert_eq!(sent.status, StatusCode::OK);
    assert!(
        sent.body.contains("data-test=\"forgot-sent\""),
        "{}",
        sent.body
    );
    let mail = app.mail_to(&email, "/reset-password/").await;
    assert_eq!(mail.subject, "重置你的密码");
    let link = mail.link("/reset-password/");
    let choose = browser.get(&link).await;
    let weak = browser
        .post(&link, &[("csrf", &choose.csrf()), ("password", "short")])
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(weak.body.contains("data-test=\"form-error\""));
    let done = browser
        .post(
            &link,
            &[
                ("csrf", &choose.csrf()),
                ("password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::OK);
    assert!(done.body.contains("data-test=\"done\""), "{}", done.body);
    let again = browser
        .post(
            &link,
            &[
                ("csrf", &choose.csrf()),
                ("password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(again.status, StatusCode::GONE);
    assert!(again.body.contains("此链接已经用过"), "{}", again.body);

    // The account page is for the signed-in only.
    let anonymous = Browser::new(app, "en").get("/account").await;
    assert_ne!(anonymous.status, StatusCode::OK);
    let email = address("iv");
    register_in(app, &email, "en").await;
    let mut phone = Browser::new(app, "en");
    phone.log_in(&email).await;
    let mut desk = Browser::new(app, "en");
    desk.log_in(&email).await;
    let page = desk.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains(&email), "{}", page.body);
    assert!(page.body.contains("data-test=\"unverified\""));
    assert_eq!(page.body.matches("<code>").count(), 2);

    // A wrong current password is shown on the form, and changes nothing.
    let wrong = desk
        .post(
            "/account/password",
            &[
                ("csrf", &page.csrf()),
                ("current_password", "not my password"),
                ("new_password", "a brand new passphrase"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::FORBIDDEN);
    assert!(wrong.body.contains("Your current password is not right."));
    assert_eq!(phone.get("/account").await.status, StatusCode::OK);

    // Signing out everywhere else ends the phone's session, not this one.
    let ended = desk
        .post("/account/sessions/end-others", &[("csrf", &page.csrf())])
        .await;
    assert_eq!(ended.status, StatusCode::SEE_OTHER);
    assert_eq!(desk.get("/account").await.status, StatusCode::OK);
    assert_ne!(phone.get("/account").await.status, StatusCode::OK);

    // A forged form (no token) is refused.
    let forged = desk
        .post(
            "/account/profile",
            &[("display_name", "Mallory"), ("locale", "en")],
        )
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    let saved = desk
        .post(
            "/account/profile",
            &[
                ("csrf", &page.csrf()),
                ("display_name", "Ivy"),
                ("locale", "zh-CN"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    let after = desk.get("/account?done=profile").await;
    assert!(after.body.contains("value=\"Ivy\""));
    assert!(after.body.contains("data-test=\"notice-profile\""));
}

async fn a_buyer_gets_the_receipt_by_mail_with_its_pdf(app: &TestApp) {
    let (product, _, _) = app.published_course().await;
    let email = address("jo");
    register_in(app, &email, "zh-CN").await;
    let buyer = token_of(app.login(&email, PASSWORD).await).await;
    app.buy(&buyer, &product).await;
    let mail = app.mail_to(&email, "/receipt").await;
    assert_eq!(mail.subject, "你购买《Rust 实战》的收据");
    assert!(mail.text.contains("US$14.99"), "{}", mail.text);
    let (name, pdf) = mail
        .attachments
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("no attachment"));
    assert!(
        name.starts_with("receipt-") && name.ends_with(".pdf"),
        "{name}"
    );
    assert!(pdf.starts_with(b"%PDF"));
    // The link opens the receipt for its buyer.
    let path = mail.link("/orders/");
    assert_eq!(
        app.get(&format!("/api/v1{path}"), Some(&buyer))
            .await
            .status(),
        StatusCode::OK
    );
}

async fn a_person_downloads_their_data_and_deletes_their_account(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    let email = address("ky");
    register_in(app, &email, "en").await;
    let me = token_of(app.login(&email, PASSWORD).await).await;
    let other_device = token_of(app.login(&email, PASSWORD).await).await;
    app.buy(&me, &product).await;
    let friend = address("friend");
    register_in(app, &friend, "en").await;
    let friend_token = token_of(app.login(&friend, PASSWORD).await).await;
    app.buy(&friend_token, &product).await;

    // The download holds their rows, and no secret.
    let data = json_of(app.get("/api/v1/me/export", Some(&me)).await).await;
    let tables = &data["tables"];
    assert_eq!(tables["accounts"][0]["email"], email);
    assert_eq!(tables["orders"].as_array().map_or(0, Vec::len), 1);
    assert_eq!(tables["entitlements"].as_array().map_or(0, Vec::len), 1);
    assert_eq!(tables["sessions"].as_array().map_or(0, Vec::len), 2);
    let text = data.to_string();
    for secret in ["password_hash", "token_hash", "argon2", &me] {
        assert!(!text.contains(secret), "{secret} in the download");
    }
    expect_error(
        app.get("/api/v1/me/export", None).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;

    // Deleting takes the password; creators hand their business over first.
    let delete = |token: String, password: &'static str| async move {
        app.client
            .delete(app.url("/api/v1/me"))
            .bearer_auth(token)
            .json(&json!({"password": password}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    };
    expect_error(
        delete(me.clone(), "not my password").await,
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    expect_error(
        delete(creator.clone(), PASSWORD).await,
        StatusCode::CONFLICT,
        "role_cannot_delete",
    )
    .await;
    assert_eq!(
        delete(me.clone(), PASSWORD).await.status(),
        StatusCode::NO_CONTENT
    );

    // Signed out everywhere, never again in, and the address is free.
    for token in [&me, &other_device] {
        expect_error(
            app.get("/api/v1/me", Some(token)).await,
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        )
        .await;
    }
    expect_error(
        app.login(&email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "invalid_credentials",
    )
    .await;
    let anyone = sqlx::query("SELECT COUNT(*) FROM accounts WHERE email = $1 OR display_name = 'Ada' AND email LIKE 'ky-%'")
        .bind(email.clone())
        .fetch_one(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sqlx::Row::try_get::<i64, _>(&anyone, 0).unwrap_or(-1), 0);
    // The order and its books stay; what the friend holds is untouched.
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        2
    );
    let library = json_of(app.get("/api/v1/library", Some(&friend_token)).await).await;
    assert_eq!(
        library["items"].as_array().map_or(0, Vec::len),
        1,
        "{library}"
    );
    // The address can register again, as a new person.
    register_in(app, &email, "en").await;
}

/// The code an authenticator app shows for `secret` at the server's (test) clock.
fn code_for(app: &TestApp, secret: &str, offset_steps: i64) -> String {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned())
        .to_bytes()
        .unwrap_or_else(|e| panic!("{e:?}"));
    let totp = totp_rs::TOTP::new(
        totp_rs::Algorithm::SHA1,
        6,
        0,
        30,
        bytes,
        None,
        String::new(),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let at = app.app.now_ms() / 1000 + offset_steps * 30;
    totp.generate(u64::try_from(at).unwrap_or(0))
}

async fn two_step_sign_in_takes_a_code_once_or_a_recovery_code(app: &TestApp) {
    let email = address("lu");
    register_in(app, &email, "en").await;
    let token = token_of(app.login(&email, PASSWORD).await).await;
    expect_error(
        app.post(
            "/api/v1/me/two-factor",
            Some(&token),
            json!({"password": "not mine at all"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "wrong_password",
    )
    .await;
    let setup = json_of(
        app.post(
            "/api/v1/me/two-factor",
            Some(&token),
            json!({"password": PASSWORD}),
        )
        .await,
    )
    .await;
    let secret = setup["secret"].as_str().unwrap_or_default().to_owned();
    assert!(
        setup["url"]
            .as_str()
            .unwrap_or_default()
            .starts_with("otpauth://totp/")
    );

    // A wrong code does not turn it on; the right one does, with ten recovery codes.
    expect_error(
        app.post(
            "/api/v1/me/two-factor/confirm",
            Some(&token),
            json!({"code": "000000"}),
        )
        .await,
        StatusCode::UNAUTHORIZED,
        "invalid_two_factor_code",
    )
    .await;
    assert_eq!(app.login(&email, PASSWORD).await.status(), StatusCode::OK);
    let confirmed = app
        .post(
            "/api/v1/me/two-factor/confirm",
            Some(&token),
            json!({"code": code_for(app, &secret, 0)}),
        )
        .await;
    let codes: Vec<String> = json_of(confirmed).await["recovery_codes"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|c| c.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    assert_eq!(codes.len(), 10);
    // A borrowed session cannot replace the secret that is on.
    expect_error(
        app.post(
            "/api/v1/me/two-factor",
            Some(&token),
            json!({"password": PASSWORD}),
        )
        .await,
        StatusCode::CONFLICT,
        "two_factor_on",
    )
    .await;

    // Now the password alone is not enough.
    expect_error(
        app.login(&email, PASSWORD).await,
        StatusCode::UNAUTHORIZED,
        "two_factor_required",
    )
    .await;
    let with = |code: String| {
        let email = email.clone();
        async move {
            app.post(
                "/api/v1/sessions",
                None,
                json!({"email": email, "password": PASSWORD, "code": code}),
            )
            .await
        }
    };
    expect_error(
        with("123456".into()).await,
        StatusCode::UNAUTHORIZED,
        "invalid_two_factor_code",
    )
    .await;
    // The code the setup took cannot be used again; the next step's can, once.
    expect_error(
        with(code_for(app, &secret, 0)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_two_factor_code",
    )
    .await;
    assert_eq!(
        with(code_for(app, &secret, 1)).await.status(),
        StatusCode::OK
    );
    expect_error(
        with(code_for(app, &secret, 1)).await,
        StatusCode::UNAUTHORIZED,
        "invalid_two_factor_code",
    )
    .await;
    // A recovery code works once, however it is typed.
    let recovery = codes[0].to_uppercase().replace('-', " ");
    assert_eq!(with(recovery.clone()).await.status(), StatusCode::OK);
    expect_error(
        with(recovery).await,
        StatusCode::UNAUTHORIZED,
        "invalid_two_factor_code",
    )
    .await;
    // The right password with a wrong code is throttled like a wrong password.
    let mut last = StatusCode::OK;
    for _ in 0..12 {
        last = with("999999".into()).await.status();
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS);

    // In pages: the password, then the code, through a challenge.
    let other = address("mo");
    register_in(app, &other, "zh-CN").await;
    let other_token = token_of(app.login(&other, PASSWORD).await).await;
    let setup = json_of(
        app.post(
            "/api/v1/me/two-factor",
            Some(&other_token),
            json!({"password": PASSWORD}),
        )
        .await,
    )
    .await;
    let secret = setup["secret"].as_str().unwrap_or_default().to_owned();
    app.post(
        "/api/v1/me/two-factor/confirm",
        Some(&other_token),
        json!({"code": code_for(app, &secret, 0)}),
    )
    .await;
    let mut browser = Browser::new(app, "zh-CN");
    let form = browser.get("/login").await;
    let step = browser
        .post(
            "/login",
            &[
                ("csrf", &form.csrf()),
                ("email", &other),
                ("password", PASSWORD),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(step.status, StatusCode::OK);
    assert!(
        step.body.contains("data-test=\"login-code\""),
        "{}",
        step.body
    );
    let challenge = step.field("name=\"challenge\" value=\"");
    let wrong = browser
        .post(
            "/login/code",
            &[
                ("csrf", &form.csrf()),
                ("challenge", &challenge),
                ("code", "111111"),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert!(wrong.body.contains("验证码错误"), "{}", wrong.body);
    let done = browser
        .post(
            "/login/code",
            &[
                ("csrf", &form.csrf()),
                ("challenge", &challenge),
                ("code", &code_for(app, &secret, 1)),
                ("next", "/account"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/account"));
    let page = browser.get("/account").await;
    assert!(page.body.contains("data-test=\"two-factor-enabled\""));
    // A forged challenge opens nothing.
    let forged = Browser::new(app, "en")
        .post(
            "/login/code",
            &[("challenge", "made-up"), ("code", "123456")],
        )
        .await;
    assert_ne!(forged.status, StatusCode::SEE_OTHER);
}
