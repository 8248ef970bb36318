//! Search relevance over the demo catalog, measured: every query of a judged set goes
//! through the public search API, and the mean precision@5 and nDCG@5 must stay at or
//! above a floor set a little below what the engine achieves (bench/README.md, "Search
//! relevance", has the scores and how to reproduce them).
//!
//! Conventions (binary relevance):
//! - precision@5 is the share of relevant products among those shown in the first five
//!   (relevant in the top 5 / min(5, results)), so a short list of right answers scores
//!   better than the same answers padded with unrelated products; no results for a query
//!   that has relevant products scores 0.
//! - nDCG@5 uses gain 1 for a relevant product at rank i, discounted by log2(i + 1), and
//!   divides by the ideal ordering of min(5, relevant) products.
//! - A query with no relevant product expects an empty list: both metrics score it 1 when
//!   nothing comes back, else 0.

use std::collections::HashMap;

use serde_json::Value;

use crate::helpers::{TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(search_relevance_over_the_demo_catalog_stays_above_its_floor);

/// The floors the means must reach, a little below what the engine achieves (P@5 0.984,
/// nDCG@5 0.953; bench/README.md, "Search relevance").
const FLOOR_PRECISION: f64 = 0.95;
const FLOOR_NDCG: f64 = 0.92;

/// The demo products by a short key, with their English titles as the demo catalog
/// (crates/kenning/src/demo/catalog.rs) defines them.
const PRODUCTS: &[(&str, &str)] = &[
    ("rust", "Rust in Practice: Building Fast Web Services"),
    ("db", "Database Internals for Application Engineers"),
    ("dist", "Distributed Systems Basics"),
    ("async", "The Async Rust Handbook"),
    ("selfhost", "State of Self-Hosting 2026"),
    ("lead", "Engineering Leadership Weekly"),
    ("live", "Live Q&A: Async Rust in Production"),
    ("pack", "Rust Starter Pack"),
    ("member", "Lin Wei All Access"),
    ("ask", "Ask Lin Wei: one question on Rust services"),
    ("mandarin", "Mandarin for Travellers"),
    ("speak", "Public Speaking in 21 Days"),
    ("history", "Chinese History in Thirty Episodes"),
    ("classics", "Reading the Classics Together"),
    ("tea", "Tea: A Field Guide"),
    ("market", "Knowledge Commerce in China 2026"),
    ("learn", "How to Learn Online"),
];

/// Products about Rust's async side: the handbook, the course's async chapter, the live
/// Q&A, the question desk (async is one of its topics) and the bundle with the handbook.
const ASYNC_RUST: &[&str] = &["async", "rust", "live", "ask", "pack"];
/// Every product about Rust (tagged rust).
const ALL_RUST: &[&str] = &["rust", "async", "live", "pack", "ask"];

/// The judged set: interface language, query, relevant products (none: expect nothing).
const QUERIES: &[(&str, &str, &[&str])] = &[
    // English, one word.
    ("en", "tea", &["tea"]),
    ("en", "rust", ALL_RUST),
    ("en", "database", &["db", "rust"]),
    ("en", "async", ASYNC_RUST),
    ("en", "mandarin", &["mandarin"]),
    ("en", "history", &["history"]),
    ("en", "leadership", &["lead"]),
    ("en", "consensus", &["dist"]),
    ("en", "survey", &["selfhost"]),
    ("en", "membership", &["member"]),
    // English, several words.
    ("en", "brew tea", &["tea"]),
    ("en", "public speaking", &["speak"]),
    ("en", "distributed systems", &["dist"]),
    ("en", "write-ahead log", &["db"]),
    ("en", "creator economy", &["market"]),
    ("en", "hiring feedback", &["lead"]),
    ("en", "futures executors", &["async"]),
    ("en", "raft consensus", &["dist"]),
    ("en", "knowledge commerce china", &["market"]),
    ("en", "rust web services", &["rust", "ask"]),
    // English with a typo.
    ("en", "speakng", &["speak"]),
    ("en", "databse", &["db", "rust"]),
    ("en", "mandarn", &["mandarin"]),
    ("en", "histroy", &["history"]),
    ("en", "leadershp", &["lead"]),
    ("en", "distributed sytems", &["dist"]),
    // English prefixes.
    ("en", "isolat", &["db"]),
    ("en", "distrib", &["dist"]),
    ("en", "mandar", &["mandarin"]),
    ("en", "leader", &["lead"]),
    // Chinese: dictionary words.
    ("zh-CN", "茶", &["tea"]),
    ("zh-CN", "数据库", &["db", "rust"]),
    ("zh-CN", "演讲", &["speak"]),
    ("zh-CN", "知识付费", &["market"]),
    ("zh-CN", "论语", &["classics"]),
    ("zh-CN", "绿茶", &["tea"]),
    ("zh-CN", "自托管", &["selfhost"]),
    ("zh-CN", "林薇", &["member", "ask"]),
    ("zh-CN", "在线学习", &["learn"]),
    // Chinese: longer than a dictionary word, or several words.
    ("zh-CN", "异步编程", ASYNC_RUST),
    ("zh-CN", "分布式系统", &["dist"]),
    ("zh-CN", "中国历史", &["history"]),
    ("zh-CN", "旅行汉语", &["mandarin"]),
    ("zh-CN", "技术管理", &["lead"]),
    ("zh-CN", "异步 Rust 手册", &["async", "pack"]),
    ("zh-CN", "中国茶", &["tea"]),
    ("zh-CN", "数据库内核", &["db"]),
    ("zh-CN", "如何冲泡乌龙茶", &["tea"]),
    ("zh-CN", "分布式共识算法", &["dist"]),
    ("zh-CN", "演讲训练", &["speak"]),
    // Both languages in one query.
    ("zh-CN", "rust 数据库", &["rust", "db"]),
    // Nothing in the catalog is about these.
    ("en", "kubernetes", &[]),
    ("en", "quantum physics", &[]),
    ("en", "piano", &[]),
    ("en", "xyzzy", &[]),
    ("zh-CN", "烹饪", &[]),
    ("zh-CN", "区块链", &[]),
];

const K: usize = 5;

/// Precision of the first K results (see the module comment for the conventions).
fn precision_at_k(ranked: &[String], relevant: &[&str]) -> f64 {
    let shown = &ranked[..ranked.len().min(K)];
    if relevant.is_empty() || shown.is_empty() {
        return if relevant.is_empty() == shown.is_empty() {
            1.0
        } else {
            0.0
        };
    }
    let hits = shown
        .iter()
        .filter(|r| relevant.contains(&r.as_str()))
        .count();
    hits as f64 / shown.len() as f64
}

fn dcg(gains: impl Iterator<Item = bool>) -> f64 {
    gains
        .enumerate()
        .filter(|(_, relevant)| *relevant)
        .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
        .fold(0.0, |sum, gain| sum + gain)
}

/// Binary nDCG of the first K results (see the module comment for the conventions).
fn ndcg_at_k(ranked: &[String], relevant: &[&str]) -> f64 {
    if relevant.is_empty() {
        return if ranked.is_empty() { 1.0 } else { 0.0 };
    }
    let actual = dcg(ranked
        .iter()
        .take(K)
        .map(|r| relevant.contains(&r.as_str())));
    let ideal = dcg(std::iter::repeat_n(true, relevant.len().min(K)));
    actual / ideal
}

/// Product id → key, from the English catalog listing.
async fn keys_by_id(app: &TestApp) -> HashMap<String, &'static str> {
    let listing = json_of(app.get("/api/v1/products?per_page=100", None).await).await;
    let items = listing["items"].as_array().cloned().unwrap_or_default();
    let mut keys = HashMap::new();
    for item in &items {
        let title = item["title"].as_str().unwrap_or_default();
        if let Some((key, _)) = PRODUCTS.iter().find(|(_, t)| *t == title) {
            keys.insert(item["id"].as_str().unwrap_or_default().to_owned(), *key);
        }
    }
    assert_eq!(keys.len(), PRODUCTS.len(), "every demo product is listed");
    keys
}

