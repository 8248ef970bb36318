//! Unit tests of the catalog index: ranking, cuts, Chinese queries and snippets.

use super::*;

fn doc(id: &str, kind: &str, en: (&str, &str), zh: (&str, &str), cny: i64, at: i64) -> SearchDoc {
    SearchDoc {
        id: id.into(),
        kind: kind.into(),
        languages: vec!["en".into(), "zh-CN".into()],
        title_en: en.0.into(),
        text_en: en.1.into(),
        title_zh: zh.0.into(),
        text_zh: zh.1.into(),
        prices: vec![("CNY".into(), cny)],
        published_at_ms: at,
        group: format!("group-of-{kind}"),
        rating_centi: match id {
            "rust" => 450,
            "db" => 380,
            "tea" => 490,
            _ => 0,
        },
    }
}

fn index() -> SearchIndex {
    let idx = SearchIndex::in_memory(&["CNY", "USD"]).unwrap_or_else(|e| panic!("{e}"));
    idx.rebuild(&[
        doc(
            "rust",
            "course",
            (
                "Rust in Practice",
                "Build fast web services with ownership and async.",
            ),
            (
                "Rust 实战",
                "用 Rust 构建高性能 Web 服务，讲透所有权与异步。",
            ),
            19900,
            3,
        ),
        doc(
            "db",
            "course",
            (
                "Database Internals",
                "B-trees, write-ahead logs and isolation levels.",
            ),
            ("数据库内核入门", "B 树、预写日志与隔离级别。"),
            14900,
            2,
        ),
        doc(
            "tea",
            "ebook",
            (
                "Tea: A Field Guide",
                "Six families of tea and how to brew them.",
            ),
            ("中国茶田野指南", "六大茶类的制作工艺与冲泡方法。"),
            3900,
            1,
        ),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    idx
}

fn ids(idx: &SearchIndex, q: SearchQuery) -> Vec<String> {
    idx.search(&q)
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|h| h.id)
        .collect()
}

fn q(text: &str) -> SearchQuery {
    SearchQuery {
        text: text.into(),
        ..SearchQuery::default()
    }
}

#[test]
fn english_is_stemmed_prefixed_and_typo_tolerant() {
    let idx = index();
    assert_eq!(
        ids(&idx, q("rust")).first().map(String::as_str),
        Some("rust")
    );
    assert_eq!(
        ids(&idx, q("brewing teas")).first().map(String::as_str),
        Some("tea")
    );
    assert_eq!(
        ids(&idx, q("databse")).first().map(String::as_str),
        Some("db")
    );
    assert_eq!(
        ids(&idx, q("isolat")).first().map(String::as_str),
        Some("db")
    );
}

#[test]
fn a_near_miss_in_a_title_outranks_one_in_a_description_across_segments() {
    let idx = SearchIndex::in_memory(&["CNY"]).unwrap_or_else(|e| panic!("{e}"));
    // One upsert per product: several segments, each with its own statistics.
    idx.upsert(&[doc(
        "rust",
        "course",
        (
            "Rust in Practice",
            "Ownership, async, databases and testing, explained with one running project.",
        ),
        ("", ""),
        1,
        1,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    idx.upsert(&[doc(
        "db",
        "course",
        (
            "Database Internals for Application Engineers",
            "B-trees and isolation levels.",
        ),
        ("", ""),
        1,
        2,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        ids(&idx, q("databse")).first().map(String::as_str),
        Some("db")
    );
}

#[test]
fn chinese_is_segmented() {
    let idx = index();
    assert_eq!(
        ids(&idx, q("数据库")).first().map(String::as_str),
        Some("db")
    );
    assert_eq!(
        ids(&idx, q("冲泡")).first().map(String::as_str),
        Some("tea")
    );
    assert_eq!(
        ids(&idx, q("异步")).first().map(String::as_str),
        Some("rust")
    );
}

#[test]
fn filters_and_sorts_apply() {
    let idx = index();
    let all = |sort| SearchQuery {
        text: "course OR ebook OR rust OR tea OR database".into(),
        sort,
        currency: Some("CNY".into()),
        ..SearchQuery::default()
    };
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                kind: Some("ebook".into()),
                ..all(Sort::Relevance)
            }
        ),
        vec!["tea"]
    );
    assert_eq!(ids(&idx, all(Sort::Newest)), vec!["rust", "db", "tea"]);
    assert_eq!(ids(&idx, all(Sort::PriceLow)), vec!["tea", "db", "rust"]);
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                min_price: Some(10_000),
                max_price: Some(15_000),
                ..all(Sort::PriceHigh)
            }
        ),
        vec!["db"]
    );
    assert!(
        ids(
            &idx,
            SearchQuery {
                language: Some("fr".into()),
                ..all(Sort::Relevance)
            }
        )
        .is_empty()
    );
    assert_eq!(ids(&idx, all(Sort::Rating)), vec!["tea", "rust", "db"]);
    assert_eq!(
        ids(
            &idx,
            SearchQuery {
                min_rating_centi: Some(400),
                ..all(Sort::Rating)
            }
        ),
        vec!["tea", "rust"]
    );
}

