//! Ports: what the use cases need from the outside world. Adapters implement them
//! (`kenning-store`, `kenning-payments`, `kenning-media`).

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

/// A payment attempt as recorded.
#[derive(Clone, Debug)]
pub struct PaymentRecord {
    pub id: PaymentId,
    pub order_id: OrderId,
    pub provider: String,
    pub provider_reference: Option<String>,
    pub amount: Money,
    pub succeeded: bool,
    pub failure_code: Option<String>,
    pub card_last4: String,
    pub created_at_ms: i64,
}

impl PaymentRecord {
    /// An attempt to charge an order in full, not (yet) successful.
    pub fn attempt(order: &Order, provider: &str, card_last4: String, now_ms: i64) -> Self {
        PaymentRecord {
            id: PaymentId::new(),
            order_id: order.id,
            provider: provider.to_owned(),
            provider_reference: None,
            amount: order.total,
            succeeded: false,
            failure_code: None,
            card_last4,
            created_at_ms: now_ms,
        }
    }
}

/// Everything a successful payment writes, in one transaction.
#[derive(Clone, Debug)]
pub struct Settlement {
    pub order_id: OrderId,
    pub buyer_id: AccountId,
    pub product_id: ProductId,
    pub payment: PaymentRecord,
    pub ledger: LedgerTransaction,
    pub paid_at_ms: i64,
    /// Grant the product (false for a membership tier: its subscription grants instead).
    pub grant: bool,
    /// Products granted with it (a bundle's items), pointing at the same order.
    pub also_grant: Vec<ProductId>,
    /// The one lesson bought on its own (then `grant` is false).
    pub lesson: Option<LessonId>,
    /// The provider's fee for the payment, booked with the sale.
    pub gateway_fee: Option<LedgerTransaction>,
    /// What the buyer must not hold already for anything to be granted.
    pub holding: Holding,
    /// A membership's first period: the subscription to save and the products it grants.
    pub subscription: Option<(Subscription, Vec<ProductId>)>,
}

/// A year whose receipt numbers have a gap or run past its counter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReceiptSeriesBreak {
    pub year: i64,
    /// How many orders carry a number of this year.
    pub numbered: i64,
    pub highest: i64,
    /// The last number the year's counter gave.
    pub counter: i64,
}

/// The result of trying to take an order for payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// This caller may charge now.
    Claimed,
    /// Another request is charging it.
    InProgress,
    /// Already paid.
    AlreadyPaid,
    /// The buyer already holds what it buys: the order is released, never to be paid.
    AlreadyHeld,
}

/// Why an order is taken for payment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Taking {
    /// To charge it now: refused (and the order released) when the buyer holds what it
    /// buys, or waits while another payment of theirs for it runs.
    ToCharge(Holding),
    /// To record a payment the provider took already (its event arrived): taken even
    /// when released, since the money must be booked — and refunded when it buys what
    /// the buyer holds.
    ToRecord,
}

/// What settling a payment did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Settled {
    /// Paid, and what it buys is granted.
    Granted,
    /// Paid (the money was taken), but the buyer held what it buys by then: nothing was
    /// granted and the payment must be refunded.
    AlreadyHeld,
}

