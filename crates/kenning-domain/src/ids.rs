//! Typed identifiers. Every id exposed in a URL is an opaque UUID, never a sequence number.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! typed_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A fresh random id.
            pub fn new() -> Self {
                Self(Uuid::new_v4())
            }

            pub fn from_uuid(id: Uuid) -> Self {
                Self(id)
            }

            pub fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = crate::DomainError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self).map_err(|_| crate::DomainError::InvalidId)
            }
        }
    };
}

typed_id!(
    /// A person with an account: learner, creator or admin.
    AccountId
);
typed_id!(
    /// A product of any kind (course, e-book, audio series …).
    ProductId
);
typed_id!(
    /// A chapter of a course.
    ChapterId
);
typed_id!(
    /// A lesson (课时) inside a product.
    LessonId
);
typed_id!(
    /// A media file (video, audio, PDF, EPUB) attached to a lesson.
    MediaId
);
typed_id!(
    /// An order for one product.
    OrderId
);
typed_id!(
    /// One attempt to pay an order.
    PaymentId
);
typed_id!(
    /// The right of a person to a product.
    EntitlementId
);
typed_id!(
    /// A balanced ledger transaction.
    LedgerTransactionId
);

typed_id!(
    /// One person's membership of one tier.
    SubscriptionId
);

typed_id!(
    /// A refund of (part of) an order.
    RefundId
);

typed_id!(
    /// A chat message or question in a live room.
    LiveMessageId
);

typed_id!(
    /// A partner contract (利益分配).
    PartnerContractId
);

typed_id!(
    /// A payout of someone's earnings.
    PayoutId
);

typed_id!(
    /// A paid question to a creator.
    QuestionId
);

typed_id!(
    /// A person's application to become a creator.
    ApplicationId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_their_text_form() {
        let id = ProductId::new();
        assert_eq!(id.to_string().parse::<ProductId>(), Ok(id));
    }

    #[test]
    fn a_malformed_id_is_rejected() {
        assert_eq!("42".parse::<OrderId>(), Err(crate::DomainError::InvalidId));
    }
}
