//! Gifts (赠送): a product bought for someone else, named by e-mail, who claims it.

use crate::account::Email;
use crate::ids::{AccountId, OrderId, ProductId};

/// Longest message a giver may write.
pub const MAX_GIFT_MESSAGE_CHARS: usize = 500;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Gift {
    /// The secret in the claim link.
    pub code: String,
    pub order_id: OrderId,
    pub product_id: ProductId,
    pub buyer_id: AccountId,
    pub recipient: Email,
    pub message: String,
    pub claimed_by: Option<AccountId>,
    pub claimed_at_ms: Option<i64>,
    pub created_at_ms: i64,
}

impl Gift {
    /// Only the person the gift is for (signed in with that e-mail) may claim it, once.
    pub fn may_claim(&self, email: &Email) -> bool {
        self.claimed_by.is_none() && self.recipient == *email
    }
}

/// A giver's message: trimmed, at most [`MAX_GIFT_MESSAGE_CHARS`] characters.
pub fn gift_message(raw: &str) -> String {
    crate::text::strip(raw, crate::text::Lines::Many)
        .trim()
        .chars()
        .take(MAX_GIFT_MESSAGE_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gift_messages_lose_control_characters_and_keep_lines() {
        assert_eq!(
            gift_message("  Happy\0 birthday!\n\u{7}Enjoy  "),
            "Happy birthday!\nEnjoy"
        );
        assert_eq!(
            gift_message(&"字".repeat(600)).chars().count(),
            MAX_GIFT_MESSAGE_CHARS
        );
    }
}
