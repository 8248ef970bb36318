//! Uploads into the in-memory object store: recognised by their bytes, kept whole, and
//! refused (with nothing kept) past the limit or when they are no known kind.

use bytes::Bytes;
use futures::StreamExt;
use kenning_app::AppError;
use kenning_app::ports::ByteStream;
use kenning_domain::account::Role;
use kenning_domain::media::MediaKind;

use crate::support::{Harness, usd};

/// A body that arrives in chunks of 1 KiB.
fn body(bytes: Vec<u8>) -> ByteStream {
    let chunks: Vec<Result<Bytes, String>> = bytes
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
