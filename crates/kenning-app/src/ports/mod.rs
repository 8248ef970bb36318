//! Ports: what the use cases need from the outside world, one file per capability.
//! Adapters implement them: `kenning-store` every storage port (together [`Store`]),
//! `kenning-payments` the payment providers and webhooks, `kenning-media` object storage,
//! `kenning-docs` documents, and the binary the search index and the recommender.

mod accounts;
mod catalog;
mod certificates;
mod clock;
mod coupons;
mod discovery;
mod documents;
mod gifts;
mod jobs;
mod learning;
mod live;
mod media;
mod memberships;
mod orders;
mod payments;
mod questions;
mod recommendations;
mod refunds;
mod revenue;
mod reviews;
mod sales;
mod search;
mod throttle;
mod webhooks;

pub use accounts::*;
pub use catalog::*;
pub use certificates::*;
pub use clock::*;
pub use coupons::*;
pub use discovery::*;
pub use documents::*;
pub use gifts::*;
pub use jobs::*;
pub use learning::*;
pub use live::*;
pub use media::*;
pub use memberships::*;
pub use orders::*;
pub use payments::*;
pub use questions::*;
pub use recommendations::*;
pub use refunds::*;
pub use revenue::*;
pub use reviews::*;
pub use sales::*;
pub use search::*;
pub use throttle::*;
pub use webhooks::*;

/// Why storage failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("not found")]
    NotFound,
    #[error("duplicate")]
    Duplicate,
    #[error("the row changed underneath")]
    Conflict,
    #[error("corrupt row: {0}")]
    Corrupt(String),
    #[error("database: {0}")]
    Backend(String),
}

pub type StoreResult<T> = Result<T, StoreError>;

/// All storage, as one object.
pub trait Store:
    AccountStore
    + CatalogStore
    + OrderStore
    + DiscoveryStore
    + ReviewStore
    + LearningStore
    + LiveStore
    + CertificateStore
    + CouponStore
    + WebhookStore
    + MembershipStore
    + GiftStore
    + RevenueStore
    + QuestionStore
    + ThrottleStore
    + JobStore
{
}
impl<T> Store for T where
    T: AccountStore
        + CatalogStore
        + OrderStore
        + DiscoveryStore
        + ReviewStore
        + LearningStore
        + LiveStore
        + CertificateStore
        + CouponStore
        + WebhookStore
        + MembershipStore
        + GiftStore
        + RevenueStore
        + QuestionStore
        + ThrottleStore
        + JobStore
{
}
