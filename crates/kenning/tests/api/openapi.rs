//! The OpenAPI document the server serves is the one kenning-web's snapshot test keeps
//! (`crates/kenning-web/tests/openapi.snapshot.json`), so a reviewed snapshot is a
//! reviewed API.

use serde_json::Value;

use crate::helpers::{Backend, TestApp, json_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_served_openapi_document_is_the_snapshot() {
    let app = TestApp::spawn(Backend::Sqlite).await;
    let served = json_of(app.get("/api/openapi.json", None).await).await;
    let built = serde_json::to_value(kenning_web::openapi()).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        served, built,
        "the server serves another document than it builds"
    );
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../kenning-web/tests/openapi.snapshot.json");
    let snapshot: Value = serde_json::from_str(
        &std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        served == snapshot,
        "the served OpenAPI document differs from {}; update it with \
         UPDATE_SNAPSHOTS=1 cargo test -p kenning-web --test openapi",
        path.display()
    );
    app.finish().await;
}