#[test]
fn results_highlight_the_match_and_escape_the_rest() {
    let idx = index();
    let hits = idx
        .search(&SearchQuery {
            text: "隔离".into(),
            highlight_language: "zh".into(),
            ..SearchQuery::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        hits.first()
            .is_some_and(|h| h.highlight.contains("<b>隔离</b>")),
        "{hits:?}"
    );
    idx.upsert(&[doc(
        "x",
        "report",
        ("<script>alert(1)</script> report", "about <script> tags"),
        ("", ""),
        1,
        0,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    let hits = idx.search(&q("report")).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        hits.iter().all(|h| !h.highlight.contains("<script>")),
        "{hits:?}"
    );
}

#[test]
fn removed_and_replaced_products_leave_no_trace() {
    let idx = index();
    idx.remove("tea").unwrap_or_else(|e| panic!("{e}"));
    assert!(ids(&idx, q("tea")).is_empty());
    idx.upsert(&[doc(
        "rust",
        "course",
        ("Rust Again", "renamed"),
        ("", ""),
        1,
        9,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(idx.len(), 2);
    assert_eq!(ids(&idx, q("renamed")), vec!["rust"]);
}

#[test]
fn a_search_can_be_restricted_to_groups() {
    let idx = index();
    let everything = ids(&idx, q("rust"));
    assert!(!everything.is_empty());
    let only = |groups: Vec<&str>| {
        ids(
            &idx,
            SearchQuery {
                groups: Some(groups.into_iter().map(String::from).collect()),
                ..q("rust")
            },
        )
    };
    assert!(only(vec![]).is_empty(), "an empty set allows nothing");
    assert!(only(vec!["group-of-nothing"]).is_empty());
    let courses = only(vec!["group-of-course"]);
    assert!(!courses.is_empty());
    assert!(courses.len() <= everything.len());
    let hits = idx
        .search(&SearchQuery {
            groups: Some(vec!["group-of-course".into()]),
            ..q("rust")
        })
        .unwrap_or_default();
    assert!(hits.iter().all(|h| h.group == "group-of-course"));
}

#[test]
fn an_exact_match_outranks_near_misses() {
    let idx = index();
    idx.upsert(&[doc(
        "rusty",
        "ebook",
        ("Rusty Tools", "Old tools, restored."),
        ("", ""),
        1,
        0,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    let found = ids(&idx, q("rust"));
    assert_eq!(found.first().map(String::as_str), Some("rust"), "{found:?}");
}

#[test]
fn near_misses_are_cut_when_exact_matches_exist() {
    let idx = index();
    idx.upsert(&[
        doc(
            "team",
            "audio_series",
            ("Leading a Team", "Teaching and hiring: take notes."),
            ("", ""),
            1,
            0,
        ),
        doc(
            "teach",
            "course",
            ("Teaching Online", "Ten lessons on teaching."),
            ("", ""),
            1,
            0,
        ),
    ])
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ids(&idx, q("tea")), vec!["tea"]);
    // Without an exact match, near misses are what there is, still cut far below
    // the best ("teaching" in a title, not only in a description).
    assert_eq!(ids(&idx, q("teachng")), vec!["teach"]);
}

#[test]
fn a_chinese_query_longer_than_a_word_finds_its_words() {
    let idx = index();
    assert_eq!(
        ids(&idx, q("异步编程")).first().map(String::as_str),
        Some("rust")
    );
    assert_eq!(
        ids(&idx, q("如何冲泡绿茶")).first().map(String::as_str),
        Some("tea")
    );
    // Segmented differently in the query and the text: character pairs still match.
    assert_eq!(ids(&idx, q("茶田")), vec!["tea"]);
}

#[test]
fn snippets_are_plain_text() {
    let idx = index();
    idx.upsert(&[doc(
        "md",
        "course",
        (
            "Green Teas",
            "## Green and white\n\nSteep **green** tea <em>briefly</em>, see `notes`.",
        ),
        ("绿茶", "## 绿茶与白茶\n\n**绿茶**要<em>轻</em>泡。"),
        1,
        0,
    )])
    .unwrap_or_else(|e| panic!("{e}"));
    for (text, language) in [("green", "en"), ("绿茶", "zh")] {
        let hits = idx
            .search(&SearchQuery {
                highlight_language: language.into(),
                ..q(text)
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let hit = hits.iter().find(|h| h.id == "md");
        let highlight = hit.map(|h| h.highlight.replace("<b>", "").replace("</b>", ""));
        assert!(
            highlight
                .as_ref()
                .is_some_and(|h| !h.is_empty()
                    && ["#", "**", "`", "<", "&lt;"].iter().all(|m| !h.contains(m))),
            "{text}: {hits:?}"
        );
    }
}

#[test]
fn operators_typed_by_people_are_not_errors() {
    let idx = index();
    assert!(idx.search(&q("rust AND (")).is_ok());
    assert!(idx.search(&q("\"unterminated")).is_ok());
}
