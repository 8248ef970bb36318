//! Media in an S3-compatible bucket: the same uploads, signed links, ranges and marked
//! copies as on local disk. Runs when `KENNING_TEST_S3_ENDPOINT` names a service (with
//! `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` set); CI starts one and requires it.

use kenning::config::S3Settings;
use reqwest::StatusCode;
use reqwest::header::RANGE;

use crate::helpers::{Backend, TestApp, json_of, wav};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn media_streams_from_an_s3_compatible_bucket() {
    let Ok(endpoint) = std::env::var("KENNING_TEST_S3_ENDPOINT") else {
        crate::helpers::skipped("no S3-compatible service (set KENNING_TEST_S3_ENDPOINT)");
        return;
    };
    let bucket = format!("kenning-{}", uuid::Uuid::new_v4().simple());
    let created = reqwest::Client::new()
        .put(format!("{endpoint}/{bucket}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("creating the bucket: {e}"));
    assert!(created.status().is_success(), "{}", created.status());
    let app = TestApp::spawn_with(Backend::Sqlite, |settings| {
        settings.s3 = Some(S3Settings {
            bucket,
            endpoint: Some(endpoint),
            region: Some("us-east-1".into()),
        });
    })
    .await;

    let (product, lessons, creator) = app.published_course().await;
    let audio = wav(40_000);
    let r = app
        .client
        .post(app.url(&format!(
            "/api/v1/lessons/{}/media?name=talk.wav",
            lessons[1]
        )))
        .bearer_auth(&creator)
        .header("content-type", "application/octet-stream")
        .body(audio.clone())
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CREATED);
    assert!(
        !app.data_dir().join("media").exists()
            || std::fs::read_dir(app.data_dir().join("media"))
                .map(|d| d.count())
                .unwrap_or(0)
                == 0,
        "nothing lands on local disk"
    );

    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let lesson = json_of(
        app.get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&buyer))
            .await,
    )
    .await;
    let url = lesson["media"][0]["url"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert_eq!(lesson["media"][0]["bytes"], audio.len());
    for (range, expected) in [
        ("bytes=0-99", &audio[..100]),
        ("bytes=40000-40099", &audio[40_000..40_100]),
        ("bytes=-10", &audio[audio.len() - 10..]),
    ] {
        let r = app
            .client
            .get(app.url(&url))
            .header(RANGE, range)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(r.status(), StatusCode::PARTIAL_CONTENT, "{range}");
        assert_eq!(
            r.bytes().await.unwrap_or_default().as_ref(),
            expected,
            "{range}"
        );
    }
    let whole = app
        .client
        .get(app.url(&url))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        whole.bytes().await.unwrap_or_default().as_ref(),
        audio.as_slice()
    );
    app.finish().await;
}
