//! Uploads into the in-memory object store: recognised by their bytes, kept whole, and
//! refused (with nothing kept) past the limit or when they are no known kind.

use bytes::Bytes;
use futures::StreamExt;
use kenning_app::AppError;
use kenning_app::ports::{ByteStream, StorageError};
use kenning_domain::account::Role;
use kenning_domain::media::MediaKind;

use crate::support::{Harness, usd};

/// A body that arrives in chunks of 1 KiB.
fn body(bytes: Vec<u8>) -> ByteStream {
    let chunks: Vec<Result<Bytes, StorageError>> = bytes
        .chunks(1024)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    futures::stream::iter(chunks).boxed()
}

fn pdf(size: usize) -> Vec<u8> {
    let mut bytes = b"%PDF-1.4\n".to_vec();
    bytes.resize(size, b'x');
    bytes
}

#[tokio::test]
async fn an_upload_is_recognised_by_its_bytes_and_kept_whole() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let (course, _, lesson) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let original = pdf(10_000);
    let media = h
        .app
        .upload_media(&creator, lesson, "../notes.txt", body(original.clone()))
        .await
        .unwrap();
    assert_eq!(media.kind, MediaKind::Pdf, "by its bytes, not its name");
    assert_eq!(media.bytes, 10_000);
    assert_eq!(media.file_name, "notes.txt");
    assert_eq!(
        h.fakes.media.keys(),
        std::slice::from_ref(&media.object_key)
    );
    let mut stream = h.app.media_bytes(&media, 0, 10_000).await.unwrap();
    let mut back = Vec::new();
    while let Some(chunk) = stream.next().await {
        back.extend_from_slice(&chunk.unwrap());
    }
    assert_eq!(back, original);
    assert_eq!(
        h.app
            .product_files(&creator, course.id)
            .await
            .unwrap()
            .iter()
            .map(|m| m.id)
            .collect::<Vec<_>>(),
        [media.id]
    );
    // Only its creator may attach files.
    let stranger = h.person(Role::Creator).await;
    assert!(matches!(
        h.app
            .upload_media(&stranger, lesson, "x.pdf", body(pdf(100)))
            .await,
        Err(AppError::Forbidden)
    ));
}

#[tokio::test]
async fn an_upload_past_the_limit_or_of_no_known_kind_keeps_nothing() {
    let h = Harness::with_settings(|s| s.max_media_bytes = 4096).await;
    let creator = h.person(Role::Creator).await;
    let (_, _, lesson) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let too_large = h
        .app
        .upload_media(&creator, lesson, "big.pdf", body(pdf(5000)))
        .await;
    assert!(
        matches!(too_large, Err(AppError::UploadTooLarge { max_bytes: 4096 })),
        "{too_large:?}"
    );
    let text = h
        .app
        .upload_media(&creator, lesson, "a.pdf", body(b"just words".to_vec()))
        .await;
    assert!(matches!(text, Err(AppError::UnsupportedMedia)), "{text:?}");
    assert!(h.fakes.media.keys().is_empty());
}

#[tokio::test]
async fn a_document_past_the_marking_cap_is_refused_at_upload() {
    let h = Harness::with_settings(|s| s.max_marked_document_bytes = 4096).await;
    let creator = h.person(Role::Creator).await;
    let (_, _, lesson) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let too_large = h
        .app
        .upload_media(&creator, lesson, "big.pdf", body(pdf(5000)))
        .await;
    assert!(
        matches!(
            too_large,
            Err(AppError::DocumentTooLarge { max_bytes: 4096 })
        ),
        "{too_large:?}"
    );
    assert_eq!(
        too_large.map(|_| ()).unwrap_err().code(),
        "document_too_large"
    );
    assert!(h.fakes.media.keys().is_empty());
    // At the cap it is taken.
    let at_cap = h
        .app
        .upload_media(&creator, lesson, "ok.pdf", body(pdf(4096)))
        .await;
    assert!(at_cap.is_ok(), "{at_cap:?}");
}

#[tokio::test]
async fn parallel_downloads_mark_at_most_the_allowed_copies_at_once() {
    const JOBS: usize = 2;
    const BUYERS: usize = 8;
    let h = Harness::with_settings(|s| s.marking_jobs = JOBS).await;
    let creator = h.person(Role::Creator).await;
    let (course, _, lesson) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    h.app
        .upload_media(&creator, lesson, "notes.pdf", body(pdf(10_000)))
        .await
        .unwrap();
    let mut links = Vec::new();
    for _ in 0..BUYERS {
        let buyer = h.person(Role::Learner).await;
        h.buy(&buyer, &course).await;
        let view = h.app.read_lesson(lesson, Some(&buyer)).await.unwrap();
        let url = &view.media[0].url;
        let (path, query) = url.split_once('?').unwrap();
        let param = |name: &str| {
            query
                .split('&')
                .find_map(|p| p.strip_prefix(&format!("{name}=")))
                .unwrap()
                .to_owned()
        };
        links.push(kenning_app::media::LinkRequest {
            media: path.rsplit('/').next().unwrap().parse().unwrap(),
            holder: param("u"),
            expires_at_ms: param("e").parse().unwrap(),
            signature: param("s"),
        });
    }
    let opened = futures::future::join_all(links.iter().map(|link| {
        let app = h.app.clone();
        async move {
            app.open_media_link(link, &|facts| format!("for {}", facts.holder_name))
                .await
        }
    }))
    .await;
    for media in &opened {
        let media = media.as_ref().unwrap();
        assert!(media.object_key.starts_with("marked/"), "{media:?}");
    }
    let most = h
        .fakes
        .documents
        .most_marking
        .load(std::sync::atomic::Ordering::SeqCst);
    assert!((1..=JOBS).contains(&most), "{most} marking jobs at once");
}
