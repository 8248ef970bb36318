//! Settling payments: what a paid order grants (unless its buyer holds it by then, when
//! the payment is refunded), the ledger sale, and the events payment providers send.

use kenning_domain::catalog::{Product, ProductKind};
use kenning_domain::ids::ProductId;
use kenning_domain::ledger;
use kenning_domain::money::Money;
use kenning_domain::order::{Holding, Order, OrderStatus};
use kenning_domain::subscription::Subscription;

use crate::accounts::CurrentUser;
use crate::checkout::{EventOutcome, STALE_CLAIM_MS};
use crate::ports::{
    Claim, PaymentEvent, PaymentEventKind, PaymentRecord, Settled, Settlement, Taking,
};
use crate::{AppError, Kenning};

/// What a settled payment grants.
#[derive(Clone, Debug)]
pub(crate) struct Grants {
    /// The product itself (a bundle's items with it; a lesson alone instead of it).
    pub product: bool,
    /// What the buyer must not hold already for anything to be granted.
    pub holding: Holding,
    /// A membership's first period: its subscription and the products it grants.
    pub subscription: Option<(Subscription, Vec<ProductId>)>,
}

impl Grants {
    /// Nothing: a renewal extends its subscription itself.
    pub(crate) fn nothing() -> Grants {
        Grants {
            product: false,
            holding: Holding::Nothing,
            subscription: None,
        }
    }
}

impl Kenning {
    /// What buying `order` gives its buyer that they can hold only once.
    pub(crate) async fn holding_of(
        &self,
        order: &Order,
        product: &Product,
    ) -> Result<Holding, AppError> {
        let gift = self.store.gift_of_order(order.id).await?.is_some();
        Ok(Holding::of(order, product.kind, gift))
    }

    /// Writes a successful payment and what it buys. A membership tier is not granted
    /// itself: its subscription starts (in the same transaction) and grants the
    /// products; `method` is the saved payment method its renewals charge. When the
    /// buyer holds what it buys by now, the payment is booked and refunded in full, and
    /// the answer is [`Settled::AlreadyHeld`].
    pub(crate) async fn settle(
        &self,
        order: &Order,
        product: &Product,
        payment: PaymentRecord,
        method: Option<String>,
    ) -> Result<(Order, Settled), AppError> {
        let holding = self.holding_of(order, product).await?;
        let tier = product.kind == ProductKind::Membership;
        // A gift is granted when its recipient claims it and a consultation buys one
        // question (the paid order opens it): neither holds anything once, nor grants
        // the product.
        let held_once = holding != Holding::Nothing;
        let subscription = if tier {
            Some(
                self.membership_start(order, product, method.unwrap_or_default())
                    .await?,
            )
        } else {
            None
        };
        let grants = Grants {
            product: !tier && held_once,
            holding,
            subscription,
        };
        let (paid, settled) = self.book_sale(order, product, payment, grants).await?;
        if settled == Settled::AlreadyHeld {
            self.refund_held(&paid, product).await;
        } else if let Some(buyer) = self.store.account_by_id(paid.buyer_id).await? {
            // The receipt (and its PDF) goes to the buyer by mail.
            self.mail_to(
                &buyer,
                kenning_domain::mail::MailMessage::Receipt { order: paid.id },
            )
            .await?;
            self.mail_gift(&paid, product, &buyer).await?;
        }
        Ok((paid, settled))
    }

    /// Gives back a payment taken for what its buyer held by then. Recorded in the
    /// creator's name (a refund needs someone's); a failure is logged and left for
    /// `kenning ledger verify` to show, as the money is then still taken.
    async fn refund_held(&self, order: &Order, product: &Product) {
        let creator = match self.store.account_by_id(product.creator_id).await {
            Ok(Some(account)) => account,
            other => {
                tracing::error!(order = %order.id, ?other, "no creator to refund a payment for what was held");
                return;
            }
        };
        let refund = self
            .claim_and_refund(
                &CurrentUser { account: creator },
                order,
                None,
                "already held by the buyer",
            )
            .await;
        match refund {
            Ok(_) => tracing::info!(order = %order.id, "payment for what the buyer held refunded"),
            Err(e) => {
                tracing::error!(order = %order.id, error = %e, "refund of a payment for what the buyer held failed")
            }
        }
    }

