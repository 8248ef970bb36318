//! Ports: what the use cases need from the outside world. Adapters implement them
//! (`kenning-store`, `kenning-payments`, `kenning-media`). This file holds the storage
//! ports but for orders; `orders` holds orders, payments as recorded and their
//! settlement; `payments` the payment providers; `services` media, recommendations,
//! search, the clock and documents.

mod jobs;
mod orders;
mod pages;
mod payments;
mod services;

pub use jobs::*;
pub use orders::*;
pub use pages::*;
pub use payments::*;
pub use services::*;

use async_trait::async_trait;
use bytes::Bytes;
use kenning_domain::account::{Account, Email, Role};
use kenning_domain::catalog::{
    Chapter, Lesson, LessonOutline, Product, ProductKind, ProductStatus, Release,
};
use kenning_domain::certificate::{Certificate, CertificateCode};
use kenning_domain::coupon::{Coupon, CouponCode};
use kenning_domain::discovery::{Signal, SignalKind};
use kenning_domain::fx::ExchangeRate;
use kenning_domain::gift::Gift;
use kenning_domain::ids::{
    AccountId, LessonId, LiveMessageId, MediaId, OrderId, PaymentId, PayoutId, ProductId,
    QuestionId, SubscriptionId,
};
use kenning_domain::ledger::{LedgerTransaction, Payee, Posting};
use kenning_domain::live::{ChatMessage, LiveSchedule};
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::media::{LessonProgress, Media};
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::{CardNumber, Holding, Order, ReceiptNumber};
use kenning_domain::question::{Question, QuestionStatus};
use kenning_domain::revenue::{AffiliateProgram, CoCreator, PartnerContract};
use kenning_domain::review::{Rating, Review};
use kenning_domain::sale::Sale;
use kenning_domain::statement::StatementLine;
use kenning_domain::subscription::{MembershipPlan, Subscription};
use kenning_domain::tax::{Country, TaxRate};

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

/// A new account to insert.
#[derive(Clone, Debug)]
pub struct NewAccount {
    pub id: AccountId,
    pub email: Email,
    pub display_name: String,
    pub password_hash: String,
    pub role: Role,
    pub created_at_ms: i64,
}

#[async_trait]
pub trait AccountStore: Send + Sync {
    /// Fails with [`StoreError::Duplicate`] when the e-mail is taken.
    async fn insert_account(&self, account: &NewAccount) -> StoreResult<()>;
    /// The account and its password hash.
    async fn account_by_email(&self, email: &Email) -> StoreResult<Option<(Account, String)>>;
    async fn account_by_id(&self, id: AccountId) -> StoreResult<Option<Account>>;
    async fn set_role(&self, id: AccountId, role: Role) -> StoreResult<()>;
    async fn set_password_hash(&self, id: AccountId, hash: &str) -> StoreResult<()>;

    async fn insert_session(
        &self,
        token_hash: &str,
        account_id: AccountId,
        created_at_ms: i64,
        expires_at_ms: i64,
    ) -> StoreResult<()>;
    /// The account behind an unexpired session, and when the session expires.
    async fn session_account(
        &self,
        token_hash: &str,
        now_ms: i64,
    ) -> StoreResult<Option<(Account, i64)>>;
    async fn delete_session(&self, token_hash: &str) -> StoreResult<()>;
}

/// Which products to list.
#[derive(Clone, Debug, Default)]
pub struct ProductFilter {
    pub status: Option<ProductStatus>,
    pub kind: Option<ProductKind>,
    pub language: Option<Locale>,
    pub creator_id: Option<AccountId>,
    pub limit: i64,
    pub offset: i64,
}

#[async_trait]
pub trait CatalogStore: Send + Sync {
    async fn insert_product(&self, product: &Product) -> StoreResult<()>;
    /// Replaces the product's text, prices, tags, cover and status.
    async fn update_product(&self, product: &Product, now_ms: i64) -> StoreResult<()>;
    async fn product(&self, id: ProductId) -> StoreResult<Option<Product>>;
    async fn list_products(&self, filter: &ProductFilter) -> StoreResult<Vec<Product>>;
    async fn count_products(&self, filter: &ProductFilter) -> StoreResult<i64>;

