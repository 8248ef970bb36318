//! Input at the boundary: control characters in text, page bounds, common passwords,
//! messages for every refusal, and an OpenAPI document that lists what the server answers.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;

on_both_databases!(
    control_characters_are_refused_in_every_text_field,
    page_numbers_and_limits_are_bounded,
    common_passwords_are_refused_in_the_callers_language,
    invalid_membership_has_a_message_and_an_admin_cancel_answers_the_subscription,
    a_chunked_body_over_the_limit_names_the_limit,
    the_openapi_document_lists_the_answers_the_server_gives,
    a_podcast_feed_stays_readable_xml_whatever_was_stored,
);

const BAD: [&str; 4] = ["nul\0byte", "start\u{1}heading", "bell\u{7}", "del\u{7f}"];

async fn refused(response: reqwest::Response, what: &str) {
    assert_eq!(
        response.status(),
        StatusCode::UNPROCESSABLE_ENTITY,
        "{what} was accepted"
    );
    let body = json_of(response).await;
    assert_eq!(body["error"]["code"], "invalid_text", "{what}: {body}");
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        !message.is_empty() && !message.starts_with("error-"),
        "{body}"
    );
}

async fn control_characters_are_refused_in_every_text_field(app: &TestApp) {
    let (course, lessons, creator) = app.published_course().await;
    for bad in BAD {
        // Product titles, descriptions and tags.
        refused(
            app.post(
                "/api/v1/products",
                Some(&creator),
                json!({"kind": "audio_series", "title": {"en": bad},
                       "prices": [{"amount_minor": 500, "currency": "USD"}]}),
            )
            .await,
            "a product title",
        )
        .await;
        refused(
            app.post(
                "/api/v1/products",
                Some(&creator),
                json!({"kind": "audio_series", "title": {"en": "Fine"}, "description": {"zh-CN": bad},
                       "prices": [{"amount_minor": 500, "currency": "USD"}]}),
            )
            .await,
            "a product description",
        )
        .await;
        // Chapters and lessons.
        refused(
            app.post(
                &format!("/api/v1/products/{course}/chapters"),
                Some(&creator),
                json!({"title": {"en": bad}}),
            )
            .await,
            "a chapter title",
        )
        .await;
        refused(
            app.post(
                &format!("/api/v1/products/{course}/lessons"),
                Some(&creator),
                json!({"title": {"en": bad}, "content": {"en": "ok"}}),
            )
            .await,
            "a lesson title",
        )
        .await;
        refused(
            app.post(
                &format!("/api/v1/products/{course}/lessons"),
                Some(&creator),
                json!({"title": {"en": "ok"}, "content": {"en": bad}}),
            )
            .await,
            "a lesson body",
        )
        .await;
        // Names.
        refused(
            app.post(
                "/api/v1/accounts",
                None,
                json!({"email": format!("{}@example.com", uuid::Uuid::new_v4().simple()),
                       "password": PASSWORD, "display_name": bad}),
            )
            .await,
            "a display name",
        )
        .await;
    }
    // A title is one line; a description or lesson may hold tabs and line breaks.
    refused(
        app.post(
            "/api/v1/products",
            Some(&creator),
            json!({"kind": "audio_series", "title": {"en": "two\nlines"},
                   "prices": [{"amount_minor": 500, "currency": "USD"}]}),
        )
        .await,
        "a title of two lines",
    )
    .await;
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({"kind": "audio_series", "title": {"en": "Podcast"},
                   "description": {"en": "Line one\n\tLine two\r\nLine three"},
                   "prices": [{"amount_minor": 500, "currency": "USD"}]}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let lesson = app
        .post(
            &format!("/api/v1/products/{course}/lessons"),
            Some(&creator),
            json!({"title": {"en": "Tabs"}, "content": {"en": "```\n\tindented\n```"}}),
        )
        .await;
    assert_eq!(lesson.status(), StatusCode::CREATED);

    // Reviews by a buyer.
    let buyer = app.learner().await;
    app.buy(&buyer, &course).await;
    refused(
        app.put(
            &format!("/api/v1/products/{course}/review"),
            Some(&buyer),
            json!({"rating": 5, "body": "great\0course"}),
        )
        .await,
        "a review",
    )
    .await;
    let fine = app
        .put(
            &format!("/api/v1/products/{course}/review"),
            Some(&buyer),
            json!({"rating": 5, "body": "Great course.\nRecommended."}),
        )
        .await;
    assert_eq!(fine.status(), StatusCode::OK);
    // Nothing refused was kept.
    let detail = json_of(app.get(&format!("/api/v1/products/{course}"), None).await).await;
    assert!(!detail.to_string().contains("\\u0000"), "{detail}");
    assert!(!lessons.is_empty());
}

async fn page_numbers_and_limits_are_bounded(app: &TestApp) {
    app.published_course().await;
    let ok = json_of(app.get("/api/v1/products?page=1&per_page=100", None).await).await;
    assert_eq!(ok["per_page"], 100);
    for query in [
        "page=9223372036854775807",
        "page=9223372036854775807&per_page=100",
        "page=0",
        "page=-3",
        "page=10001",
        "per_page=0",
        "per_page=101",
        "per_page=-1",
    ] {
        expect_error(
            app.get(&format!("/api/v1/products?{query}"), None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_page",
        )
        .await;
    }
    for path in [
        "/api/v1/search?q=rust&limit=0",
        "/api/v1/search?q=rust&limit=101",
        "/api/v1/recommendations?limit=51",
        "/api/v1/recommendations?limit=-1",
    ] {
        expect_error(
            app.get(path, None).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_page",
        )
        .await;
    }
    let ok = app.get("/api/v1/search?q=rust&limit=100", None).await;
    assert_eq!(ok.status(), StatusCode::OK);
}

async fn common_passwords_are_refused_in_the_callers_language(app: &TestApp) {
    for (password, lang) in [
        ("password123", "en"),
        ("Password1234", "zh-CN"),
        ("qwertyuiop", "en"),
    ] {
        let r = app
            .post(
                &format!("/api/v1/accounts?lang={lang}"),
                None,
                json!({"email": format!("{}@example.com", uuid::Uuid::new_v4().simple()),
                       "password": password, "display_name": "Someone"}),
            )
            .await;
        let body = expect_error(r, StatusCode::UNPROCESSABLE_ENTITY, "common_password").await;
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.starts_with("error-"), "{body}");
        if lang == "zh-CN" {
            assert!(message.contains("密码"), "{message}");
        }
    }
    // A long, uncommon passphrase is fine.
    let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    let r = app
        .post(
            "/api/v1/accounts",
            None,
            json!({"email": email, "password": "violet kettle under 42 stairs",
                   "display_name": "Someone"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);
}

async fn invalid_membership_has_a_message_and_an_admin_cancel_answers_the_subscription(
    app: &TestApp,
) {
    let (_, _, creator) = app.published_course().await;
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({"kind": "membership", "title": {"en": "All access"},
                   "prices": [{"amount_minor": 999, "currency": "USD"}]}),
        )
        .await;
    let tier = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for lang in ["en", "zh-CN"] {
        let body = expect_error(
            app.put(
                &format!("/api/v1/products/{tier}/membership?lang={lang}"),
                Some(&creator),
                json!({"interval": "weekly", "all_of_creator": true}),
            )
            .await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_membership",
        )
        .await;
        let message = body["error"]["message"].as_str().unwrap_or_default();
        assert!(!message.starts_with("error-"), "{body}");
    }
    let r = app
        .put(
            &format!("/api/v1/products/{tier}/membership"),
            Some(&creator),
            json!({"interval": "monthly", "all_of_creator": true}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .post(
            &format!("/api/v1/products/{tier}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let buyer = app.learner().await;
    app.buy(&buyer, &tier).await;
    let subscriptions = json_of(app.get("/api/v1/subscriptions", Some(&buyer)).await).await;
    let id = subscriptions[0]["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();

    // An admin cancels someone else's membership: the answer is that subscription.
    let (_, admin) = app.with_role(Role::Admin).await;
    let r = app
        .post(
            &format!("/api/v1/subscriptions/{id}/cancel"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let body: Value = json_of(r).await;
    assert_eq!(body["id"], id.as_str());
    assert_eq!(body["status"], "canceled");
    assert_eq!(body["tier_id"], tier.as_str());
    let r = app
        .post(
            &format!("/api/v1/subscriptions/{id}/resume"),
            Some(&admin),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(json_of(r).await["status"], "active");
    // The holder sees the same.
    let mine = json_of(app.get("/api/v1/subscriptions", Some(&buyer)).await).await;
    assert_eq!(mine[0]["status"], "active");
}

/// Sends 9 MiB in chunks, without a Content-Length, and answers the raw response.
async fn chunked_post(app: &TestApp, path: &str, content_type: &str, auth: &str) -> String {
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\n{auth}Content-Type: {content_type}\r\n\
         Accept-Language: en\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
        app.addr
    );
    stream
        .write_all(head.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let chunk = vec![b' '; 1024 * 1024];
    for _ in 0..9 {
        let mut piece = format!("{:x}\r\n", chunk.len()).into_bytes();
        piece.extend_from_slice(&chunk);
        piece.extend_from_slice(b"\r\n");
        if stream.write_all(&piece).await.is_err() {
            break; // the server may stop reading once it has seen enough
        }
    }
    let _ = stream.write_all(b"0\r\n\r\n").await;
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

async fn a_chunked_body_over_the_limit_names_the_limit(app: &TestApp) {
    let email = format!("{}@example.com", uuid::Uuid::new_v4().simple());
    assert_eq!(app.register(&email).await.status(), StatusCode::CREATED);
    let token = token_of(app.login(&email, PASSWORD).await).await;
    // A JSON body past the 8 MiB limit …
    let answer = chunked_post(
        app,
        "/api/v1/products?lang=en",
        "application/json",
        &format!("Authorization: Bearer {token}\r\n"),
    )
    .await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("upload_too_large"), "{answer}");
    assert!(!answer.contains("$max"), "{answer}");
    assert!(answer.contains("8 MB"), "{answer}");
    // … and a form posted to a page.
    let answer = chunked_post(app, "/login", "application/x-www-form-urlencoded", "").await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(!answer.contains("$max"), "{answer}");
    assert!(answer.contains("8 MB"), "{answer}");
}

async fn the_openapi_document_lists_the_answers_the_server_gives(app: &TestApp) {
    let doc = json_of(app.get("/api/openapi.json", None).await).await;
    let paths = doc["paths"].as_object().cloned().unwrap_or_default();
    assert!(paths.len() > 40, "{}", paths.len());
    let mut checked = 0;
    for (path, item) in &paths {
        for (method, op) in item.as_object().cloned().unwrap_or_default() {
            let responses = &op["responses"];
            let has = |status: &str| !responses[status].is_null();
            let params = op["parameters"].as_array().cloned().unwrap_or_default();
            let where_ = |place: &str| params.iter().any(|p| p["in"] == place);
            let secured = op["security"].as_array().is_some_and(|s| !s.is_empty());
            let json_body = !op["requestBody"]["content"]["application/json"].is_null();
            if secured {
                assert!(has("401"), "{method} {path} lacks 401");
            }
            if where_("path") {
                assert!(has("404"), "{method} {path} lacks 404");
                // Every path parameter is in the path template.
                for p in params.iter().filter(|p| p["in"] == "path") {
                    let name = p["name"].as_str().unwrap_or_default();
                    assert!(
                        path.contains(&format!("{{{name}}}")),
                        "{method} {path}: {name} is not in the path"
                    );
                }
            }
            if json_body {
                for status in ["400", "413", "415", "422"] {
                    assert!(has(status), "{method} {path} lacks {status}");
                }
            }
            if where_("query") {
                assert!(has("400") && has("422"), "{method} {path} lacks 400/422");
            }
            for (status, response) in responses.as_object().cloned().unwrap_or_default() {
                if status.starts_with('4') {
                    assert_eq!(
                        response["content"]["application/json"]["schema"]["$ref"],
                        "#/components/schemas/ErrorResponse",
                        "{method} {path} {status}"
                    );
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 60, "{checked}");
    // The upload's file name is a query parameter.
    let upload = &doc["paths"]["/api/v1/lessons/{id}/media"]["post"]["parameters"];
    let name = upload
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "name"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(name["in"], "query", "{upload}");
    // Page bounds are part of the document.
    let list = &doc["paths"]["/api/v1/products"]["get"]["parameters"];
    let page = list
        .as_array()
        .and_then(|ps| ps.iter().find(|p| p["name"] == "page"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(page["schema"]["maximum"], 10000, "{page}");
}

async fn a_podcast_feed_stays_readable_xml_whatever_was_stored(app: &TestApp) {
    let (series, creator) = crate::media::audio_series(app).await;
    // New text with control characters is refused …
    refused(
        app.post(
            &format!("/api/v1/products/{series}/lessons"),
            Some(&creator),
            json!({"title": {"en": "Episode\u{1}3"}, "content": {"en": "notes"}}),
        )
        .await,
        "an episode title",
    )
    .await;
    // … and text stored before that rule still never breaks the feed.
    let id = series.replace('\'', "");
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "UPDATE products SET title = '{{\"en\":\"Night\\u0000Talks\\u0001\"}}' WHERE id = '{id}'"
    )))
    .execute(&app.db)
    .await
    .unwrap_or_else(|e| panic!("{e}"));
    tokio::time::sleep(std::time::Duration::from_millis(1100)).await; // the catalog cache
    let listener = app.learner().await;
    app.buy(&listener, &series).await;
    let feed = crate::media::feed_url_of(app, &listener, &series)
        .await
        .unwrap_or_else(|| panic!("no feed url"));
    let xml = app
        .client
        .get(&feed)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .bytes()
        .await
        .unwrap_or_default();
    let channel = rss::Channel::read_from(&xml[..]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(channel.title(), "NightTalks");
}