    /// The order paid, the payment, the ledger sale and what `grants` says, in one
    /// transaction.
    pub(crate) async fn book_sale(
        &self,
        order: &Order,
        product: &Product,
        payment: PaymentRecord,
        grants: Grants,
    ) -> Result<(Order, Settled), AppError> {
        let grant = grants.product;
        let shares = self.shares_for(order, product).await?;
        let ledger = ledger::sale(ledger::SaleTerms {
            order_id: order.id,
            provider: &payment.provider,
            creator: product.creator_id,
            total: order.total,
            tax: order.tax.as_ref(),
            platform_fee_bps: self.settings.platform_fee_bps,
            shares: &shares,
        })?;
        // The configured provider says what it charges; an event from another provider
        // (a webhook) carries no fee here.
        let fee = if payment.provider == self.payments.name() {
            self.payments.fee(order.total)
        } else {
            Money::zero(order.total.currency)
        };
        let gateway_fee = ledger::gateway_fee(order.id, &payment.provider, fee)?;
        let paid_at_ms = self.now_ms();
        let also_grant = if grant && product.kind == ProductKind::Bundle {
            self.store.bundle_items(product.id).await?
        } else {
            Vec::new()
        };
        let settled = self
            .store
            .settle_order(&Settlement {
                order_id: order.id,
                buyer_id: order.buyer_id,
                product_id: order.product_id,
                payment,
                ledger,
                paid_at_ms,
                // A lesson bought alone grants that lesson, not its product.
                grant: grant && order.lesson_id.is_none(),
                also_grant,
                lesson: order.lesson_id.filter(|_| grant),
                gateway_fee,
                holding: grants.holding,
                subscription: grants.subscription,
            })
            .await?;
        self.holdings_changed();
        match settled {
            Settled::Granted => tracing::info!(order = %order.id, "order paid"),
            Settled::AlreadyHeld => {
                tracing::warn!(order = %order.id, "order paid for what its buyer held by then")
            }
        }
        let paid = Order {
            status: OrderStatus::Paid,
            paid_at_ms: Some(paid_at_ms),
            ..order.clone()
        };
        Ok((paid, settled))
    }

    /// Applies what a payment provider says happened to an order (a verified webhook, or
    /// the sandbox's delayed confirmation). Idempotent: an event seen before, or one about
    /// an order already settled, changes nothing.
    pub async fn handle_payment_event(
        &self,
        event: PaymentEvent,
    ) -> Result<EventOutcome, AppError> {
        if self.store.webhook_seen(&event.id).await? {
            return Ok(EventOutcome::Duplicate);
        }
        let order = self
            .store
            .order(event.order_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        if event.amount != order.total {
            return Err(AppError::WebhookRejected(format!(
                "amount {} {} does not match the order",
                event.amount.amount_minor,
                event.amount.currency.code()
            )));
        }
        let product = self
            .store
            .product(order.product_id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        let kind = match &event.kind {
            PaymentEventKind::Succeeded { .. } => "succeeded",
            PaymentEventKind::Failed { .. } => "failed",
            PaymentEventKind::PageExpired => "page_expired",
        };
        let payment =
            |succeeded: bool, reference: Option<String>, code: Option<String>| PaymentRecord {
                succeeded,
                provider_reference: reference,
                failure_code: code,
                ..PaymentRecord::attempt(&order, event.provider, String::new(), self.now_ms())
            };
        match (&event.kind, order.status) {
            (_, OrderStatus::Paid) => {}
            (PaymentEventKind::Succeeded { reference }, status) => {
                if matches!(status, OrderStatus::Pending | OrderStatus::Released) {
                    let now = self.now_ms();
                    // A payment started elsewhere (a provider's checkout page): take the
                    // order as this request's before settling it. The money is taken,
                    // so even a released order is booked (and refunded when held).
                    if self
                        .store
                        .claim_order(order.id, now, now - STALE_CLAIM_MS, Taking::ToRecord)
                        .await?
                        == Claim::AlreadyPaid
                    {
                        return Ok(EventOutcome::Applied);
                    }
                }
                let record = payment(true, Some(reference.clone()), None);
                // A membership paid on the provider's page renews with the card saved
                // there.
                let method = if product.kind == ProductKind::Membership
                    && event.provider == self.payments.name()
                {
                    self.payments.saved_method(reference).await?
                } else {
                    None
                };
                self.settle(&order, &product, record, method).await?;
            }
            (PaymentEventKind::Failed { code }, OrderStatus::Processing) => {
                self.store
                    .fail_payment(&payment(false, None, Some(code.clone())))
                    .await?;
                self.store.release_seat(order.id).await?;
            }
            (PaymentEventKind::Failed { .. }, _) => self.store.release_seat(order.id).await?,
            (PaymentEventKind::PageExpired, _) => self.store.page_expired(order.id).await?,
        }
        self.store
            .record_webhook(&event.id, event.provider, kind, self.now_ms())
            .await?;
        Ok(EventOutcome::Applied)
    }

    /// Verifies and applies a webhook delivery from the named provider. A delivery that
    /// does not verify is refused and logged, and changes nothing.
    pub async fn receive_webhook(
        &self,
        provider: &str,
        payload: &[u8],
        signature: Option<&str>,
    ) -> Result<EventOutcome, AppError> {
        let verifier = self
            .webhooks
            .iter()
            .find(|w| w.name() == provider)
            .ok_or(AppError::NotFound("webhook"))?;
        let event = match verifier.verify(payload, signature, self.now_ms()) {
            Ok(event) => event,
            Err(rejection) => {
                tracing::warn!(provider, %rejection, "webhook refused");
                return Err(AppError::WebhookRejected(rejection.to_string()));
            }
        };
        self.handle_payment_event(event).await
    }
}
