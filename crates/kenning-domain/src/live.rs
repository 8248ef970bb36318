//! Live sessions (直播): a schedule, who holds a ticket, and the room's chat and
//! question queue.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::account::Role;
use crate::catalog::{Product, Viewer};
use crate::ids::{AccountId, LiveMessageId, ProductId};

pub const MIN_DURATION_MINUTES: i64 = 5;
pub const MAX_DURATION_MINUTES: i64 = 24 * 60;
pub const MAX_CAPACITY: i64 = 1_000_000;
pub const MAX_STREAM_URL_CHARS: usize = 2000;
pub const MAX_MESSAGE_CHARS: usize = 1000;

/// When and where a live-session product happens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LiveSchedule {
    pub product_id: ProductId,
    pub starts_at_ms: i64,
    pub duration_minutes: i64,
    /// Most tickets that may be sold; `None`: no limit.
    pub capacity: Option<i64>,
    /// The stream itself is elsewhere: an HLS or RTMP address or a meeting link.
    pub stream_url: String,
    /// Holders of this product (a course, a membership) hold a ticket too.
    pub included_in: Option<ProductId>,
}

/// Where a session is in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LivePhase {
    Upcoming,
    Live,
    Ended,
}

impl LivePhase {
    pub fn as_str(self) -> &'static str {
        match self {
            LivePhase::Upcoming => "upcoming",
            LivePhase::Live => "live",
            LivePhase::Ended => "ended",
        }
    }
}

impl LiveSchedule {
    /// Checks what a creator typed.
    pub fn validate(self) -> Result<LiveSchedule, DomainError> {
        let duration_ok =
            (MIN_DURATION_MINUTES..=MAX_DURATION_MINUTES).contains(&self.duration_minutes);
        let capacity_ok = self
            .capacity
            .is_none_or(|c| (1..=MAX_CAPACITY).contains(&c));
        let stream_url = self.stream_url.trim().to_owned();
        if self.starts_at_ms < 0
            || !duration_ok
            || !capacity_ok
            || !is_stream_url(&stream_url)
            || self.included_in == Some(self.product_id)
        {
            return Err(DomainError::InvalidLiveSchedule);
        }
        Ok(LiveSchedule { stream_url, ..self })
    }

    pub fn ends_at_ms(&self) -> i64 {
        self.starts_at_ms
            .saturating_add(self.duration_minutes.saturating_mul(60_000))
    }

    pub fn phase(&self, now_ms: i64) -> LivePhase {
        if now_ms < self.starts_at_ms {
            LivePhase::Upcoming
        } else if now_ms < self.ends_at_ms() {
            LivePhase::Live
        } else {
            LivePhase::Ended
        }
    }
}

/// An address a player or a browser can open: http(s), or rtmp(s) for streaming
/// software. No spaces, quotes or angle brackets, so it is safe to put in an attribute.
fn is_stream_url(url: &str) -> bool {
    let scheme_ok = ["https://", "http://", "rtmps://", "rtmp://"]
        .iter()
        .any(|s| {
            url.len() > s.len()
                && url
                    .get(..s.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(s))
        });
    scheme_ok
        && url.chars().count() <= MAX_STREAM_URL_CHARS
        && !url
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '"' | '\'' | '<' | '>'))
}

/// May this person enter the room? The creator and admins always; otherwise those who
/// hold the session itself or the product it is included in.
pub fn has_ticket(product: &Product, viewer: Viewer, holds: bool) -> bool {
    can_moderate(product, viewer) || holds
}

/// Pinning and marking questions answered belong to the creator and admins.
pub fn can_moderate(product: &Product, viewer: Viewer) -> bool {
    viewer.role == Role::Admin || viewer.account_id == product.creator_id
}

/// A chat line or a question, as kept.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChatMessage {
    pub id: LiveMessageId,
    pub product_id: ProductId,
    pub account_id: AccountId,
    pub author_name: String,
    pub body: String,
    /// In the question queue rather than just the chat.
    pub question: bool,
    pub pinned: bool,
    pub answered: bool,
    pub created_at_ms: i64,
}

/// The text of a new message: trimmed, 1 to [`MAX_MESSAGE_CHARS`] characters, no
/// control characters but newlines.
pub fn message_body(raw: &str) -> Result<String, DomainError> {
    let body = raw.trim();
    crate::text::check(body, crate::text::Lines::Many)?;
    let n = body.chars().count();
    if n == 0 || n > MAX_MESSAGE_CHARS {
        return Err(DomainError::InvalidChatMessage);
    }
    Ok(body.to_owned())
}

/// At most this many messages per person and room …
pub const CHAT_BURST: i64 = 5;
/// … within any this many milliseconds (a sliding window, counted in the database so
/// that every node holds the sender to one count).
pub const CHAT_WINDOW_MS: i64 = 10_000;

