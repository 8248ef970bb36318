//! Orders, and paying them: taking an order for payment, the payment as recorded and
//! everything a successful one writes at once.

use async_trait::async_trait;
use kenning_domain::ids::{AccountId, LessonId, OrderId, PaymentId, ProductId};
use kenning_domain::ledger::LedgerTransaction;
use kenning_domain::money::Money;
use kenning_domain::order::{Holding, Order};
use kenning_domain::subscription::Subscription;

use super::StoreResult;

/// What operators look orders up by (all optional).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OrderSearch {
    pub id: Option<OrderId>,
    pub buyer_email: Option<String>,
    pub from_ms: Option<i64>,
    pub until_ms: Option<i64>,
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

/// Orders.
#[async_trait]
pub trait OrderStore: Send + Sync {
    /// Inserts the order, or returns the existing one with the same buyer and
    /// idempotency key (the flag says whether it was created now). A new order with a
    /// coupon redeems one of its uses in the same transaction; when none is left, nothing
    /// is written and the answer is [`StoreError::Conflict`].
    async fn create_order(&self, order: &Order) -> StoreResult<(Order, bool)>;
    async fn order(&self, id: OrderId) -> StoreResult<Option<Order>>;
    /// The order a buyer made with an idempotency key, if any.
    async fn order_by_key(&self, buyer: AccountId, key: &str) -> StoreResult<Option<Order>>;
    async fn orders_of(&self, buyer: AccountId) -> StoreResult<Vec<Order>>;
    /// Orders for operators, newest first: by id, by the buyer's address, and made in
    /// `[from_ms, until_ms)`.
    async fn search_orders(&self, search: &OrderSearch, limit: i64) -> StoreResult<Vec<Order>>;
}

/// Paying an order: taking it for payment, and recording how the payment ended.
#[async_trait]
pub trait PaymentStore: Send + Sync {
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
    /// The provider's reference of the order's successful payment.
    async fn payment_reference(&self, order: OrderId) -> StoreResult<Option<String>>;
    /// The last four digits of the card that paid the order, if a card did.
    async fn paid_card(&self, order: OrderId) -> StoreResult<Option<String>>;
}
