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

    /// The recipient's address as `viewer` (their id and address, if signed in) may see
    /// it: whole for the buyer and the recipient; anyone else who holds the link sees
    /// only enough to tell it is not theirs (`f•••@example.com`).
    pub fn recipient_shown_to(&self, viewer: Option<(AccountId, &Email)>) -> String {
        let whole =
            viewer.is_some_and(|(id, email)| id == self.buyer_id || *email == self.recipient);
        if whole {
            return self.recipient.as_str().to_owned();
        }
        match self.recipient.as_str().split_once('@') {
            Some((name, domain)) => {
                let first: String = name.chars().take(1).collect();
                format!("{first}•••@{domain}")
            }
            None => "•••".to_owned(),
        }
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

    #[test]
    fn only_the_buyer_and_the_recipient_see_the_whole_address() {
        let (buyer, stranger, friend) = (AccountId::new(), AccountId::new(), AccountId::new());
        let email = |s: &str| Email::parse(s).unwrap_or_else(|e| panic!("{e}"));
        let gift = Gift {
            code: "c".into(),
            order_id: OrderId::new(),
            product_id: ProductId::new(),
            buyer_id: buyer,
            recipient: email("friend@example.com"),
            message: String::new(),
            claimed_by: None,
            claimed_at_ms: None,
            created_at_ms: 0,
        };
        let (buyer_email, friend_email) = (email("b@example.com"), email("friend@example.com"));
        assert_eq!(
            gift.recipient_shown_to(Some((buyer, &buyer_email))),
            "friend@example.com"
        );
        assert_eq!(
            gift.recipient_shown_to(Some((friend, &friend_email))),
            "friend@example.com"
        );
        let other = email("x@example.com");
        assert_eq!(
            gift.recipient_shown_to(Some((stranger, &other))),
            "f•••@example.com"
        );
        assert_eq!(gift.recipient_shown_to(None), "f•••@example.com");
    }
}