/// Whether a message is one too many, given how many the sender tried in the room
/// within the last window, this one included (refused tries count: flooding on keeps
/// the sender waiting).
pub fn chat_too_fast(tries_in_window: i64) -> bool {
    tries_in_window > CHAT_BURST
}

/// What a moderator does to a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Moderation {
    Pin,
    Unpin,
    Answered,
}

impl ChatMessage {
    pub fn moderate(&mut self, action: Moderation) {
        match action {
            Moderation::Pin => self.pinned = true,
            Moderation::Unpin => self.pinned = false,
            Moderation::Answered => self.answered = true,
        }
    }
}

/// The question queue: pinned first, then unanswered, then answered; oldest first in
/// each group.
pub fn question_queue(messages: &[ChatMessage]) -> Vec<&ChatMessage> {
    let mut queue: Vec<&ChatMessage> = messages.iter().filter(|m| m.question).collect();
    queue.sort_by_key(|m| (!m.pinned, m.answered, m.created_at_ms));
    queue
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule() -> LiveSchedule {
        LiveSchedule {
            product_id: ProductId::new(),
            starts_at_ms: 1_000_000,
            duration_minutes: 60,
            capacity: Some(100),
            stream_url: " https://live.example.org/stream.m3u8 ".into(),
            included_in: None,
        }
    }

    #[test]
    fn a_schedule_is_checked_and_trimmed() {
        let ok = schedule().validate().unwrap();
        assert_eq!(ok.stream_url, "https://live.example.org/stream.m3u8");
        for bad in [
            LiveSchedule {
                duration_minutes: 1,
                ..schedule()
            },
            LiveSchedule {
                capacity: Some(0),
                ..schedule()
            },
            LiveSchedule {
                stream_url: "javascript:alert(1)".into(),
                ..schedule()
            },
            LiveSchedule {
                stream_url: "https://a b".into(),
                ..schedule()
            },
            LiveSchedule {
                stream_url: "https://x\"onload=".into(),
                ..schedule()
            },
            LiveSchedule {
                starts_at_ms: -1,
                ..schedule()
            },
        ] {
            assert_eq!(bad.validate(), Err(DomainError::InvalidLiveSchedule));
        }
        let s = schedule();
        let own = LiveSchedule {
            included_in: Some(s.product_id),
            ..s
        };
        assert_eq!(own.validate(), Err(DomainError::InvalidLiveSchedule));
        let rtmp = LiveSchedule {
            stream_url: "rtmp://ingest.example.org/app".into(),
            ..schedule()
        };
        assert!(rtmp.validate().is_ok());
    }

    #[test]
    fn the_phase_follows_the_clock() {
        let s = schedule();
        assert_eq!(s.phase(999_999), LivePhase::Upcoming);
        assert_eq!(s.phase(1_000_000), LivePhase::Live);
        assert_eq!(s.phase(1_000_000 + 60 * 60_000 - 1), LivePhase::Live);
        assert_eq!(s.phase(1_000_000 + 60 * 60_000), LivePhase::Ended);
    }

    #[test]
    fn messages_are_trimmed_and_bounded() {
        assert_eq!(message_body("  hi  "), Ok("hi".into()));
        assert_eq!(message_body("   "), Err(DomainError::InvalidChatMessage));
        assert_eq!(
            message_body(&"字".repeat(1001)),
            Err(DomainError::InvalidChatMessage)
        );
        assert_eq!(message_body("a\u{7}b"), Err(DomainError::InvalidText));
        assert_eq!(message_body("line\nline"), Ok("line\nline".into()));
    }

    #[test]
    fn a_sender_is_held_to_a_few_messages_per_window() {
        assert!((1..=CHAT_BURST).all(|n| !chat_too_fast(n)));
        assert!(chat_too_fast(CHAT_BURST + 1));
    }

    #[test]
    fn the_queue_puts_pinned_then_open_questions_first() {
        let base = ChatMessage {
            id: LiveMessageId::new(),
            product_id: ProductId::new(),
            account_id: AccountId::new(),
            author_name: "a".into(),
            body: "q".into(),
            question: true,
            pinned: false,
            answered: false,
            created_at_ms: 0,
        };
        let answered = ChatMessage {
            answered: true,
            created_at_ms: 1,
            ..base.clone()
        };
        let open = ChatMessage {
            created_at_ms: 2,
            ..base.clone()
        };
        let pinned = ChatMessage {
            pinned: true,
            created_at_ms: 3,
            ..base.clone()
        };
        let chat = ChatMessage {
            question: false,
            ..base.clone()
        };
        let all = vec![answered.clone(), open.clone(), pinned.clone(), chat];
        let queue: Vec<i64> = question_queue(&all)
            .iter()
            .map(|m| m.created_at_ms)
            .collect();
        assert_eq!(queue, vec![3, 2, 1]);
    }
}
