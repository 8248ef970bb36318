//! Media attached to lessons: what kinds exist, how large each may be, and what a
//! person's learning progress through a lesson is.

use crate::ids::{AccountId, LessonId, MediaId, ProductId};

/// A kind of file a lesson can carry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum MediaKind {
    Video,
    Audio,
    Pdf,
    Epub,
}

const MIB: u64 = 1024 * 1024;

impl MediaKind {
    pub fn as_str(self) -> &'static str {
        match self {
            MediaKind::Video => "video",
            MediaKind::Audio => "audio",
            MediaKind::Pdf => "pdf",
            MediaKind::Epub => "epub",
        }
    }

    pub fn parse(s: &str) -> Option<MediaKind> {
        match s {
            "video" => Some(MediaKind::Video),
            "audio" => Some(MediaKind::Audio),
            "pdf" => Some(MediaKind::Pdf),
            "epub" => Some(MediaKind::Epub),
            _ => None,
        }
    }

    /// PDFs and EPUBs: files a reader keeps, so each buyer's copy carries their mark.
    pub fn is_document(self) -> bool {
        matches!(self, MediaKind::Pdf | MediaKind::Epub)
    }

    /// The largest file of this kind accepted by default.
    pub fn default_max_bytes(self) -> u64 {
        match self {
            MediaKind::Video => 4096 * MIB,
            MediaKind::Audio => 512 * MIB,
            MediaKind::Pdf => 256 * MIB,
            MediaKind::Epub => 128 * MIB,
        }
    }

    /// The kind of a sniffed MIME type, if Kenning delivers it.
    pub fn of_content_type(content_type: &str) -> Option<MediaKind> {
        match content_type {
            "video/mp4" | "video/webm" | "video/ogg" | "video/quicktime" => Some(MediaKind::Video),
            "audio/mpeg" | "audio/mp4" | "audio/x-m4a" | "audio/m4a" | "audio/ogg"
            | "audio/opus" | "audio/wav" | "audio/x-wav" | "audio/webm" | "audio/aac"
            | "audio/x-flac" => Some(MediaKind::Audio),
            "application/pdf" => Some(MediaKind::Pdf),
            "application/epub+zip" => Some(MediaKind::Epub),
            _ => None,
        }
    }

    /// Played in the browser (rather than read or downloaded).
    pub fn is_playable(self) -> bool {
        matches!(self, MediaKind::Video | MediaKind::Audio)
    }
}

/// A file attached to a lesson.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Media {
    pub id: MediaId,
    pub product_id: ProductId,
    pub lesson_id: LessonId,
    pub kind: MediaKind,
    pub content_type: String,
    pub bytes: u64,
    /// Where the bytes are in object storage.
    pub object_key: String,
    pub file_name: String,
    pub created_at_ms: i64,
}

/// How far a person got in a lesson.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LessonProgress {
    pub account_id: AccountId,
    pub lesson_id: LessonId,
    pub product_id: ProductId,
    /// Where playback stopped, in milliseconds (0 for text).
    pub position_ms: i64,
    pub completed: bool,
    pub updated_at_ms: i64,
}

/// Share of a played lesson after which it counts as completed.
pub const COMPLETED_AT_PERMILLE: i64 = 950;

impl LessonProgress {
    /// The progress after a report from the player: the position moves (never negative),
    /// and the lesson is completed when the player says so or the position reaches
    /// [`COMPLETED_AT_PERMILLE`] of the duration. Completion is never taken back.
    pub fn report(
        previous: Option<LessonProgress>,
        key: (AccountId, LessonId, ProductId),
        position_ms: i64,
        duration_ms: Option<i64>,
        ended: bool,
        now_ms: i64,
    ) -> LessonProgress {
        let position_ms = position_ms.max(0);
        let near_end = duration_ms.is_some_and(|d| {
            d > 0 && position_ms.saturating_mul(1000) >= d.saturating_mul(COMPLETED_AT_PERMILLE)
        });
        LessonProgress {
            account_id: key.0,
            lesson_id: key.1,
            product_id: key.2,
            position_ms,
            completed: ended || near_end || previous.is_some_and(|p| p.completed),
            updated_at_ms: now_ms,
        }
    }
}

