use serde_json::json;

use crate::helpers::{TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(
    search_finds_the_demo_catalog_in_both_languages,
    search_never_reveals_locked_lessons_and_follows_publishing,
);

/// The relevance set: a query and the product expected at rank 1.
const RELEVANCE: &[(&str, &str, &str)] = &[
    (
        "en",
        "rust web services",
        "Rust in Practice: Building Fast Web Services",
    ),
    (
        "en",
        "database",
        "Database Internals for Application Engineers",
    ),
    ("en", "raft consensus", "Distributed Systems Basics"),
    ("en", "futures executors", "The Async Rust Handbook"),
    ("en", "self hosting survey", "State of Self-Hosting 2026"),
    ("en", "hiring feedback", "Engineering Leadership Weekly"),
    ("en", "mandarin", "Mandarin for Travellers"),
    ("en", "public speaking", "Public Speaking in 21 Days"),
    ("en", "dynasty", "Chinese History in Thirty Episodes"),
    ("en", "brew tea", "Tea: A Field Guide"),
    ("en", "creator economy", "Knowledge Commerce in China 2026"),
    ("en", "speakng", "Public Speaking in 21 Days"),
    ("zh-CN", "数据库", "写给应用工程师的数据库内核课"),
    ("zh-CN", "分布式", "分布式系统基础"),
    ("zh-CN", "异步", "异步 Rust 手册"),
    ("zh-CN", "演讲", "21 天演讲训练营"),
    ("zh-CN", "茶", "中国茶田野指南"),
    ("zh-CN", "知识付费", "2026 中国知识付费行业报告"),
    ("zh-CN", "历史", "三十集讲中国史"),
    ("zh-CN", "论语", "经典共读"),
    ("zh-CN", "旅行", "旅行汉语速成"),
    ("zh-CN", "招聘", "技术管理每周谈"),
];

async fn search_finds_the_demo_catalog_in_both_languages(app: &TestApp) {
    kenning::demo::load(&app.app)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let mut misses = Vec::new();
    for (lang, q, expected) in RELEVANCE {
        let found = json_of(
            app.client
                .get(app.url("/api/v1/search"))
                .query(&[("q", *q), ("lang", *lang)])
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}")),
        )
        .await;
        let first = found["items"][0]["title"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        if first != *expected {
            misses.push(format!("{lang} {q:?}: got {first:?}, want {expected:?}"));
        }
    }
    assert!(
        misses.is_empty(),
        "relevance misses:\n{}",
        misses.join("\n")
    );

    // Results carry the match, highlighted, and honour filters.
    let hit = json_of(
        app.get(
            "/api/v1/search?q=%E6%95%B0%E6%8D%AE%E5%BA%93&lang=zh-CN",
            None,
        )
        .await,
    )
    .await;
    assert!(
        hit["items"][0]["highlight"]
            .as_str()
            .unwrap_or_default()
            .contains("<b>"),
        "{hit}"
    );
    let ebooks = json_of(app.get("/api/v1/search?q=rust&kind=ebook", None).await).await;
    let kinds: Vec<_> = ebooks["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| i["kind"].clone())
        .collect();
    assert!(
        !kinds.is_empty() && kinds.iter().all(|k| k == "ebook"),
        "{kinds:?}"
    );
    let cheap = json_of(
        app.get("/api/v1/search?q=rust&currency=USD&max_price=1000", None)
            .await,
    )
    .await;
    assert!(
        cheap["items"]
            .as_array()
            .cloned()
            .unwrap_or_default()
            .iter()
            .all(|i| i["price"]["amount_minor"].as_i64().unwrap_or(0) <= 1000)
    );

    let page = app.text("/search?q=%E8%8C%B6").await;
    assert!(page.contains("data-test=\"search-result\""));
    assert!(page.contains("<b>"));
}

async fn search_never_reveals_locked_lessons_and_follows_publishing(app: &TestApp) {
    let (product, _, creator) = app.published_course().await;
    // Lesson 0 (preview) says "Secret text 0"; lessons 1 and 2 are locked.
    let preview = json_of(app.get("/api/v1/search?q=welcome", None).await).await;
    assert_eq!(preview["items"][0]["id"], product.as_str());
    let lesson = app
        .post(
            &format!("/api/v1/products/{product}/lessons"),
            Some(&creator),
            json!({"title": {"en": "Closing"}, "content": {"en": "zanzibarian platypus"}}),
        )
        .await;
    assert!(lesson.status().is_success());
    let lesson_id = json_of(lesson).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let search_as = |token: Option<String>| async move {
        json_of(app.get("/api/v1/search?q=platypus", token.as_deref()).await).await
    };
    let lesson_ids = |body: &serde_json::Value| -> Vec<String> {
        body["lessons"]
            .as_array()
            .map(|l| {
                l.iter()
                    .filter_map(|m| m["id"].as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    // Nobody who may not read the lesson finds its text, in products or in lessons.
    let (_, other_creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let bystander = app.learner().await;
    for token in [None, Some(bystander.clone()), Some(other_creator)] {
        let found = search_as(token).await;
        assert_eq!(found["items"].as_array().map(Vec::len), Some(0), "{found}");
        assert!(lesson_ids(&found).is_empty(), "{found}");
        assert!(!found.to_string().contains("platypus"), "{found}");
    }
    // The buyer, the creator and operators find it among the lessons they can read,
    // never in a product's public highlight.
    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let (_, admin) = app.with_role(kenning_domain::account::Role::Admin).await;
    for token in [buyer.clone(), creator.clone(), admin.clone()] {
        let found = search_as(Some(token)).await;
        assert_eq!(found["items"].as_array().map(Vec::len), Some(0), "{found}");
        assert_eq!(lesson_ids(&found), vec![lesson_id.clone()], "{found}");
        assert_eq!(found["lessons"][0]["product_id"], product.as_str());
        assert!(
            found["lessons"][0]["highlight"]
                .as_str()
                .unwrap_or_default()
                .contains("<b>platypus</b>"),
            "{found}"
        );
    }
    let page = app
        .browser
        .get(app.url("/search?q=platypus"))
        .header("cookie", format!("kenning_session={buyer}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(page.contains("data-test=\"search-lesson\""), "{page}");
    assert!(page.contains(&format!("/lessons/{lesson_id}")));

    let unpublished = app
        .post(
            &format!("/api/v1/products/{product}/unpublish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert!(unpublished.status().is_success());
    let gone = json_of(app.get("/api/v1/search?q=rust", None).await).await;
    assert_eq!(gone["items"].as_array().map(Vec::len), Some(0), "{gone}");
    let republished = app
        .post(
            &format!("/api/v1/products/{product}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert!(republished.status().is_success());
    let back = json_of(app.get("/api/v1/search?q=rust", None).await).await;
    assert_eq!(back["items"][0]["id"], product.as_str());
    let empty = json_of(app.get("/api/v1/search?q=", None).await).await;
    assert_eq!(empty["items"].as_array().map(Vec::len), Some(0));

    // Operators can rebuild the index on demand; nobody else can.
    let refused = app
        .post("/api/v1/admin/search/reindex", Some(&buyer), json!({}))
        .await;
    assert_eq!(refused.status(), reqwest::StatusCode::FORBIDDEN);
    let rebuilt = app
        .post("/api/v1/admin/search/reindex", Some(&admin), json!({}))
        .await;
    assert_eq!(json_of(rebuilt).await["indexed"], 1);
    let still = json_of(app.get("/api/v1/search?q=rust", None).await).await;
    assert_eq!(still["items"][0]["id"], product.as_str());
    assert_eq!(
        lesson_ids(&search_as(Some(buyer)).await),
        vec![lesson_id],
        "the rebuild keeps the lesson index"
    );
}
