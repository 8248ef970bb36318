//! Ports: what the use cases need from the outside world, one file per capability and
//! one small trait per thing a use case asks for. Adapters implement them:
//! `kenning-store` every storage port (together [`Store`], which the app holds),
//! `kenning-payments` the payment providers and webhooks, `kenning-media` object storage,
//! `kenning-search` the search index, `kenning-recommender` the recommender and
//! `kenning-docs` documents.
//!
//! Storage, by capability: accounts and sessions (`accounts`); products, lessons, lesson
//! prices, bundles and sales (`catalog`); orders and paying them (`orders`), provider
//! payment pages (`checkout_pages`), refunds, receipts, sales as sellers see them, what
//! people hold (`entitlements`) and the books' checks (`audit`); tax and exchange rates
//! (`tax`), revenue shares and affiliates (`revenue`), earnings and payouts (`earnings`);
//! media records and marked copies (`media`), progress and feeds (`learning`),
//! certificates, memberships, gifts, coupons, questions, reviews; live schedules, seats
//! and chat (`live`); signals and counters (`discovery`); webhooks already handled,
//! throttling, shared secrets, the channel between processes (`channels`) and jobs.
//! Mail is composed and delivered by two more ports (`mail`).

mod accounts;
mod audit;
mod audit_log;
mod catalog;
mod certificates;
mod channels;
mod checkout_pages;
mod clock;
mod coupons;
mod discovery;
mod documents;
mod earnings;
mod entitlements;
mod gifts;
mod jobs;
mod learning;
mod live;
mod mail;
mod media;
mod memberships;
mod notifications;
mod operators;
mod orders;
mod pages;
mod payments;
mod personal_data;
mod questions;
mod receipts;
mod recommendations;
mod refunds;
mod revenue;
mod reviews;
mod sales;
mod search;
mod secrets;
mod tax;
mod throttle;
mod two_factor;
mod webhooks;

pub use accounts::*;
pub use audit::*;
pub use audit_log::*;
pub use catalog::*;
pub use certificates::*;
pub use channels::*;
pub use checkout_pages::*;
pub use clock::*;
pub use coupons::*;
pub use discovery::*;
pub use documents::*;
pub use earnings::*;
pub use entitlements::*;
pub use gifts::*;
pub use jobs::*;
pub use learning::*;
pub use live::*;
pub use mail::*;
pub use media::*;
pub use memberships::*;
pub use notifications::*;
pub use operators::*;
pub use orders::*;
pub use pages::*;
pub use payments::*;
pub use personal_data::*;
pub use questions::*;
pub use receipts::*;
pub use recommendations::*;
pub use refunds::*;
pub use revenue::*;
pub use reviews::*;
pub use sales::*;
pub use search::*;
pub use secrets::*;
pub use tax::*;
pub use throttle::*;
pub use two_factor::*;
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

/// Declares [`Store`], every storage port as one object, from one list.
macro_rules! store {
    ($($port:ident),* $(,)?) => {
        /// All storage, as one object: what the app holds, and what `kenning-store`'s
        /// `SqlStore` is.
        pub trait Store: $($port +)* Send + Sync {}
        impl<T> Store for T where T: $($port +)* Send + Sync {}
    };
}

store!(
    AccountStore,
    AccountTokenStore,
    PeopleStore,
    PersonalDataStore,
    NotificationStore,
    TwoFactorStore,
    CreatorApplicationStore,
    CreatorProfileStore,
    SessionStore,
    ThrottleStore,
    SecretStore,
    ProductStore,
    ModerationStore,
    LessonStore,
    LessonPriceStore,
    BundleStore,
    ProductSaleStore,
    OrderStore,
    PaymentStore,
    CheckoutPageStore,
    RefundStore,
    ReceiptStore,
    SalesStore,
    EntitlementStore,
    AuditStore,
    AuditLogStore,
    TaxStore,
    ExchangeRateStore,
    RevenueShareStore,
    AffiliateStore,
    EarningsStore,
    CouponStore,
    MediaRecordStore,
    MarkedCopyStore,
    ProgressStore,
    FeedStore,
    CertificateStore,
    MembershipStore,
    GiftStore,
    QuestionStore,
    ReviewStore,
    LiveScheduleStore,
    SeatStore,
    ChatStore,
    ChannelStore,
    SignalStore,
    CounterStore,
    WebhookStore,
    JobStore,
    PageStore,
);
