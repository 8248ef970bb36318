use kenning_app::media::LinkHolder;
use reqwest::StatusCode;
use reqwest::header::{CACHE_CONTROL, CONTENT_RANGE, IF_RANGE, RANGE};
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, json_of, wav};
use crate::on_both_databases;

on_both_databases!(
    paid_media_flows_only_through_signed_links_and_seeks_with_ranges,
    progress_is_saved_resumed_and_summed_per_product,
    a_private_podcast_feed_parses_plays_and_can_be_rotated,
    learning_records_export_as_xapi_for_the_person_and_the_creator,
    every_media_endpoint_checks_who_is_asking,
);

async fn upload(
    app: &TestApp,
    lesson: &str,
    token: Option<&str>,
    name: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = app
        .client
        .post(app.url(&format!("/api/v1/lessons/{lesson}/media?name={name}")))
        .header("content-type", "application/octet-stream")
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap_or_else(|e| panic!("{e}"))
}

async fn fetch(
    app: &TestApp,
    url: &str,
    headers: &[(reqwest::header::HeaderName, &str)],
) -> reqwest::Response {
    let mut req = app.client.get(app.url(url));
    for (name, value) in headers {
        req = req.header(name.clone(), *value);
    }
    req.send().await.unwrap_or_else(|e| panic!("{e}"))
}

/// A refused link: 403 and, since links are opened by browsers, a page in the person's
/// language that says why.
async fn refused(response: reqwest::Response) {
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let page = response.text().await.unwrap_or_default();
    assert!(page.contains("invalid or has expired"), "{page}");
}

async fn media_url(app: &TestApp, lesson: &str, token: Option<&str>) -> Value {
    let body = json_of(app.get(&format!("/api/v1/lessons/{lesson}"), token).await).await;
    body["media"][0].clone()
}

