//! The whole OpenAPI document, compared with the committed snapshot
//! `tests/openapi.snapshot.json`: any change to a path, a parameter, a schema or an answer
//! shows up in review as a change to that file. After an intended change, write the new
//! snapshot with `UPDATE_SNAPSHOTS=1 cargo test -p kenning-web --test openapi` and commit it.

use std::path::PathBuf;

fn snapshot_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/openapi.snapshot.json")
}

/// The document as the snapshot keeps it: pretty JSON, two spaces, a final newline.
fn document() -> String {
    let doc = kenning_web::openapi();
    let mut text = serde_json::to_string_pretty(&doc).unwrap_or_else(|e| panic!("{e}"));
    text.push('\n');
    text
}

/// The first lines where two texts part, with a little context, for the failure message.
fn first_difference(expected: &str, actual: &str) -> String {
    let (old, new): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    let at = old
        .iter()
        .zip(&new)
        .position(|(a, b)| a != b)
        .unwrap_or(old.len().min(new.len()));
    let show = |lines: &[&str]| {
        lines
            .iter()
            .skip(at.saturating_sub(3))
            .take(8)
            .enumerate()
            .map(|(i, l)| format!("{:>6} {l}", at.saturating_sub(3) + i + 1))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "first difference at line {} ({} lines in the snapshot, {} now)\n\
         --- snapshot\n{}\n+++ now\n{}",
        at + 1,
        old.len(),
        new.len(),
        show(&old),
        show(&new)
    )
}

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let actual = document();
    let path = snapshot_path();
    if std::env::var("UPDATE_SNAPSHOTS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &actual).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "cannot read {}: {e}\nWrite it with: UPDATE_SNAPSHOTS=1 cargo test -p kenning-web \
             --test openapi",
            path.display()
        )
    });
    assert!(
        expected == actual,
        "the OpenAPI document differs from {}.\n{}\n\nIf the change is intended, update the \
         snapshot with:\n    UPDATE_SNAPSHOTS=1 cargo test -p kenning-web --test openapi\n\
         and commit tests/openapi.snapshot.json with the change.",
        path.display(),
        first_difference(&expected, &actual)
    );
}

#[test]
fn the_snapshot_is_a_whole_document() {
    // The snapshot is what it claims to be: every route of the API is in it.
    let doc: serde_json::Value =
        serde_json::from_str(&document()).unwrap_or_else(|e| panic!("{e}"));
    let paths = doc["paths"].as_object().map_or(0, |p| p.len());
    assert!(paths >= 60, "only {paths} paths");
    for path in [
        "/api/v1/orders",
        "/api/v1/orders/{id}/pay",
        "/api/v1/lessons/{id}/media",
        "/api/v1/webhooks/{provider}",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path} missing");
    }
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
}