/// What part of a file a request asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ByteRange {
    Whole,
    /// Inclusive byte positions, both inside the file.
    Range(u64, u64),
    Unsatisfiable,
}

/// Reads a request's `Range` header (and `If-Range`, compared with the file's current
/// `validator`) for a file of `size` bytes. A single range is served as asked; several
/// ranges, a stale `If-Range` or no header get the whole file (RFC 9110 §14.2 allows it);
/// a range the file cannot satisfy, or one that cannot be read, is refused.
pub fn requested_range(
    range: Option<&str>,
    if_range: Option<&str>,
    validator: &str,
    size: u64,
) -> ByteRange {
    let Some(range) = range else {
        return ByteRange::Whole;
    };
    if if_range.is_some_and(|v| v != validator) {
        return ByteRange::Whole;
    }
    let Ok(parsed) = http_range_header::parse_range_header(range) else {
        return ByteRange::Unsatisfiable;
    };
    match parsed.validate(size).as_deref() {
        Ok([only]) if only.start() <= only.end() && *only.end() < size => {
            ByteRange::Range(*only.start(), *only.end())
        }
        Ok([_]) => ByteRange::Unsatisfiable,
        Ok(_) => ByteRange::Whole,
        Err(_) => ByteRange::Unsatisfiable,
    }
}

/// Completed share of a product in whole percent (rounded down, so 100 means all done).
pub fn percent_complete(completed: usize, total: usize) -> u8 {
    if total == 0 {
        return 0;
    }
    let pct = completed.min(total).saturating_mul(100) / total;
    u8::try_from(pct).unwrap_or(100)
}

