//! `Range` and `If-Range` headers of media requests against files of any size: whatever
//! is asked, a range served lies inside the file.
#![no_main]

use kenning_domain::media::{ByteRange, requested_range};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|text: &str| {
    // The file's size on the first line, then the Range header, then If-Range if any.
    let mut lines = text.splitn(3, '\n');
    let size = lines
        .next()
        .and_then(|s| s.trim().parse().ok())
        .unwrap_or(1000u64);
    let range = lines.next().unwrap_or_default();
    let if_range = lines.next();
    match requested_range(Some(range), if_range, "\"v\"", size) {
        ByteRange::Range(first, last) => {
            assert!(first <= last, "{range:?} on {size}");
            assert!(last < size, "{range:?} on {size}");
        }
        ByteRange::Whole | ByteRange::Unsatisfiable => {}
    }
    let _ = requested_range(Some(range), None, "\"v\"", u64::MAX);
    let _ = requested_range(Some(range), None, "\"v\"", 0);
});