#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Inserts the order, or returns the existing one with the same buyer and
    /// idempotency key (the flag says whether it was created now). A new order with a
    /// coupon redeems one of its uses in the same transaction; when none is left, nothing
    /// is written and the answer is [`StoreError::Conflict`].
    async fn create_order(&self, order: &Order) -> StoreResult<(Order, bool)>;
    async fn order(&self, id: OrderId) -> StoreResult<Option<Order>>;
    /// How much of the order has been refunded (0 when nothing).
    async fn refunded_total(&self, order: OrderId) -> StoreResult<i64>;
    /// The provider's reference of the order's successful payment.
    async fn payment_reference(&self, order: OrderId) -> StoreResult<Option<String>>;
    /// Takes a paid order for refunding; false when another refund holds it (a claim
    /// older than `stale_before_ms` is taken over).
    async fn claim_refund(
        &self,
        order: OrderId,
        now_ms: i64,
        stale_before_ms: i64,
    ) -> StoreResult<bool>;
    /// Lets go of a refund claim without refunding (the provider refused).
    async fn release_refund(&self, order: OrderId) -> StoreResult<()>;
    /// The number of a paid order's receipt, once numbered.
    async fn receipt_number(&self, order: OrderId) -> StoreResult<Option<ReceiptNumber>>;
    /// Whether any paid order waits for its receipt number.
    async fn receipts_to_number(&self) -> StoreResult<bool>;
    /// Numbers up to `limit` paid orders' receipts in the order they were paid, each in
    /// the series of the year `year_of` gives its payment time, one numbering at a time;
    /// answers how many.
    async fn number_receipts(&self, limit: i64, year_of: fn(i64) -> i32) -> StoreResult<u64>;
    /// How many of the order's provider payment pages have expired (the next page opened
    /// is a new one, numbered so).
    async fn expired_pages(&self, order: OrderId) -> StoreResult<i64>;
    /// Counts an expired payment page of an unpaid order and frees any seat it held.
    async fn page_expired(&self, order: OrderId) -> StoreResult<()>;
    /// Writes the refund and its ledger entries, when `revoke` removes every entitlement
    /// the order granted (a bundle's items and a claimed gift too), and releases the
    /// claim, in one transaction. One that would take the
    /// refunded sum past the total writes nothing ([`StoreError::Conflict`]).
    async fn record_refund(
        &self,
        refund: &RefundRecord,
        order_total: Money,
        ledger: &LedgerTransaction,
        revoke: Option<(AccountId, ProductId)>,
    ) -> StoreResult<()>;
    /// Paid orders of a creator's products (everyone's with `None`), newest first.
    async fn sales(&self, creator: Option<AccountId>, limit: i64) -> StoreResult<Vec<SaleLine>>;
    /// The order's refunds, oldest first: (when, amount).
    async fn refunds_of(&self, order: OrderId) -> StoreResult<Vec<(i64, Money)>>;
    /// The last four digits of the card that paid the order, if a card did.
    async fn paid_card(&self, order: OrderId) -> StoreResult<Option<String>>;
    /// The order a buyer made with an idempotency key, if any.
    async fn order_by_key(&self, buyer: AccountId, key: &str) -> StoreResult<Option<Order>>;
    async fn orders_of(&self, buyer: AccountId) -> StoreResult<Vec<Order>>;
    /// Moves a pending order (or one whose processing went stale before `stale_before_ms`)
    /// to processing, in one transaction that takes the buyer's payment decisions one at
    /// a time and first checks `holding`: when the buyer already holds it the order is
    /// released ([`Claim::AlreadyHeld`]); when another of their payments for it (or for
    /// a bundle around it, or an item of it) is running, nothing changes
    /// ([`Claim::InProgress`]).
    async fn claim_order(
        &self,
        id: OrderId,
        now_ms: i64,
        stale_before_ms: i64,
        taking: Taking,
    ) -> StoreResult<Claim>;
    /// Releases a pending order when its buyer holds what it buys (checked in one
    /// transaction on the buyer's turn, like a claim); true when it is released (now or
    /// before).
    async fn release_if_held(
        &self,
        id: OrderId,
        holding: Holding,
        now_ms: i64,
    ) -> StoreResult<bool>;
    /// Records the payment, marks the order paid and writes the ledger transaction; in
    /// the same transaction, unless the buyer holds the settlement's `holding` already,
    /// grants the entitlements and starts the subscription — all or nothing. When they
    /// hold it, the sale is booked without any grant and the answer is
    /// [`Settled::AlreadyHeld`]: the caller refunds it.
    async fn settle_order(&self, settlement: &Settlement) -> StoreResult<Settled>;
    /// Records a failed attempt and returns the order to pending.
    async fn fail_payment(&self, payment: &PaymentRecord) -> StoreResult<()>;

    /// Lessons the person bought on their own, newest first: (lesson, product, lesson
    /// title, when).
    async fn lessons_bought(
        &self,
        account: AccountId,
    ) -> StoreResult<Vec<(LessonId, ProductId, LocalizedText, i64)>>;
    /// When the person bought the lesson on its own, if they did.
    async fn lesson_entitled_since(
        &self,
        account: AccountId,
        lesson: LessonId,
    ) -> StoreResult<Option<i64>>;
    /// When the person got the product, if they hold it.
    async fn entitled_since(
        &self,
        account: AccountId,
        product: ProductId,
    ) -> StoreResult<Option<i64>>;
    async fn is_entitled(&self, account: AccountId, product: ProductId) -> StoreResult<bool> {
        Ok(self.entitled_since(account, product).await?.is_some())
    }
    /// Grants a product without payment (free products, gifts, admin grants).
    async fn grant_entitlement(
        &self,
        account: AccountId,
        product: ProductId,
        source: &str,
        now_ms: i64,
    ) -> StoreResult<()>;
    /// Products the person is entitled to, newest first, with the time of the grant.
    async fn library(&self, account: AccountId) -> StoreResult<Vec<(Product, i64)>>;
    /// Sum of all postings per currency; every value is zero in a healthy ledger.
    async fn ledger_imbalances(&self) -> StoreResult<Vec<(String, i64)>>;
    /// Ids of paid orders that granted nothing.
    async fn paid_orders_without_entitlement(&self) -> StoreResult<Vec<String>>;
    /// Years whose receipt numbers are not exactly 1, 2, … up to the year's counter.
    async fn receipt_series_breaks(&self) -> StoreResult<Vec<ReceiptSeriesBreak>>;
    /// Ids of entitlements from an order that is not paid, or with no source at all.
    async fn entitlements_without_payment(&self) -> StoreResult<Vec<String>>;
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
{
}

