//! Paid questions (付费问答): a learner pays a creator's consultation product to ask one
//! question; the creator answers within a deadline or the order is refunded in full.
//!
//! A membership may include a creator's desk. Its members ask without paying, up to
//! [`MEMBER_QUESTIONS`] questions in any [`MEMBER_QUESTIONS_DAYS`] days (counted per
//! desk, by when they were asked; an unanswered one still counts, since the creator's
//! time is what the allowance shares out). Such a question has no order; left
//! unanswered past the deadline it expires, as there is nothing to refund. Beyond the
//! allowance a member buys a question like anyone else.

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{AccountId, OrderId, ProductId, QuestionId};

/// How long a creator has to answer a paid question before it is refunded.
pub const ANSWER_WITHIN_DAYS: i64 = 7;
/// Longest question or answer.
pub const MAX_QUESTION_CHARS: usize = 4_000;

/// How many questions a member may ask a desk their membership includes …
pub const MEMBER_QUESTIONS: i64 = 3;
/// … in any this many days.
pub const MEMBER_QUESTIONS_DAYS: i64 = 30;

const DAY_MS: i64 = 86_400_000;

/// Where a member's allowance window starts, seen at `now_ms`.
pub fn member_window_start(now_ms: i64) -> i64 {
    now_ms.saturating_sub(MEMBER_QUESTIONS_DAYS * DAY_MS)
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionStatus {
    /// Waiting for its order to be paid, then for an answer.
    Asked,
    Answered,
    /// Not answered in time: its order was refunded.
    Refunded,
    /// A member's question not answered in time (it had no order to refund).
    Expired,
}

impl QuestionStatus {
    pub fn as_str(&self) -> &'static str {
        match self {
            QuestionStatus::Asked => "asked",
            QuestionStatus::Answered => "answered",
            QuestionStatus::Refunded => "refunded",
            QuestionStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<QuestionStatus> {
        [
            QuestionStatus::Asked,
            QuestionStatus::Answered,
            QuestionStatus::Refunded,
            QuestionStatus::Expired,
        ]
        .into_iter()
        .find(|q| q.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Question {
    pub id: QuestionId,
    /// The order that paid for it; none for a member's question.
    pub order_id: Option<OrderId>,
    /// The creator's consultation product it was bought through.
    pub product_id: ProductId,
    pub asker_id: AccountId,
    pub creator_id: AccountId,
    pub body: String,
    pub answer: Option<String>,
    pub status: QuestionStatus,
    pub created_at_ms: i64,
    pub answered_at_ms: Option<i64>,
}

impl Question {
    /// A question just asked of a creator's desk: bought by `order`, or a member's
    /// (no order).
    pub fn asked(
        order_id: Option<OrderId>,
        product_id: ProductId,
        creator_id: AccountId,
        asker_id: AccountId,
        body: String,
        now_ms: i64,
    ) -> Question {
        Question {
            id: QuestionId::new(),
            order_id,
            product_id,
            asker_id,
            creator_id,
            body,
            answer: None,
            status: QuestionStatus::Asked,
            created_at_ms: now_ms,
            answered_at_ms: None,
        }
    }
}

/// A question or answer as typed: trimmed, 1 to [`MAX_QUESTION_CHARS`] characters.
pub fn question_text(raw: &str) -> Result<String, DomainError> {
    let text = raw.trim();
    crate::text::check(text, crate::text::Lines::Many)?;
    let chars = text.chars().count();
    if chars == 0 || chars > MAX_QUESTION_CHARS {
        return Err(DomainError::InvalidQuestion);
    }
    Ok(text.to_owned())
}

/// When a question paid at `paid_at_ms` must be answered by.
pub fn answer_due_ms(paid_at_ms: i64) -> i64 {
    paid_at_ms.saturating_add(ANSWER_WITHIN_DAYS * DAY_MS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn questions_and_answers_keep_lines_but_not_control_characters() {
        assert_eq!(
            question_text(" Why?\n\tBecause. "),
            Ok("Why?\n\tBecause.".into())
        );
        assert_eq!(question_text("why\0"), Err(DomainError::InvalidText));
        assert_eq!(question_text("\u{1b}[2J"), Err(DomainError::InvalidText));
    }

    #[test]
    fn questions_are_bounded_text() {
        assert_eq!(question_text("  Why?  ").unwrap(), "Why?");
        assert!(question_text("   ").is_err());
        assert!(question_text(&"字".repeat(MAX_QUESTION_CHARS + 1)).is_err());
        assert!(question_text(&"字".repeat(MAX_QUESTION_CHARS)).is_ok());
        assert_eq!(answer_due_ms(0), 7 * 86_400_000);
        assert_eq!(
            QuestionStatus::parse("answered"),
            Some(QuestionStatus::Answered)
        );
    }
}
