//! Payment providers: charging, hosted checkout pages, refunds, signed events.

use async_trait::async_trait;
use kenning_domain::ids::OrderId;
use kenning_domain::money::Money;
use kenning_domain::order::CardNumber;

/// Why a provider refused a charge.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclineReason {
    CardDeclined,
    InsufficientFunds,
}

/// Why a provider did not do what was asked. A card the bank refuses is not an error but
/// an outcome ([`ChargeOutcome::Declined`]): these are the provider's own failures, and
/// whether trying again can help depends on which.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PaymentError {
    /// The provider could not be reached, timed out, or failed on its side (5xx, rate
    /// limited): the same request, with the same idempotency key, may succeed later.
    #[error("payment provider unavailable: {0}")]
    Unavailable(String),
    /// The provider understood the request and refused it (an unknown charge, a refund
    /// larger than the charge, a bad key): sending it again will not help.
    #[error("payment provider refused the request: {0}")]
    Refused(String),
    /// The provider answered something that could not be read.
    #[error("unreadable answer from the payment provider: {0}")]
    Malformed(String),
    /// This provider does not do that (cards typed on Kenning's page for a provider that
    /// takes them only on its own, a hosted page for the sandbox).
    #[error("not supported by this payment provider")]
    Unsupported,
}

impl PaymentError {
    /// Whether the same request may succeed if sent again later.
    pub fn is_transient(&self) -> bool {
        matches!(self, PaymentError::Unavailable(_))
    }
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

#[async_trait]
pub trait PaymentProvider: Send + Sync {
    /// The name recorded on payments and ledger accounts.
    fn name(&self) -> &'static str;
    async fn charge(&self, request: ChargeRequest) -> Result<ChargeOutcome, PaymentError>;
    /// A reusable token for the card just charged, for renewals.
    fn payment_method(&self, card: &CardNumber) -> String;
    /// Charges a saved payment method (renewals: no one is there to type a card).
    async fn charge_method(
        &self,
        method: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, PaymentError>;
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
    ) -> Result<HostedCheckout, PaymentError> {
        Err(PaymentError::Unsupported)
    }
    /// The reusable payment method behind a payment the provider took on its own page
    /// (for a membership's renewals); `None` when it keeps none.
    async fn saved_method(&self, _reference: &str) -> Result<Option<String>, PaymentError> {
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
    ) -> Result<String, PaymentError>;
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