/// Why a provider refused a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclineReason {
    CardDeclined,
    InsufficientFunds,
}

/// What the use case asks a payment provider to do.
#[derive(Debug)]
pub struct ChargeRequest {
    pub order_id: OrderId,
    pub amount: Money,
    pub card: CardNumber,
    /// Providers must not charge twice for the same key.
    pub idempotency_key: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum ChargeOutcome {
    Succeeded {
        reference: String,
    },
    Declined(DeclineReason),
    /// Accepted, but the bank confirms later: a payment event will say how it ended.
    Pending {
        reference: String,
    },
}

/// What a payment provider told us happened, from a verified webhook.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaymentEvent {
    /// The provider's event id (a second delivery of it changes nothing).
    pub id: String,
    /// The provider's name, as on payments and ledger accounts.
    pub provider: &'static str,
    pub order_id: OrderId,
    pub amount: Money,
    pub kind: PaymentEventKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PaymentEventKind {
    Succeeded {
        reference: String,
    },
    Failed {
        code: String,
    },
    /// The provider's payment page for the order can no longer be paid; the buyer may be
    /// given a new one.
    PageExpired,
}

/// Why a webhook was refused (nothing is changed by a refused webhook).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WebhookRejection {
    #[error("no signature")]
    MissingSignature,
    #[error("signature does not match")]
    BadSignature,
    #[error("timestamp outside the tolerance window")]
    Stale,
    #[error("malformed event: {0}")]
    Malformed(String),
    #[error("event type not handled: {0}")]
    UnknownEvent(String),
}

/// A provider's webhooks: checks a delivery's signature and reads the event.
pub trait WebhookVerifier: Send + Sync {
    /// The provider's name, as in `/api/v1/webhooks/{name}`.
    fn name(&self) -> &'static str;
    fn verify(
        &self,
        payload: &[u8],
        signature: Option<&str>,
        now_ms: i64,
    ) -> Result<PaymentEvent, WebhookRejection>;
}

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The name recorded on payments and ledger accounts.
    fn name(&self) -> &'static str;
    async fn charge(&self, request: ChargeRequest) -> Result<ChargeOutcome, String>;
    /// A reusable token for the card just charged, for renewals.
    fn payment_method(&self, card: &CardNumber) -> String;
    /// Charges a saved payment method (renewals: no one is there to type a card).
    async fn charge_method(
        &self,
        method: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, String>;
    /// Whether buyers type their card into Kenning's own checkout page (the sandbox). A
    /// provider that takes cards only on its own page answers false and implements
    /// [`PaymentProvider::hosted_checkout`].
    fn takes_cards(&self) -> bool {
        true
    }
    /// Opens a payment on the provider's own page (Stripe Checkout). Its outcome comes
    /// back as a payment event (webhook).
    async fn hosted_checkout(
        &self,
        _request: HostedCheckoutRequest<'_>,
    ) -> Result<HostedCheckout, String> {
        Err("this provider takes cards on Kenning's checkout page".to_owned())
    }
    /// The reusable payment method behind a payment the provider took on its own page
    /// (for a membership's renewals); `None` when it keeps none.
    async fn saved_method(&self, _reference: &str) -> Result<Option<String>, String> {
        Ok(None)
    }
    /// What the provider charges the platform for taking `amount` (none by default).
    fn fee(&self, amount: Money) -> Money {
        Money::zero(amount.currency)
    }
    /// Gives back `amount` of the charge `reference`; answers the refund's reference.
    /// The same idempotency key refunds once.
    async fn refund(
        &self,
        reference: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<String, String>;
}

/// A payment to take on the provider's own page.
#[derive(Clone, Copy, Debug)]
pub struct HostedCheckoutRequest<'a> {
    pub order_id: OrderId,
    pub amount: Money,
    /// What the buyer sees they are paying for.
    pub description: &'a str,
    pub customer_email: &'a str,
    /// Keep the card for later charges (a membership renews with it).
    pub save_card: bool,
    /// How many earlier pages for this order expired: a provider that keys pages by the
    /// order opens a fresh one for each.
    pub expired_pages: i64,
    /// Where the provider sends the buyer after paying, and after giving up.
    pub success_url: &'a str,
    pub cancel_url: &'a str,
}

