//! Signed media links (`/stream/{id}?u=…&e=…&s=…`) as they arrive, every part chosen by
//! the sender: only the signature the server made opens a link, and only before it
//! expires, for a holder the server knows how to read.
#![no_main]

use kenning_app::media::{LinkHolder, LinkRequest, check_link, sign_link};
use kenning_domain::ids::MediaId;
use libfuzzer_sys::fuzz_target;

const KEY: &[u8] = b"the key every node signs links with";

fuzz_target!(|text: &str| {
    // Lines: media id, holder (u), expiry (e), signature (s), the server's clock.
    let mut lines = text.split('\n');
    let mut next = || lines.next().unwrap_or_default();
    let media: MediaId = next()
        .parse()
        .unwrap_or_else(|_| MediaId::from_uuid(uuid::Uuid::nil()));
    let holder = next().to_owned();
    let expires_at_ms: i64 = next().parse().unwrap_or(i64::MAX);
    let signature = next().to_owned();
    let now_ms: i64 = next().parse().unwrap_or(0);
    let link = LinkRequest {
        media,
        holder: holder.clone(),
        expires_at_ms,
        signature,
    };
    let genuine = sign_link(KEY, media, &holder, expires_at_ms).expect("any key signs");
    if check_link(KEY, &link, now_ms).is_ok() {
        assert_eq!(
            link.signature, genuine,
            "a link opened without the server's signature"
        );
    }
    let opens = expires_at_ms > now_ms && LinkHolder::parse(&holder).is_some();
    let real = LinkRequest {
        signature: genuine,
        ..link
    };
    assert_eq!(check_link(KEY, &real, now_ms).is_ok(), opens);
    assert!(check_link(b"another key", &real, now_ms).is_err());
});
