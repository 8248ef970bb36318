use std::collections::HashSet;

use reqwest::StatusCode;

use crate::helpers::{TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(the_demo_catalog_is_complete_and_loads_once);

async fn the_demo_catalog_is_complete_and_loads_once(app: &TestApp) {
    kenning::demo::load(&app.app)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    kenning::demo::load(&app.app)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));

    let en = json_of(app.get("/api/v1/products?per_page=100", None).await).await;
    let zh = json_of(
        app.get("/api/v1/products?per_page=100&lang=zh-CN", None)
            .await,
    )
    .await;
    let items = en["items"].as_array().cloned().unwrap_or_default();
    assert!(items.len() >= 12, "{} products", items.len());
    assert_eq!(
        en["total"].as_i64(),
        Some(i64::try_from(items.len()).unwrap_or(0))
    );

    // Demo buyers have rated some products (and the second load added nothing).
    let rated: i64 = items
        .iter()
        .filter_map(|p| p["rating"]["count"].as_i64())
        .sum();
    assert_eq!(rated, 5, "demo reviews");

    let kinds: HashSet<_> = items.iter().map(|p| p["kind"].to_string()).collect();
    assert!(kinds.len() >= 3, "{kinds:?}");
    let creators: HashSet<_> = items
        .iter()
        .map(|p| p["creator"]["id"].to_string())
        .collect();
    assert!(creators.len() >= 2);

    let zh_items = zh["items"].as_array().cloned().unwrap_or_default();
    for (e, z) in items.iter().zip(&zh_items) {
        assert_eq!(e["id"], z["id"]);
        assert_ne!(e["title"], z["title"], "titles in both languages");
        assert_ne!(e["description"], z["description"]);
        if e["free"] == false {
            let currencies: HashSet<_> = e["prices"]
                .as_array()
                .cloned()
                .unwrap_or_default()
                .iter()
                .map(|p| p["currency"].as_str().unwrap_or_default().to_owned())
                .collect();
            assert!(currencies.contains("CNY") && currencies.contains("USD"));
        }
    }

    for course in items
        .iter()
        .filter(|p| p["kind"] == "course" && p["free"] == false)
    {
        let id = course["id"].as_str().unwrap_or_default();
        let detail = json_of(app.get(&format!("/api/v1/products/{id}"), None).await).await;
        let lessons = detail["lessons"].as_array().cloned().unwrap_or_default();
        assert!(
            lessons.iter().any(|l| l["preview"] == true),
            "{id} has a preview"
        );
        let locked: Vec<_> = lessons.iter().filter(|l| l["preview"] == false).collect();
        assert!(!locked.is_empty(), "{id} has locked lessons");
        let locked_id = locked[0]["id"].as_str().unwrap_or_default();
        let r = app.get(&format!("/api/v1/lessons/{locked_id}"), None).await;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
}