/// A payment page opened at the provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostedCheckout {
    /// Where to send the buyer.
    pub url: String,
    /// The provider's id of the page (a Checkout Session).
    pub reference: String,
}

/// A refund as recorded.
#[derive(Clone, Debug)]
pub struct RefundRecord {
    pub id: kenning_domain::ids::RefundId,
    pub order_id: OrderId,
    pub amount: Money,
    pub reason: String,
    pub actor_id: AccountId,
    pub provider_reference: String,
    pub created_at_ms: i64,
}

/// A stream of bytes, for uploads and deliveries that are never held whole in memory.
pub type ByteStream = futures::stream::BoxStream<'static, Result<Bytes, String>>;

/// Why a streamed upload was not stored.
#[derive(Debug, PartialEq, Eq)]
pub enum PutStreamError {
    /// More than the allowed bytes arrived; nothing was kept.
    TooLarge,
    Failed(String),
}

/// Object storage for uploaded files.
#[async_trait]
pub trait MediaStore: Send + Sync {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), String>;
    async fn get(&self, key: &str) -> Result<Option<Bytes>, String>;
    /// Streams an upload to storage, refusing (and removing) it past `max_bytes`;
    /// returns the number of bytes stored.
    async fn put_stream(
        &self,
        key: &str,
        body: ByteStream,
        max_bytes: u64,
    ) -> Result<u64, PutStreamError>;
    /// The bytes `start..end` of a stored object, as a stream.
    async fn get_range(&self, key: &str, start: u64, end: u64) -> Result<ByteStream, String>;
}

/// A suggested product and, when it comes from the person's own history, the product
/// that led to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub product: ProductId,
    pub because: Option<ProductId>,
}

/// What a recommender is trained on: weighted (person, product) interest, and the
/// features of every published product (so that new ones can be suggested too).
#[derive(Clone, Debug, Default)]
pub struct TrainingSet {
    pub interest: Vec<(AccountId, ProductId, f64)>,
    pub products: Vec<(ProductId, Vec<String>)>,
}

/// A recommender. Implementations keep a trained model in memory; it is derived data,
/// rebuilt from the store on start and on every refresh.
pub trait RecommendationEngine: Send + Sync {
    /// Replaces the model with one trained on this set.
    fn train(&self, data: &TrainingSet);
    /// Products for a person, best first, excluding what they have.
    fn for_user(&self, user: AccountId, k: usize) -> Vec<Suggestion>;
    /// Products bought by the same people (or, for new ones, described alike), best first.
    fn similar(&self, product: ProductId, k: usize) -> Vec<ProductId>;
    /// The most bought products.
    fn popular(&self, k: usize) -> Vec<ProductId>;
}

/// A published product as the search index receives it. The public index holds only
/// what anyone may read (its text, tags, lesson titles and the text of preview lessons);
/// the text of locked lessons goes to a separate index that is searched only within the
/// products a person may read.
#[derive(Clone, Debug)]
pub struct SearchEntry {
    pub product: Product,
    pub lessons: Vec<LessonOutline>,
    pub previews: Vec<Lesson>,
    pub locked: Vec<Lesson>,
}

/// A search through the text of locked lessons.
#[derive(Clone, Debug)]
pub struct LessonSearch {
    pub text: String,
    /// The products whose lessons may be searched; None for all (operators).
    pub products: Option<Vec<ProductId>>,
    pub locale: Locale,
    pub limit: usize,
}