async fn paid_media_flows_only_through_signed_links_and_seeks_with_ranges(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let (preview, locked) = (&lessons[0], &lessons[1]);
    let file = wav(5_000);
    let size = file.len();

    // Only the product's creator attaches files, and only real media.
    expect_error(
        upload(app, locked, None, "talk.wav", file.clone()).await,
        StatusCode::UNAUTHORIZED,
        "unauthenticated",
    )
    .await;
    let stranger = app.learner().await;
    expect_error(
        upload(app, locked, Some(&stranger), "talk.wav", file.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_error(
        upload(
            app,
            locked,
            Some(&creator),
            "movie.mp4",
            b"<html>not a video</html>".repeat(50),
        )
        .await,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media",
    )
    .await;
    let stored = upload(app, locked, Some(&creator), "talk.wav", file.clone()).await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    let stored = json_of(stored).await;
    assert_eq!(stored["kind"], "audio");
    assert_eq!(stored["content_type"], "audio/x-wav");
    assert_eq!(stored["bytes"], size);
    assert_eq!(stored["file_name"], "talk.wav");

    // Without the product there is no link at all.
    expect_error(
        app.get(&format!("/api/v1/lessons/{locked}"), Some(&stranger))
            .await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;

    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let media = media_url(app, locked, Some(&buyer)).await;
    assert_eq!(media["bytes"], size, "{media}");
    assert_eq!(media["content_type"], "audio/x-wav");
    let url = media["url"].as_str().unwrap_or_default().to_owned();
    assert!(url.starts_with("/stream/"), "{url}");

    // The whole file, and ranges: first bytes, middle, suffix, open-ended.
    let whole = fetch(app, &url, &[]).await;
    assert_eq!(whole.status(), StatusCode::OK);
    assert!(
        whole.headers()[CACHE_CONTROL]
            .to_str()
            .unwrap_or_default()
            .starts_with("private")
    );
    assert_eq!(
        whole.bytes().await.unwrap_or_default().as_ref(),
        file.as_slice()
    );
    for (range, from, to) in [
        ("bytes=0-99", 0, 100),
        ("bytes=4000-4099", 4000, 4100),
        ("bytes=-100", size - 100, size),
        (&format!("bytes={}-", size - 10) as &str, size - 10, size),
    ] {
        let part = fetch(app, &url, &[(RANGE, range)]).await;
        assert_eq!(part.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            part.headers()[CONTENT_RANGE].to_str().unwrap_or_default(),
            format!("bytes {from}-{}/{size}", to - 1)
        );
        let bytes = part.bytes().await.unwrap_or_default();
        assert_eq!(bytes.len(), to - from, "{range}");
        assert_eq!(bytes.as_ref(), &file[from..to], "{range}");
    }
    let beyond = fetch(app, &url, &[(RANGE, "bytes=20000-30000")]).await;
    assert_eq!(beyond.status(), StatusCode::RANGE_NOT_SATISFIABLE);
    assert_eq!(
        beyond.headers()[CONTENT_RANGE].to_str().unwrap_or_default(),
        format!("bytes */{size}")
    );
    let stale = fetch(app, &url, &[(RANGE, "bytes=0-9"), (IF_RANGE, "\"stale\"")]).await;
    assert_eq!(
        stale.status(),
        StatusCode::OK,
        "a stale If-Range gets the whole file"
    );

    // Any change to the link, and an expired link, are refused before a byte is read.
    let tampered = |from: &str, to: &str| url.replacen(from, to, 1);
    let sig_at = url.find("&s=").unwrap_or(0) + 3;
    let mut bad_sig = url.clone();
    let flipped = if &url[sig_at..=sig_at] == "A" {
        "B"
    } else {
        "A"
    };
    bad_sig.replace_range(sig_at..=sig_at, flipped);
    let exp: i64 = url
        .split("&e=")
        .nth(1)
        .and_then(|s| s.split('&').next())
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    for forged in [
        bad_sig,
        tampered(&format!("&e={exp}"), &format!("&e={}", exp + 3_600_000)),
        tampered("?u=", &format!("?u={}&x=", uuid::Uuid::new_v4())),
        url.split("&s=").next().unwrap_or_default().to_owned(),
    ] {
        refused(fetch(app, &forged, &[]).await).await;
    }
    let media_id: kenning_domain::ids::MediaId = media["id"]
        .as_str()
        .unwrap_or_default()
        .parse()
        .unwrap_or_else(|_| panic!("{media}"));
    let buyer_id: kenning_domain::ids::AccountId =
        json_of(app.get("/api/v1/me", Some(&buyer)).await).await["id"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(|_| panic!("no id"));
    let expired = app
        .app
        .signed_media_url(media_id, LinkHolder::Person(buyer_id), 1_000)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    refused(fetch(app, &expired, &[]).await).await;
    // A link made out to someone without the product (as if leaked) gives nothing either.
    let stranger_id: kenning_domain::ids::AccountId =
        json_of(app.get("/api/v1/me", Some(&stranger)).await).await["id"]
            .as_str()
            .unwrap_or_default()
            .parse()
            .unwrap_or_else(|_| panic!("no id"));
    let far = 4_102_444_800_000; // 2100
    let not_theirs = app
        .app
        .signed_media_url(media_id, LinkHolder::Person(stranger_id), far)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    refused(fetch(app, &not_theirs, &[]).await).await;
    let public = app
        .app
        .signed_media_url(media_id, LinkHolder::Anyone, far)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    refused(fetch(app, &public, &[]).await).await;

    // A preview's file is open to anyone, through a link made out to anyone.
    let stored = upload(app, preview, Some(&creator), "welcome.wav", wav(800)).await;
    assert_eq!(stored.status(), StatusCode::CREATED);
    let open = media_url(app, preview, None).await;
    let open_url = open["url"].as_str().unwrap_or_default();
    assert!(open_url.contains("u=public"), "{open}");
    let first = fetch(app, open_url, &[(RANGE, "bytes=0-3")]).await;
    assert_eq!(first.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(first.bytes().await.unwrap_or_default().as_ref(), b"RIFF");

    // The lesson page plays it.
    let page = app.text(&format!("/lessons/{preview}")).await;
    assert!(page.contains("<audio controls"), "{page}");
    assert!(page.contains("/stream/"));
}

async fn progress_is_saved_resumed_and_summed_per_product(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let buyer = app.learner().await;
    let stranger = app.learner().await;
    app.buy(&buyer, &product).await;
    let path = format!("/api/v1/lessons/{}/progress", lessons[1]);
    let put = |token: String, body: Value| {
        let path = path.clone();
        async move {
            app.client
                .put(app.url(&path))
                .bearer_auth(token)
                .json(&body)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    expect_error(
        put(stranger, json!({"position_ms": 1000})).await,
        StatusCode::FORBIDDEN,
        "purchase_required",
    )
    .await;
    let saved = json_of(
        put(
            buyer.clone(),
            json!({"position_ms": 42_000, "duration_ms": 100_000}),
        )
        .await,
    )
    .await;
    assert_eq!(saved["position_ms"], 42_000, "{saved}");
    assert_eq!(saved["completed"], false);
    let lesson = json_of(
        app.get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&buyer))
            .await,
    )
    .await;
    assert_eq!(
        lesson["progress"]["position_ms"], 42_000,
        "resume from here: {lesson}"
    );
    let done = json_of(
        put(
            buyer.clone(),
            json!({"position_ms": 96_000, "duration_ms": 100_000}),
        )
        .await,
    )
    .await;
    assert_eq!(done["completed"], true);
    let back = json_of(
        put(
            buyer.clone(),
            json!({"position_ms": 5_000, "duration_ms": 100_000}),
        )
        .await,
    )
    .await;
    assert_eq!(
        back["completed"], true,
        "completion is kept when rewatching"
    );

    // One of three lessons done (the second), and "continue" leads on to the next one
    // not yet finished (the third), not back to the finished one.
    let library = app
        .client
        .get(app.url("/library"))
        .header("cookie", format!("kenning_session={buyer}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(library.contains("33% done"), "{library}");
    assert!(
        library.contains(&format!(
            "href=\"/lessons/{}\" data-test=\"continue\"",
            lessons[2]
        )),
        "{library}"
    );
}

/// An audio series with two episodes (the first a free preview), each with a WAV file.
pub(crate) async fn audio_series(app: &TestApp) -> (String, String) {
    let (_, creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let created = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({
                "kind": "audio_series",
                "title": {"en": "Night Talks", "zh-CN": "夜谈"},
                "description": {"en": "Short talks & stories.", "zh-CN": "短小的谈话与故事。"},
                "prices": [{"amount_minor": 4900, "currency": "CNY"}, {"amount_minor": 699, "currency": "USD"}],
                "tags": ["audio"]
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let product = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    for (i, title) in ["Episode <1>", "Episode 2"].iter().enumerate() {
        let lesson = app
            .post(
                &format!("/api/v1/products/{product}/lessons"),
                Some(&creator),
                json!({"title": {"en": title}, "content": {"en": "Show notes."}, "preview": i == 0}),
            )
            .await;
        let lesson = json_of(lesson).await["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let up = upload(
            app,
            &lesson,
            Some(&creator),
            "ep.wav",
            wav(1_000 + 100 * i as u32),
        )
        .await;
        assert_eq!(up.status(), StatusCode::CREATED);
    }
    let published = app
        .post(
            &format!("/api/v1/products/{product}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    (product, creator)
}

pub(crate) async fn feed_url_of(app: &TestApp, token: &str, product: &str) -> Option<String> {
    let library = json_of(app.get("/api/v1/library", Some(token)).await).await;
    library["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .find(|i| i["id"] == product)
        .and_then(|i| i["feed_url"].as_str().map(String::from))
}

async fn a_private_podcast_feed_parses_plays_and_can_be_rotated(app: &TestApp) {
    let (series, _) = audio_series(app).await;
    let (course, _, _) = app.published_course().await;
    let listener = app.learner().await;
    app.buy(&listener, &series).await;
    app.buy(&listener, &course).await;
    assert_eq!(
        feed_url_of(app, &listener, &course).await,
        None,
        "courses have no feed"
    );
    let feed = feed_url_of(app, &listener, &series)
        .await
        .unwrap_or_else(|| panic!("no feed url"));
    assert!(
        feed.starts_with(&format!("http://{}/feeds/", app.addr)),
        "{feed}"
    );

    // A podcast app fetches it (no cookie, no token) and a real parser reads it.
    let fetched = app
        .client
        .get(&feed)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fetched.status(), StatusCode::OK);
    assert!(
        fetched.headers()["content-type"]
            .to_str()
            .unwrap_or_default()
            .starts_with("application/rss+xml")
    );
    let xml = fetched.bytes().await.unwrap_or_default();
    let channel = rss::Channel::read_from(&xml[..]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(channel.title(), "Night Talks");
    assert!(
        channel
            .namespaces()
            .values()
            .any(|ns| ns.contains("itunes"))
    );
    assert_eq!(channel.items().len(), 2);
    assert_eq!(
        channel.items()[0].title(),
        Some("Episode <1>"),
        "escaped and read back"
    );
    let enclosure = channel.items()[1]
        .enclosure()
        .unwrap_or_else(|| panic!("no enclosure"));
    assert_eq!(enclosure.mime_type(), "audio/x-wav");
    assert_eq!(enclosure.length(), "2244");
    let episode = app
        .client
        .get(enclosure.url())
        .header(RANGE, "bytes=0-3")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(episode.status(), StatusCode::PARTIAL_CONTENT);
    assert_eq!(episode.bytes().await.unwrap_or_default().as_ref(), b"RIFF");

    // A guessed or altered address finds nothing; nobody else gets one.
    let stranger = app.learner().await;
    assert_eq!(feed_url_of(app, &stranger, &series).await, None);
    let altered = format!("{}X.rss", feed.trim_end_matches(".rss"));
    let refused = app
        .client
        .get(&altered)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(refused.status(), StatusCode::NOT_FOUND);

    // Rotating replaces the address: the old one stops working at once.
    let rotated = app
        .post(
            &format!("/api/v1/library/{series}/feed/rotate"),
            Some(&listener),
            json!({}),
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    let new_feed = json_of(rotated).await["feed_url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_ne!(new_feed, feed);
    assert_eq!(
        feed_url_of(app, &listener, &series).await.as_deref(),
        Some(new_feed.as_str())
    );
    let old = app
        .client
        .get(&feed)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(old.status(), StatusCode::NOT_FOUND);
    let new = app
        .client
        .get(&new_feed)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(new.status(), StatusCode::OK);
    expect_error(
        app.post(
            &format!("/api/v1/library/{series}/feed/rotate"),
            Some(&stranger),
            json!({}),
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

async fn learning_records_export_as_xapi_for_the_person_and_the_creator(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let done = app
        .client
        .put(app.url(&format!("/api/v1/lessons/{}/progress", lessons[1])))
        .bearer_auth(&buyer)
        .json(&json!({"ended": true}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(done.status(), StatusCode::OK);

    let mine = app.get("/api/v1/me/learning-records", Some(&buyer)).await;
    assert_eq!(mine.status(), StatusCode::OK);
    assert!(
        mine.headers()["content-disposition"]
            .to_str()
            .unwrap_or_default()
            .starts_with("attachment")
    );
    let mine = json_of(mine).await;
    let statements = mine.as_array().cloned().unwrap_or_default();
    let verbs: Vec<&str> = statements
        .iter()
        .filter_map(|s| s["verb"]["id"].as_str())
        .collect();
    assert_eq!(
        verbs,
        vec![
            "http://adlnet.gov/expapi/verbs/registered",
            "http://adlnet.gov/expapi/verbs/completed"
        ],
        "{mine}"
    );
    let completed = &statements[1];
    for key in ["id", "actor", "verb", "object", "result", "timestamp"] {
        assert!(!completed[key].is_null(), "{key} in {completed}");
    }
    assert_eq!(completed["actor"]["objectType"], "Agent");
    assert_eq!(completed["result"]["completion"], true);
    assert!(
        completed["object"]["id"]
            .as_str()
            .unwrap_or_default()
            .ends_with(&format!("/lessons/{}", lessons[1]))
    );
    assert_eq!(completed["object"]["definition"]["name"]["en"], "Ownership");
    assert_eq!(completed["verb"]["display"]["zh-CN"], "已完成");
    let again = json_of(app.get("/api/v1/me/learning-records", Some(&buyer)).await).await;
    assert_eq!(
        again[1]["id"], completed["id"],
        "ids are stable across exports"
    );

    // The creator exports everyone's; nobody else may.
    let all = json_of(
        app.get(
            &format!("/api/v1/products/{product}/learning-records"),
            Some(&creator),
        )
        .await,
    )
    .await;
    assert_eq!(all.as_array().map(Vec::len), Some(2), "{all}");
    expect_error(
        app.get(
            &format!("/api/v1/products/{product}/learning-records"),
            Some(&buyer),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    let (_, other_creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    expect_error(
        app.get(
            &format!("/api/v1/products/{product}/learning-records"),
            Some(&other_creator),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
}

/// Who may do what with lesson files, progress and records: anonymous, a learner without
/// the product, a buyer, the product's creator, another creator and an operator.
async fn every_media_endpoint_checks_who_is_asking(app: &TestApp) {
    use kenning_domain::account::Role;
    let (product, lessons, creator) = app.published_course().await;
    let locked = &lessons[1];
    let stranger = app.learner().await;
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let (_, other_creator) = app.with_role(Role::Creator).await;
    let (_, admin) = app.with_role(Role::Admin).await;
    let first = upload(app, locked, Some(&creator), "first.wav", wav(500)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let who: [(&str, Option<&str>); 6] = [
        ("anonymous", None),
        ("stranger", Some(&stranger)),
        ("buyer", Some(&buyer)),
        ("creator", Some(&creator)),
        ("other creator", Some(&other_creator)),
        ("admin", Some(&admin)),
    ];
    // Expected statuses in the order above.
    let upload_expect = [401, 403, 403, 201, 403, 201];
    let lesson_expect = [401, 403, 200, 200, 403, 200];
    let progress_expect = [401, 403, 200, 200, 403, 200];
    let records_expect = [401, 403, 403, 200, 403, 200];
    for (i, (name, token)) in who.iter().enumerate() {
        let up = upload(app, locked, *token, "a.wav", wav(500)).await;
        assert_eq!(up.status().as_u16(), upload_expect[i], "upload as {name}");
        let lesson = app.get(&format!("/api/v1/lessons/{locked}"), *token).await;
        assert_eq!(
            lesson.status().as_u16(),
            lesson_expect[i],
            "lesson as {name}"
        );
        if lesson.status() == StatusCode::OK {
            // Everyone who may read the lesson gets working links of their own.
            let body = json_of(lesson).await;
            let url = body["media"][0]["url"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            assert!(!url.is_empty(), "links for {name}: {body}");
            let got = fetch(app, &url, &[(RANGE, "bytes=0-3")]).await;
            assert_eq!(
                got.status(),
                StatusCode::PARTIAL_CONTENT,
                "stream as {name}"
            );
        }
        let mut progress = app
            .client
            .put(app.url(&format!("/api/v1/lessons/{locked}/progress")))
            .json(&json!({"position_ms": 1000}));
        if let Some(t) = token {
            progress = progress.bearer_auth(t);
        }
        let progress = progress.send().await.unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            progress.status().as_u16(),
            progress_expect[i],
            "progress as {name}"
        );
        let records = app
            .get(
                &format!("/api/v1/products/{product}/learning-records"),
                *token,
            )
            .await;
        assert_eq!(
            records.status().as_u16(),
            records_expect[i],
            "records as {name}"
        );
    }

    // Uploads above the configured cap are refused whole (this server allows 1 MiB).
    let big = wav(700_000);
    expect_error(
        upload(app, locked, Some(&creator), "big.wav", big).await,
        StatusCode::PAYLOAD_TOO_LARGE,
        "upload_too_large",
    )
    .await;
    // A PDF under that cap but over the one for documents marked per buyer (512 KiB
    // here) is refused with its own code and a message saying the limit.
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.resize(600_000, b' ');
    let refused = upload(app, locked, Some(&creator), "big.pdf", pdf).await;
    let body = expect_error(refused, StatusCode::PAYLOAD_TOO_LARGE, "document_too_large").await;
    let message = body["error"]["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("PDF") && message.contains("1 MB"),
        "{body}"
    );
}