    async fn insert_chapter(&self, chapter: &Chapter) -> StoreResult<()>;
    async fn chapters(&self, product: ProductId) -> StoreResult<Vec<Chapter>>;
    async fn insert_lesson(&self, lesson: &Lesson) -> StoreResult<()>;
    /// The product's lessons in order, without their text.
    async fn lessons(&self, product: ProductId) -> StoreResult<Vec<LessonOutline>>;
    async fn lesson(&self, id: LessonId) -> StoreResult<Option<Lesson>>;
    /// A lesson's own prices (empty: only sold with its product).
    async fn lesson_prices(&self, lesson: LessonId) -> StoreResult<Vec<Money>>;
    /// Replaces a lesson's own prices.
    async fn set_lesson_prices(&self, lesson: LessonId, prices: &[Money]) -> StoreResult<()>;
    /// The own prices of every lesson of a product.
    async fn lesson_prices_of(&self, product: ProductId) -> StoreResult<Vec<(LessonId, Money)>>;
    /// Replaces the products a bundle holds.
    async fn set_bundle_items(&self, bundle: ProductId, items: &[ProductId]) -> StoreResult<()>;
    async fn bundle_items(&self, bundle: ProductId) -> StoreResult<Vec<ProductId>>;
    /// Starts, replaces or (None) ends a product's sale.
    async fn set_sale(&self, product: ProductId, sale: Option<Sale>) -> StoreResult<()>;
    async fn sale(&self, product: ProductId) -> StoreResult<Option<Sale>>;
    async fn set_lesson_release(&self, id: LessonId, release: Release) -> StoreResult<()>;
}