#[derive(Clone, Debug, PartialEq)]
pub struct LessonHit {
    pub lesson: LessonId,
    pub product: ProductId,
    /// Escaped HTML with the matched words in `<b>`.
    pub highlight: String,
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SearchSort {
    #[default]
    Relevance,
    Newest,
    PriceLow,
    PriceHigh,
    Rating,
}

/// A search as a person asks it.
#[derive(Clone, Debug)]
pub struct ProductSearch {
    pub text: String,
    pub kind: Option<ProductKind>,
    pub language: Option<Locale>,
    /// Currency of the price bounds and of price sorting.
    pub currency: Currency,
    pub min_price: Option<i64>,
    pub max_price: Option<i64>,
    /// Only products whose average rating is at least this.
    pub min_rating: Option<Rating>,
    pub sort: SearchSort,
    pub limit: usize,
    /// The language to highlight in.
    pub locale: Locale,
}

#[derive(Clone, Debug, PartialEq)]
pub struct SearchHit {
    pub product: ProductId,
    /// Escaped HTML with the matched words in `<b>`.
    pub highlight: String,
}

/// The full-text index of the public catalog, and of locked lesson text apart.
pub trait SearchEngine: Send + Sync {
    fn upsert(&self, entry: &SearchEntry) -> Result<(), String>;
    fn remove(&self, product: ProductId) -> Result<(), String>;
    fn rebuild(&self, entries: &[SearchEntry]) -> Result<(), String>;
    fn search(&self, query: &ProductSearch) -> Result<Vec<SearchHit>, String>;
    fn search_lessons(&self, query: &LessonSearch) -> Result<Vec<LessonHit>, String>;
}

/// The time, so tests can move it.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    /// Moves time forward, when this clock allows it (a test clock); false otherwise.
    fn advance(&self, _ms: i64) -> bool {
        false
    }
}

/// The real clock plus an offset an operator can move forward: a test clock, for trying
/// renewals and expiries without waiting a month (`--test-clock`; never in production).
#[derive(Default)]
pub struct TestClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        SystemClock
            .now_ms()
            .saturating_add(self.offset_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn advance(&self, ms: i64) -> bool {
        self.offset_ms
            .fetch_add(ms.max(0), std::sync::atomic::Ordering::Relaxed);
        true
    }
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
    }
}

/// Why a document could not be written.
#[derive(Debug, thiserror::Error)]
pub enum DocumentError {
    /// The file is not a document this kind can read (damaged, encrypted, not a PDF…).
    #[error("unreadable document: {0}")]
    Unreadable(String),
    #[error("document not written: {0}")]
    Write(String),
}

/// The words of a certificate, already in the reader's language.
#[derive(Clone, Debug)]
pub struct CertificateText {
    /// "Certificate of completion"
    pub title: String,
    /// "This certifies that"
    pub preamble: String,
    pub holder: String,
    /// "has completed"
    pub completed: String,
    pub product: String,
    /// "6 lessons · by Lin Wei · Nov 23, 2026"
    pub details: String,
    /// "Certificate ABCD-… · verify at https://…"
    pub verification: String,
}

/// The words of a receipt, already in the reader's language.
#[derive(Clone, Debug)]
pub struct ReceiptText {
    /// "Receipt"
    pub title: String,
    /// Seller and buyer lines under the title.
    pub parties: Vec<String>,
    /// (label, value) rows: item, price, discount, tax, total, payment, refunds.
    pub rows: Vec<(String, String)>,
    /// "Order … · paid on …"
    pub footer: String,
}

/// What is written into a copy made for one buyer.
#[derive(Clone, Debug)]
pub struct BuyerMark {
    /// The visible line on every page (PDF) or on a page of its own (EPUB), in the
    /// buyer's language: e.g. "Licensed to Ana · order 0193…".
    pub line: String,
    pub holder_name: String,
    /// The order it was bought with, or the account when there was no order.
    pub reference: String,
}

/// Writing documents: certificates, and marked copies of PDF and EPUB files.
pub trait Documents: Send + Sync {
    fn certificate_pdf(&self, text: &CertificateText) -> Result<Vec<u8>, DocumentError>;
    fn receipt_pdf(&self, text: &ReceiptText) -> Result<Vec<u8>, DocumentError>;
    /// A copy of `original` carrying the mark; video and audio come back unchanged.
    fn mark(
        &self,
        kind: kenning_domain::media::MediaKind,
        original: &[u8],
        mark: &BuyerMark,
    ) -> Result<Vec<u8>, DocumentError>;
}