/// Where "continue" leads in a product whose lessons are `in_order`: the lesson last
/// touched while it is unfinished, else the first unfinished one after it, else the
/// first unfinished one at all; nothing once every lesson is done.
pub fn lesson_to_continue(
    in_order: &[LessonId],
    last: Option<LessonId>,
    completed: &dyn Fn(LessonId) -> bool,
) -> Option<LessonId> {
    let start = last
        .and_then(|l| in_order.iter().position(|&id| id == l))
        .unwrap_or(0);
    let (before, from) = in_order.split_at(start);
    from.iter()
        .chain(before)
        .copied()
        .find(|&id| !completed(id))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn continue_leads_to_the_next_unfinished_lesson() {
        let [a, b, c, d]: [LessonId; 4] = std::array::from_fn(|_| LessonId::new());
        let ids = [a, b, c, d];
        let done = |set: &[LessonId]| {
            let set = set.to_vec();
            move |id: LessonId| set.contains(&id)
        };
        // The last lesson touched, unfinished: there.
        assert_eq!(lesson_to_continue(&ids, Some(b), &done(&[a])), Some(b));
        // Finished: the next unfinished one after it.
        assert_eq!(lesson_to_continue(&ids, Some(b), &done(&[b, c])), Some(d));
        // Nothing after it is left: the first unfinished one before it.
        assert_eq!(
            lesson_to_continue(&ids, Some(d), &done(&[b, c, d])),
            Some(a)
        );
        // Everything done: nothing to continue.
        assert_eq!(lesson_to_continue(&ids, Some(c), &done(&ids)), None);
        // Never started: the first lesson.
        assert_eq!(lesson_to_continue(&ids, None, &done(&[])), Some(a));
    }
    use proptest::prelude::*;

    #[test]
    fn kinds_round_trip_and_come_from_sniffed_types() {
        for k in [
            MediaKind::Video,
            MediaKind::Audio,
            MediaKind::Pdf,
            MediaKind::Epub,
        ] {
            assert_eq!(MediaKind::parse(k.as_str()), Some(k));
        }
        assert_eq!(
            MediaKind::of_content_type("video/webm"),
            Some(MediaKind::Video)
        );
        assert_eq!(
            MediaKind::of_content_type("audio/x-wav"),
            Some(MediaKind::Audio)
        );
        assert_eq!(
            MediaKind::of_content_type("application/pdf"),
            Some(MediaKind::Pdf)
        );
        assert_eq!(MediaKind::of_content_type("text/html"), None);
        assert!(MediaKind::Video.default_max_bytes() > MediaKind::Epub.default_max_bytes());
    }

    #[test]
    fn progress_completes_near_the_end_and_stays_completed() {
        let key = (AccountId::new(), LessonId::new(), ProductId::new());
        let start = LessonProgress::report(None, key, 12_000, Some(100_000), false, 1);
        assert!(!start.completed);
        assert_eq!(start.position_ms, 12_000);
        let near = LessonProgress::report(Some(start), key, 95_000, Some(100_000), false, 2);
        assert!(near.completed);
        let rewatch = LessonProgress::report(Some(near), key, 3_000, Some(100_000), false, 3);
        assert!(rewatch.completed, "completion is never taken back");
        assert_eq!(rewatch.position_ms, 3_000);
        let text = LessonProgress::report(None, key, -5, None, true, 4);
        assert!(text.completed);
        assert_eq!(text.position_ms, 0);
    }

    #[test]
    fn ranges_are_read_as_players_send_them() {
        let part = |r: &str| requested_range(Some(r), None, "v1", 1000);
        assert_eq!(requested_range(None, None, "v1", 1000), ByteRange::Whole);
        assert_eq!(part("bytes=0-0"), ByteRange::Range(0, 0));
        assert_eq!(part("bytes=900-"), ByteRange::Range(900, 999));
        assert_eq!(part("bytes=-100"), ByteRange::Range(900, 999));
        assert_eq!(part("bytes=0-5000"), ByteRange::Range(0, 999));
        assert_eq!(part("bytes=1000-1001"), ByteRange::Unsatisfiable);
        assert_eq!(part("bytes=-0"), ByteRange::Unsatisfiable);
        assert_eq!(part("bytes=abc"), ByteRange::Unsatisfiable);
        assert_eq!(part("bytes=0-1, 5-6"), ByteRange::Whole);
        let stale = requested_range(Some("bytes=0-9"), Some("v0"), "v1", 1000);
        assert_eq!(stale, ByteRange::Whole);
        let fresh = requested_range(Some("bytes=0-9"), Some("v1"), "v1", 1000);
        assert_eq!(fresh, ByteRange::Range(0, 9));
        assert_eq!(
            requested_range(Some("bytes=0-0"), None, "v1", 0),
            ByteRange::Unsatisfiable
        );
    }

    /// Range headers as players and attackers write them: mostly the grammar's own
    /// characters, sometimes anything at all.
    fn range_header() -> impl Strategy<Value = String> {
        prop_oneof![
            "(bytes|BYTES|items)?=?[0-9 ,-]{0,30}",
            "bytes=[0-9]{0,21}-[0-9]{0,21}",
            "\\PC{0,40}",
        ]
    }

    proptest! {
        #[test]
        fn any_range_header_selects_bytes_inside_the_file(
            header in range_header(),
            size in prop_oneof![0u64..3000, Just(u64::MAX), any::<u64>()],
        ) {
            if let ByteRange::Range(first, last) = requested_range(Some(&header), None, "v", size) {
                prop_assert!(first <= last, "{header} / {size}");
                prop_assert!(last < size, "{header} / {size}");
            }
        }

        #[test]
        fn a_single_range_inside_the_file_is_served_as_asked(
            size in 1u64..=u64::MAX,
            a in any::<u64>(),
            b in any::<u64>(),
        ) {
            let (first, last) = (a.min(b) % size, a.max(b) % size);
            let (first, last) = (first.min(last), first.max(last));
            let header = format!("bytes={first}-{last}");
            prop_assert_eq!(
                requested_range(Some(&header), None, "v", size),
                ByteRange::Range(first, last)
            );
        }
    }

    #[test]
    fn percent_is_rounded_down() {
        assert_eq!(percent_complete(0, 0), 0);
        assert_eq!(percent_complete(1, 3), 33);
        assert_eq!(percent_complete(2, 3), 66);
        assert_eq!(percent_complete(3, 3), 100);
        assert_eq!(percent_complete(5, 3), 100);
    }
}
