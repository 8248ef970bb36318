//! Notifications: what a person is told in the page's bell (and, unless they turned it
//! off for that kind, by mail).

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::ids::{OrderId, ProductId, QuestionId};
use crate::money::Money;
use crate::text::{self, Lines};

/// The kinds a person chooses mail for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    Answers,
    Refunds,
    Announcements,
    /// A membership renews soon, renewed, could not be renewed, or ended.
    Renewals,
    /// A live session the person holds a ticket for starts soon.
    Live,
    /// An operator took one of the person's products off sale, or allowed it again.
    Moderation,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 6] = [
        NoticeKind::Answers,
        NoticeKind::Refunds,
        NoticeKind::Announcements,
        NoticeKind::Renewals,
        NoticeKind::Live,
        NoticeKind::Moderation,
    ];

    pub fn as_str(&self) -> &'static str {
        match self {
            NoticeKind::Answers => "answers",
            NoticeKind::Refunds => "refunds",
            NoticeKind::Announcements => "announcements",
            NoticeKind::Renewals => "renewals",
            NoticeKind::Live => "live",
            NoticeKind::Moderation => "moderation",
        }
    }
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for NoticeKind {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        NoticeKind::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or(DomainError::InvalidNotification)
    }
}

/// What happened, with what the bell and the mail need to tell it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Notice {
    /// A creator answered the person's paid question.
    QuestionAnswered {
        question: QuestionId,
        product: ProductId,
    },
    /// Some or all of an order was refunded to the person.
    OrderRefunded { order: OrderId, amount: Money },
    /// The creator of something the person holds wrote to its buyers.
    Announcement {
        product: ProductId,
        title: String,
        body: String,
    },
    /// The person's membership renews (and is charged `amount`) at `at_ms`.
    RenewalSoon {
        product: ProductId,
        title: String,
        amount: Money,
        at_ms: i64,
    },
    /// The membership renewed: `order` paid `amount` (its receipt goes by mail).
    Renewed {
        product: ProductId,
        title: String,
        amount: Money,
        order: OrderId,
    },
    /// The renewal charge failed; access lasts until `until_ms` while it is retried.
    RenewalFailed {
        product: ProductId,
        title: String,
        until_ms: i64,
    },
    /// The membership is over: what it granted is no longer the person's.
    MembershipEnded { product: ProductId, title: String },
    /// A live session the person holds a ticket for starts at `at_ms`.
    LiveSoon {
        product: ProductId,
        title: String,
        at_ms: i64,
    },
    /// An operator took the person's product off sale, for this reason.
    ProductHeld {
        product: ProductId,
        title: String,
        reason: String,
    },
    /// An operator allowed it again: its creator may publish it.
    ProductReleased { product: ProductId, title: String },
}

impl Notice {
    pub fn kind(&self) -> NoticeKind {
        match self {
            Notice::QuestionAnswered { .. } => NoticeKind::Answers,
            Notice::OrderRefunded { .. } => NoticeKind::Refunds,
            Notice::Announcement { .. } => NoticeKind::Announcements,
            Notice::RenewalSoon { .. }
            | Notice::Renewed { .. }
            | Notice::RenewalFailed { .. }
            | Notice::MembershipEnded { .. } => NoticeKind::Renewals,
            Notice::LiveSoon { .. } => NoticeKind::Live,
            Notice::ProductHeld { .. } | Notice::ProductReleased { .. } => NoticeKind::Moderation,
        }
    }

    /// Whether it is mailed too (to those who want its kind by mail). A renewal's
    /// receipt is mailed instead of its notice.
    pub fn mailed(&self) -> bool {
        !matches!(self, Notice::Renewed { .. })
    }

    /// Where the notice leads on the site.
    pub fn link_path(&self) -> String {
        match self {
            Notice::QuestionAnswered { .. } => "/questions".to_owned(),
            Notice::OrderRefunded { order, .. } => format!("/orders/{order}"),
            Notice::Announcement { product, .. } => format!("/products/{product}"),
            Notice::Renewed { order, .. } => format!("/orders/{order}"),
            Notice::RenewalSoon { .. }
            | Notice::RenewalFailed { .. }
            | Notice::MembershipEnded { .. } => "/library#memberships".to_owned(),
            Notice::LiveSoon { product, .. } => format!("/live/{product}"),
            Notice::ProductHeld { product, .. } | Notice::ProductReleased { product, .. } => {
                format!("/studio/products/{product}")
            }
        }
    }
}

/// The longest announcement title and body.
pub const MAX_ANNOUNCEMENT_TITLE: usize = 120;
pub const MAX_ANNOUNCEMENT_BODY: usize = 5000;

/// An announcement's title and body, checked: 1–120 characters on one line, and 1–5000.
pub fn announcement(title: &str, body: &str) -> Result<(String, String), DomainError> {
    let (title, body) = (title.trim(), body.trim());
    text::check(title, Lines::One)?;
    text::check(body, Lines::Many)?;
    let (t, b) = (title.chars().count(), body.chars().count());
    if t == 0 || t > MAX_ANNOUNCEMENT_TITLE || b == 0 || b > MAX_ANNOUNCEMENT_BODY {
        return Err(DomainError::InvalidAnnouncement);
    }
    Ok((title.to_owned(), body.to_owned()))
}

/// A notification as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NotificationRecord {
    pub id: i64,
    pub notice: Notice,
    pub created_at_ms: i64,
    pub read: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn announcements_are_bounded_and_kinds_read_back() {
        assert!(announcement("New lesson", "Chapter 4 is out.").is_ok());
        assert!(announcement("", "x").is_err());
        assert!(announcement("x", " ").is_err());
        assert!(announcement("a\nb", "x").is_err());
        assert!(announcement(&"x".repeat(121), "x").is_err());
        for kind in NoticeKind::ALL {
            assert_eq!(kind.as_str().parse::<NoticeKind>(), Ok(kind));
        }
        assert!("spam".parse::<NoticeKind>().is_err());
    }
}
