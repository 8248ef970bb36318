//! Multipart uploads from the studio (covers and lesson files), as the server reads them:
//! axum's extractor is multer, fed in chunks of any size; then each field's file name is
//! cleaned and its first bytes decide what the file is, as the upload use cases do.
#![no_main]

use bytes::Bytes;
use futures::executor::block_on;
use kenning_app::catalog::sniff_image;
use kenning_app::media::{clean_file_name, recognise_media};
use libfuzzer_sys::fuzz_target;

const BOUNDARY: &str = "kenning-fuzz";
/// The bytes kept of a field (the sniffers read the first 4 KiB).
const HEAD: usize = 8192;

fuzz_target!(|body: &[u8]| {
    // The first byte picks the size of the network's chunks, so boundaries and headers
    // arrive split at every possible place.
    let size = usize::from(body.first().copied().unwrap_or(1) % 64).max(1);
    let chunks: Vec<Result<Bytes, std::io::Error>> = body
        .chunks(size)
        .map(|c| Ok(Bytes::copy_from_slice(c)))
        .collect();
    let mut form = multer::Multipart::new(futures::stream::iter(chunks), BOUNDARY);
    block_on(async {
        while let Ok(Some(mut field)) = form.next_field().await {
            let _ = field.name().map(str::len);
            let _ = field.content_type().map(|m| m.essence_str().len());
            if let Some(raw) = field.file_name() {
                let name = clean_file_name(raw);
                assert!(!name.is_empty());
                assert!(!name.contains(['/', '\\']), "{raw:?} kept a path: {name:?}");
                assert!(
                    !name.chars().any(char::is_control),
                    "{raw:?} kept a control: {name:?}"
                );
                assert!(name.chars().count() <= 200);
            }
            let mut head = Vec::new();
            while let Ok(Some(chunk)) = field.chunk().await {
                if head.len() < HEAD {
                    head.extend_from_slice(&chunk);
                }
            }
            if let Ok((content_type, kind)) = recognise_media(&head) {
                assert!(!content_type.is_empty());
                assert!(kind.default_max_bytes() > 0);
            }
            let _ = sniff_image(&head);
        }
    });
});