async fn search(app: &TestApp, lang: &str, q: &str) -> Value {
    json_of(
        app.client
            .get(app.url("/api/v1/search"))
            .query(&[("q", q), ("lang", lang)])
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}")),
    )
    .await
}

/// What a snippet shows besides plain text with the matched words in `<b>`: Markdown,
/// or tags other than the highlight's (escaped ones included).
fn dirt_in_snippet(highlight: &str) -> Option<&'static str> {
    let bare = highlight.replace("<b>", "").replace("</b>", "");
    ["<", ">", "&lt;", "&gt;", "##", "**", "`"]
        .into_iter()
        .find(|bad| bare.contains(bad))
}

async fn search_relevance_over_the_demo_catalog_stays_above_its_floor(app: &TestApp) {
    kenning::demo::load(&app.app)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let keys = keys_by_id(app).await;
    let (mut precision, mut ndcg) = (0.0, 0.0);
    let (mut report, mut dirty) = (Vec::new(), Vec::new());
    for (lang, q, relevant) in QUERIES {
        let found = search(app, lang, q).await;
        let items = found["items"].as_array().cloned().unwrap_or_default();
        let ranked: Vec<String> = items
            .iter()
            .map(|i| {
                let id = i["id"].as_str().unwrap_or_default();
                keys.get(id).copied().unwrap_or("?").to_owned()
            })
            .collect();
        for item in &items {
            let highlight = item["highlight"].as_str().unwrap_or_default();
            if let Some(bad) = dirt_in_snippet(highlight) {
                dirty.push(format!("{q:?}: {bad:?} in {highlight:?}"));
            }
        }
        let (p, n) = (
            precision_at_k(&ranked, relevant),
            ndcg_at_k(&ranked, relevant),
        );
        precision += p;
        ndcg += n;
        report.push(format!(
            "{p:.2} {n:.2}  {lang:5} {q:<26} {} results: {}",
            ranked.len(),
            ranked.join(" ")
        ));
    }
    let count = QUERIES.len() as f64;
    let (precision, ndcg) = (precision / count, ndcg / count);
    println!("P@5  nDCG@5  query → results\n{}", report.join("\n"));
    println!(
        "search relevance over {} queries: P@5 {precision:.3}, nDCG@5 {ndcg:.3}",
        QUERIES.len()
    );
    assert!(
        precision >= FLOOR_PRECISION && ndcg >= FLOOR_NDCG,
        "relevance fell: P@5 {precision:.3} (floor {FLOOR_PRECISION}), nDCG@5 {ndcg:.3} \
         (floor {FLOOR_NDCG})\n{}",
        report.join("\n")
    );
    assert!(
        dirty.is_empty(),
        "snippets not plain:\n{}",
        dirty.join("\n")
    );
}