/// What recommendations learn from, and counters shared by every node.
#[async_trait]
pub trait DiscoveryStore: Send + Sync {
    /// Counts one more signal of interest (views and study; purchases are entitlements).
    async fn record_signal(
        &self,
        account: AccountId,
        product: ProductId,
        kind: SignalKind,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Every signal: each entitlement as a purchase, plus the recorded views and study.
    async fn signals(&self) -> StoreResult<Vec<Signal>>;
    /// A named counter's value (0 if never raised).
    async fn counter(&self, name: &str) -> StoreResult<i64>;
    /// Raises a named counter by one and returns its new value.
    async fn bump_counter(&self, name: &str) -> StoreResult<i64>;
}

/// Reviews and the rating totals of products.
#[async_trait]
pub trait ReviewStore: Send + Sync {
    /// Writes a person's review of a product (replacing theirs, if any) and recomputes
    /// the product's rating totals, atomically.
    async fn upsert_review(&self, review: &Review) -> StoreResult<()>;
    /// A product's reviews, most recently written first.
    async fn reviews(&self, product: ProductId, limit: i64) -> StoreResult<Vec<Review>>;
    async fn review_by(
        &self,
        product: ProductId,
        account: AccountId,
    ) -> StoreResult<Option<Review>>;
}

/// Media records, learning progress and shared secrets.
#[async_trait]
pub trait LearningStore: Send + Sync {
    async fn insert_media(&self, media: &Media) -> StoreResult<()>;
    async fn media(&self, id: MediaId) -> StoreResult<Option<Media>>;
    /// A lesson's media, oldest first.
    async fn lesson_media(&self, lesson: LessonId) -> StoreResult<Vec<Media>>;
    /// Every file attached to the product's lessons, oldest first.
    async fn product_media(&self, product: ProductId) -> StoreResult<Vec<Media>>;
    async fn progress(
        &self,
        account: AccountId,
        lesson: LessonId,
    ) -> StoreResult<Option<LessonProgress>>;
    async fn save_progress(&self, progress: &LessonProgress) -> StoreResult<()>;
    /// A person's progress in every lesson they started, most recent first.
    async fn progress_of(&self, account: AccountId) -> StoreResult<Vec<LessonProgress>>;
    /// The named secret, stored as `candidate` if there is none yet (every node then
    /// reads the same value).
    async fn secret(&self, name: &str, candidate: &str) -> StoreResult<String>;
    /// Every learner's progress in a product's lessons, oldest first.
    async fn progress_in(&self, product: ProductId) -> StoreResult<Vec<LessonProgress>>;
    /// Who holds a product, with the time of the grant, oldest first.
    async fn holders(&self, product: ProductId) -> StoreResult<Vec<(AccountId, i64)>>;
    /// The version of a person's feed of a product (0 until first rotated).
    async fn feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64>;
    /// Raises it by one and returns the new version.
    async fn bump_feed_version(&self, account: AccountId, product: ProductId) -> StoreResult<i64>;
}

/// All storage, as one object.
/// Certificates of completion, and copies of documents marked for one buyer.
#[async_trait]
pub trait CertificateStore: Send + Sync {
    /// Keeps the certificate unless the person already has one for the product; returns
    /// the one kept.
    async fn insert_certificate(&self, certificate: &Certificate) -> StoreResult<Certificate>;
    async fn certificate(&self, code: &CertificateCode) -> StoreResult<Option<Certificate>>;
    async fn certificate_of(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<Certificate>>;
    /// Newest first.
    async fn certificates_of(&self, account: AccountId) -> StoreResult<Vec<Certificate>>;
    /// The stored marked copy of a document for this person: (object key, bytes).
    async fn marked_copy(
        &self,
        media: MediaId,
        account: AccountId,
    ) -> StoreResult<Option<(String, u64)>>;
    /// Records a marked copy; when another request recorded one first, returns that one.
    async fn insert_marked_copy(
        &self,
        media: MediaId,
        account: AccountId,
        object_key: &str,
        bytes: u64,
        now_ms: i64,
    ) -> StoreResult<(String, u64)>;
    /// The order behind a person's entitlement, if it was bought.
    async fn entitlement_order(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<OrderId>>;
}

/// Membership tiers and subscriptions.
#[async_trait]
pub trait MembershipStore: Send + Sync {
    async fn set_plan(&self, plan: &MembershipPlan) -> StoreResult<()>;
    async fn plan(&self, product: ProductId) -> StoreResult<Option<MembershipPlan>>;
    /// Inserts or replaces (by id).
    async fn save_subscription(&self, subscription: &Subscription, now_ms: i64) -> StoreResult<()>;
    async fn subscription(&self, id: SubscriptionId) -> StoreResult<Option<Subscription>>;
    async fn subscription_of(
        &self,
        plan: ProductId,
        account: AccountId,
    ) -> StoreResult<Option<Subscription>>;
    async fn subscriptions_of(&self, account: AccountId) -> StoreResult<Vec<Subscription>>;
    /// Subscriptions with something due at `now_ms` (renewal, retry or end).
    async fn due_subscriptions(&self, now_ms: i64) -> StoreResult<Vec<Subscription>>;
    /// Grants the products (those the person does not hold already).
    async fn grant_subscription(
        &self,
        subscription: &Subscription,
        products: &[ProductId],
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Removes every entitlement the subscription granted.
    async fn revoke_subscription(&self, id: SubscriptionId) -> StoreResult<()>;
}

/// Gifts.
#[async_trait]
pub trait GiftStore: Send + Sync {
    /// Keeps the gift of an order (once per order).
    async fn insert_gift(&self, gift: &Gift) -> StoreResult<()>;
    async fn gift(&self, code: &str) -> StoreResult<Option<Gift>>;
    async fn gift_of_order(&self, order: OrderId) -> StoreResult<Option<Gift>>;
    /// Gifts a person sent, newest first.
    async fn gifts_from(&self, buyer: AccountId) -> StoreResult<Vec<Gift>>;
    /// Marks the gift claimed by `account` and grants them its product, in one
    /// transaction. False when it was claimed already; [`StoreError::Duplicate`] (and
    /// nothing written) when they hold the product already.
    async fn claim_gift(&self, code: &str, account: AccountId, now_ms: i64) -> StoreResult<bool>;
}

/// Webhook deliveries already handled.
#[async_trait]
pub trait WebhookStore: Send + Sync {
    async fn webhook_seen(&self, event_id: &str) -> StoreResult<bool>;
    /// Notes a handled event; false when it was already noted.
    async fn record_webhook(
        &self,
        event_id: &str,
        provider: &str,
        kind: &str,
        now_ms: i64,
    ) -> StoreResult<bool>;
}

/// Coupons creators hand out.
#[async_trait]
pub trait CouponStore: Send + Sync {
    /// Fails with [`StoreError::Duplicate`] when the code is taken.
    async fn insert_coupon(&self, coupon: &Coupon) -> StoreResult<()>;
    async fn coupon(&self, code: &CouponCode) -> StoreResult<Option<Coupon>>;
    /// The creator's coupons, newest first.
    async fn coupons_of(&self, creator: AccountId) -> StoreResult<Vec<Coupon>>;
}

/// Live sessions: schedules, the chat, and a channel between server processes.
#[async_trait]
pub trait LiveStore: Send + Sync {
    /// Inserts or replaces the schedule of a live-session product.
    async fn set_live_schedule(&self, schedule: &LiveSchedule) -> StoreResult<()>;
    async fn live_schedule(&self, product: ProductId) -> StoreResult<Option<LiveSchedule>>;
    /// Live sessions whose tickets come with this product.
    async fn live_sessions_in(&self, product: ProductId) -> StoreResult<Vec<LiveSchedule>>;
    /// Seats of a live session taken at `now_ms`: tickets held, gifted tickets not yet
    /// claimed, and seats held by unpaid orders until their hold ends.
    async fn seats_taken(&self, product: ProductId, now_ms: i64) -> StoreResult<i64>;
    /// Holds a seat for the order until `until_ms` when fewer than `capacity` are taken
    /// (holds for one session are made one at a time); false when sold out.
    async fn hold_seat(
        &self,
        order: OrderId,
        product: ProductId,
        capacity: i64,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<bool>;
    /// Frees the seat an unpaid order holds (its payment failed or its page expired).
    async fn release_seat(&self, order: OrderId) -> StoreResult<()>;
    async fn insert_live_message(&self, message: &ChatMessage) -> StoreResult<()>;
    /// Writes a message's pinned and answered flags.
    async fn update_live_message(&self, message: &ChatMessage) -> StoreResult<()>;
    async fn live_message(&self, id: LiveMessageId) -> StoreResult<Option<ChatMessage>>;
    /// The room's latest `limit` messages, oldest first.
    async fn live_messages(&self, product: ProductId, limit: i64) -> StoreResult<Vec<ChatMessage>>;
    /// Sends `payload` to every server process listening on `channel`, this one included.
    /// Returns false when the database has no such channel (SQLite, one process): the
    /// caller then delivers it itself.
    async fn notify(&self, channel: &str, payload: &str) -> StoreResult<bool>;
    /// Every payload sent on `channel` by any process, from now on; `None` when the
    /// database has no such channel.
    async fn listen(
        &self,
        channel: &str,
    ) -> StoreResult<Option<futures::stream::BoxStream<'static, String>>>;
}

/// A paid order as its seller sees it.
#[derive(Clone, Debug)]
pub struct SaleLine {
    pub order: Order,
    pub product_title: LocalizedText,
    pub buyer_email: String,
    /// What has been refunded of it.
    pub refunded_minor: i64,
}

/// Paid questions and their answers.
#[async_trait]
pub trait QuestionStore: Send + Sync {
    async fn insert_question(&self, question: &Question) -> StoreResult<()>;
    /// A question with when its order was paid (`None`: not yet).
    async fn question(&self, id: QuestionId) -> StoreResult<Option<(Question, Option<i64>)>>;
    async fn question_of_order(&self, order: OrderId) -> StoreResult<Option<Question>>;
    /// Questions to a creator whose orders are paid, newest first, with when paid.
    async fn questions_to(&self, creator: AccountId) -> StoreResult<Vec<(Question, i64)>>;
    /// A person's questions, newest first, with when paid.
    async fn questions_from(&self, asker: AccountId) -> StoreResult<Vec<(Question, Option<i64>)>>;
    /// Writes the answer to a question still waiting for one; false when it was not.
    async fn answer_question(&self, id: QuestionId, answer: &str, now_ms: i64)
    -> StoreResult<bool>;
    /// Moves a question from one status to another; false when it was not in `from`.
    async fn move_question(
        &self,
        id: QuestionId,
        from: QuestionStatus,
        to: QuestionStatus,
    ) -> StoreResult<bool>;
    /// Unanswered questions whose orders were paid before `paid_before_ms`.
    async fn overdue_questions(&self, paid_before_ms: i64) -> StoreResult<Vec<Question>>;
}

/// A payout about to be written.
#[derive(Clone, Debug)]
pub struct PayoutRecord {
    pub id: PayoutId,
    pub account_id: AccountId,
    pub amount: Money,
    pub actor_id: AccountId,
    pub created_at_ms: i64,
}

/// Someone's balance on one earnings account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Owed {
    pub account_id: AccountId,
    pub payee: Payee,
    /// Positive: the platform owes it.
    pub amount: Money,
}

/// Tax, exchange rates, revenue shares and payouts.
#[async_trait]
pub trait RevenueStore: Send + Sync {
    async fn tax_rates(&self) -> StoreResult<Vec<TaxRate>>;
    async fn tax_rate(&self, country: &Country) -> StoreResult<Option<TaxRate>>;
    /// Inserts or replaces a country's rate.
    async fn set_tax_rate(&self, rate: &TaxRate, now_ms: i64) -> StoreResult<()>;
    async fn exchange_rates(&self) -> StoreResult<Vec<ExchangeRate>>;
    /// Inserts or replaces a currency's row of the rate table.
    async fn set_exchange_rate(&self, rate: &ExchangeRate, now_ms: i64) -> StoreResult<()>;

    async fn cocreators(&self, product: ProductId) -> StoreResult<Vec<CoCreator>>;
    /// Replaces the product's co-creators.
    async fn set_cocreators(&self, product: ProductId, shares: &[CoCreator]) -> StoreResult<()>;
    async fn insert_partner_contract(&self, contract: &PartnerContract) -> StoreResult<()>;
    /// Contracts on any of the creator's products, oldest first.
    async fn partner_contracts_of(&self, creator: AccountId) -> StoreResult<Vec<PartnerContract>>;
    /// Contracts that name the account as partner, oldest first.
    async fn contracts_as_partner(&self, partner: AccountId) -> StoreResult<Vec<PartnerContract>>;
    async fn affiliate_program(&self, creator: AccountId) -> StoreResult<Option<AffiliateProgram>>;
    async fn set_affiliate_program(
        &self,
        program: &AffiliateProgram,
        now_ms: i64,
    ) -> StoreResult<()>;
    async fn referral_code_of(&self, account: AccountId) -> StoreResult<Option<String>>;
    /// Gives the account a referral code; returns the one it holds when it has one.
    async fn insert_referral_code(&self, account: AccountId, code: &str) -> StoreResult<String>;
    async fn referral_owner(&self, code: &str) -> StoreResult<Option<AccountId>>;

    /// The postings of an order's sale.
    async fn sale_postings(&self, order: OrderId) -> StoreResult<Vec<Posting>>;
    /// Movements on the person's earnings accounts from `from_ms` (inclusive) to `to_ms`
    /// (exclusive), oldest first.
    async fn earnings_lines(
        &self,
        account: AccountId,
        from_ms: i64,
        to_ms: i64,
    ) -> StoreResult<Vec<StatementLine>>;
    /// What was owed to the person before `before_ms`, per currency.
    async fn owed_before(&self, account: AccountId, before_ms: i64) -> StoreResult<Vec<Money>>;
    /// Every earnings account with a balance other than zero.
    async fn owed_balances(&self) -> StoreResult<Vec<Owed>>;
    /// Writes a payout and its ledger transaction, after checking (with the person's
    /// row locked) that what they are owed in the payout's currency is still exactly its
    /// amount; otherwise nothing is written ([`StoreError::Conflict`]), so two payout runs
    /// at once never pay the same money twice.
    async fn record_payout(
        &self,
        payout: &PayoutRecord,
        ledger: &LedgerTransaction,
    ) -> StoreResult<()>;
    /// Everyone's payouts, newest first.
    async fn payouts(&self, limit: i64) -> StoreResult<Vec<PayoutRecord>>;
}

/// Counters of attempts at guessable doors, shared by every node.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Counts one attempt for `key` in the window starting at `window_start_ms` and
    /// answers how many that window holds now; older windows of the key are forgotten.
    async fn hit(&self, key: &str, window_start_ms: i64) -> StoreResult<i64>;
    /// How many attempts the window starting at `window_start_ms` holds for `key`.
    async fn count(&self, key: &str, window_start_ms: i64) -> StoreResult<i64>;
    /// Forgets a key's attempts (a successful login clears its account's failures).
    async fn forget(&self, key: &str) -> StoreResult<()>;
}

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
    + PageStore
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
        + PageStore
{
}
