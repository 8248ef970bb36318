//! Buying: idempotent orders, payment through the provider, settlement.

use kenning_domain::DomainError;
use kenning_domain::account::Email;
use kenning_domain::bundle::{BundleItem, bundle_price};
use kenning_domain::catalog::{Product, ProductKind};
use kenning_domain::coupon::CouponCode;
use kenning_domain::gift::{Gift, gift_message};
use kenning_domain::ids::{LessonId, OrderId, ProductId};
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::{CardNumber, Holding, IdempotencyKey, Order, OrderStatus};
use kenning_domain::question::{Question, question_text};
use kenning_domain::sale::price_now;
use kenning_domain::tax::Country;

use crate::accounts::CurrentUser;
use crate::ports::{
    ChargeOutcome, ChargeRequest, Claim, HostedCheckoutRequest, PaymentEvent, PaymentEventKind,
    PaymentRecord, Settled, StoreError, Taking,
};
use crate::{AppError, Kenning};

/// A processing claim older than this is considered abandoned (the process died while
/// charging) and may be taken again. Providers receive the order id as idempotency key,
/// so a retry after such a crash does not charge twice.
pub(crate) const STALE_CLAIM_MS: i64 = 5 * 60 * 1000;

/// How long a live session's seat is held for a buyer paying with a card here: longer
/// than any charge (and a stale claim) takes.
const SEAT_HOLD_MS: i64 = 15 * 60 * 1000;

/// How long a seat is held for a buyer sent to the provider's own page: as long as that
/// page can be paid (a Stripe Checkout Session lasts a day unless told otherwise). The
/// page's expiry event frees the seat at once.
const HOSTED_SEAT_HOLD_MS: i64 = 24 * 60 * 60 * 1000;

/// How long the sandbox's bank takes to confirm a "confirms later" card.
const SANDBOX_CONFIRM_MS: u64 = 1500;

/// What became of a payment event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventOutcome {
    Applied,
    /// Delivered before: nothing changed.
    Duplicate,
}

/// Which of a product's prices the buyer pays.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CurrencyChoice {
    /// Exactly this currency, or refuse (`not_priced_in_currency`).
    Exactly(Currency),
    /// This currency when the product is priced in it, else the product's first price.
    Prefer(Currency),
}

/// An order with the product it buys.
#[derive(Clone, Debug)]
pub struct OrderView {
    pub order: Order,
    pub product: Product,
}

/// Everything a buyer says when ordering.
#[derive(Clone, Copy, Debug)]
pub struct OrderRequest<'a> {
    pub product_id: ProductId,
    /// One lesson of the product, bought on its own (按需付费).
    pub lesson_id: Option<LessonId>,
    pub currency: CurrencyChoice,
    pub idempotency_key: &'a str,
    pub coupon: Option<&'a str>,
    pub gift: Option<GiftRequest<'a>>,
    /// Where the buyer is, for tax on digital goods.
    pub country: &'a Country,
    /// The referral code the buyer came with (an affiliate link) and when they came.
    pub referral: Option<(&'a str, i64)>,
    /// The question, when buying a consultation (a paid question, 付费问答).
    pub question: Option<&'a str>,
}

/// Buying for someone else: their e-mail and a message.
#[derive(Clone, Copy, Debug)]
pub struct GiftRequest<'a> {
    pub to: &'a str,
    pub message: &'a str,
}

/// Where a buyer goes once they paid from the site.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum AfterPayment {
    /// The bank confirms later: the order page waits for it.
    Processing,
    /// A gift: its claim page, with the code to pass on.
    Gift(String),
    /// A lesson bought on its own: the lesson.
    Lesson(LessonId),
    /// A paid question: the person's questions.
    Question,
    /// Anything else: the product, now theirs.
    Product(ProductId),
}

impl Kenning {
    /// What this person pays for a bundle, given what of it they own.
    pub async fn bundle_price_for(
        &self,
        user: &CurrentUser,
        bundle: &Product,
        price: Money,
    ) -> Result<Money, AppError> {
        let mut items = Vec::new();
        for id in self.store.bundle_items(bundle.id).await? {
            let Some(item) = self.store.product(id).await? else {
                continue;
            };
            items.push(BundleItem {
                price: item.prices.in_currency(price.currency),
                owned: self.store.is_entitled(user.account.id, id).await?,
            });
        }
        Ok(bundle_price(price, &items)?)
    }

    /// Creates an order for one product in the chosen currency, with a coupon if one is
    /// given, and tax for the buyer's country. The same idempotency key from the same
    /// buyer returns the same order; the same key for another product, currency or coupon
    /// is refused. A coupon's use is taken when the order is made, atomically, so its
    /// limit is never passed.
    pub async fn create_order(
        &self,
        user: &CurrentUser,
        request: OrderRequest<'_>,
    ) -> Result<(Order, bool), AppError> {
        let OrderRequest {
            product_id,
            lesson_id,
            currency,
            idempotency_key,
            coupon,
            gift,
            country,
            referral,
            question,
        } = request;

        let gift = match gift {
            Some(g) => Some((Email::parse(g.to)?, gift_message(g.message))),
            None => None,
        };
        // A gift to oneself would be a purchase that escapes the rule that nobody pays
        // for what they hold (its recipient may hold it, and keep it unclaimed).
        if gift
            .as_ref()
            .is_some_and(|(to, _)| *to == user.account.email)
        {
            return Err(AppError::GiftToSelf);
        }
        let key = IdempotencyKey::parse(idempotency_key)?;
        let product = self
            .store
            .product(product_id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if !product.is_published() {
            return Err(AppError::NotFound("product"));
        }
        if product.is_free() {
            return Err(AppError::ProductIsFree);
        }
        self.check_seats(&product).await?;
        if gift.is_some() && product.kind == ProductKind::Membership {
            return Err(DomainError::InvalidMembership.into());
        }
        if gift.is_some() && product.kind == ProductKind::Bundle {
            return Err(DomainError::InvalidBundle.into());
        }
        // What the buyer gets is held once (not a gift, not a question: a member whose
        // membership includes a desk may still buy a question past their allowance).
        let holds_once = gift.is_none() && product.kind != ProductKind::Consultation;
        // A consultation is bought once per question, which the order must carry.
        let question = match product.kind {
            ProductKind::Consultation => Some(question_text(question.unwrap_or_default())?),
            _ => None,
        };
        if question.is_some() && (gift.is_some() || lesson_id.is_some()) {
            return Err(DomainError::InvalidQuestion.into());
        }
        if gift.is_none() {
            self.check_not_subscribed(user, &product).await?;
        }
        let coupon: Option<CouponCode> = match coupon.map(str::trim) {
            Some(raw) if !raw.is_empty() => Some(raw.parse()?),
            _ => None,
        };
        let (offer, price) = match lesson_id {
            // A lesson alone has its own price: no sale, coupon or gift applies.
            Some(lesson) => {
                if gift.is_some() || coupon.is_some() {
                    return Err(DomainError::CouponNotApplicable.into());
                }
                let prices = self.lesson_price_list(&product, lesson).await?;
                if self.owns_lesson(user, &product, lesson).await? {
                    return Err(AppError::AlreadyOwned);
                }
                let offer = self.offer_from(&prices, currency).await?;
                (offer, offer.price)
            }
            None => {
                let offer = self.offer(&product, currency).await?;
                // A running sale lowers the list price; coupons apply on top of it.
                let price = price_now(
                    offer.price,
                    self.store.sale(product_id).await?,
                    self.now_ms(),
                );
                // Someone who owns part of a bundle pays for the rest.
                let price = if product.kind == ProductKind::Bundle {
                    self.bundle_price_for(user, &product, price).await?
                } else {
                    price
                };
                (offer, price)
            }
        };
        let same_request = |order: &Order| {
            order.product_id == product_id
                && order.lesson_id == lesson_id
                && order.total.currency == price.currency
                && order.coupon == coupon
        };
        // A retried request gets its order back before anything is checked or spent.
        if let Some(existing) = self
            .store
            .order_by_key(user.account.id, key.as_str())
            .await?
        {
            // A gift's recipient is part of the request too.
            let recipient = self
                .store
                .gift_of_order(existing.id)
                .await?
                .map(|g| g.recipient);
            let same_gift = recipient.as_ref() == gift.as_ref().map(|(to, _)| to);
            return if same_request(&existing) && same_gift {
                Ok((existing, false))
            } else {
                Err(AppError::IdempotencyKeyReused)
            };
        }
        let (total, discount_minor) = match &coupon {
            Some(code) => {
                let found = self
                    .store
                    .coupon(code)
                    .await?
                    .ok_or(DomainError::UnknownCoupon)?;
                let off = found.discount_for(&product, price, self.now_ms())?;
                // Spend no use of the coupon on an order that would be refused.
                if holds_once && self.store.is_entitled(user.account.id, product_id).await? {
                    return Err(AppError::AlreadyOwned);
                }
                (price.checked_sub(off)?, off.amount_minor)
            }
            None => (price, 0),
        };
        let taxed = self.taxed(total, country).await?;
        let candidate = Order {
            coupon: coupon.clone(),
            discount_minor,
            tax: Some(taxed.line),
            conversion: offer.conversion,
            referral: self
                .referral_for(referral, user.account.id, &product)
                .await?,
            id: OrderId::new(),
            buyer_id: user.account.id,
            product_id,
            lesson_id,
            total: taxed.total,
            status: OrderStatus::Pending,
            idempotency_key: key.as_str().to_owned(),
            created_at_ms: self.now_ms(),
            paid_at_ms: None,
        };
        let (order, created) = match self.store.create_order(&candidate).await {
            Err(StoreError::Conflict) => return Err(DomainError::CouponExhausted.into()),
            other => other?,
        };
        if !same_request(&order) {
            return Err(AppError::IdempotencyKeyReused);
        }
        if let (true, Some(body)) = (created, question) {
            self.store
                .insert_question(&Question::asked(
                    Some(order.id),
                    product_id,
                    product.creator_id,
                    user.account.id,
                    body,
                    self.now_ms(),
                ))
                .await?;
        }
        if let (true, Some((recipient, message))) = (created, gift) {
            self.store
                .insert_gift(&Gift {
                    code: crate::accounts::random_token()?,
                    order_id: order.id,
                    product_id,
                    buyer_id: user.account.id,
                    recipient,
                    message,
                    claimed_by: None,
                    claimed_at_ms: None,
                    created_at_ms: self.now_ms(),
                })
                .await?;
        } else if created
            && holds_once
            && self.store.is_entitled(user.account.id, product_id).await?
        {
            // The order row is harmless (pending, never payable twice); refuse the sale.
            return Err(AppError::AlreadyOwned);
        }
        Ok((order, created))
    }

    /// An order of this person's. Someone else's order is "not found".
    pub async fn my_order(&self, user: &CurrentUser, id: OrderId) -> Result<OrderView, AppError> {
        self.order_seen_by(user, id, false).await
    }

    /// An order its buyer (and, with `operators_too`, an operator) may see; for anyone
    /// else it is "not found".
    pub(crate) async fn order_seen_by(
        &self,
        user: &CurrentUser,
        id: OrderId,
        operators_too: bool,
    ) -> Result<OrderView, AppError> {
        let view = self.order_view(id).await?;
        let operator = operators_too && user.account.role == kenning_domain::account::Role::Admin;
        if view.order.buyer_id != user.account.id && !operator {
            return Err(AppError::NotFound("order"));
        }
        Ok(view)
    }

    /// An order and what it bought, whoever asks (callers check who may see it); a
    /// missing product reads as a missing order.
    pub(crate) async fn order_view(&self, id: OrderId) -> Result<OrderView, AppError> {
        let order = self
            .store
            .order(id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        let product = self
            .store
            .product(order.product_id)
            .await?
            .ok_or(AppError::NotFound("order"))?;
        Ok(OrderView { order, product })
    }

    /// An order of this person's as its checkout page shows it: a pending order for
    /// what they hold by now (bought in another tab, say) is released first, so the page
    /// offers no payment that would be refused.
    pub async fn order_to_pay(
        &self,
        user: &CurrentUser,
        id: OrderId,
    ) -> Result<OrderView, AppError> {
        let view = self.my_order(user, id).await?;
        if view.order.status != OrderStatus::Pending {
            return Ok(view);
        }
        let holding = self.holding_of(&view.order, &view.product).await?;
        if holding != Holding::Nothing
            && self
                .store
                .release_if_held(id, holding, self.now_ms())
                .await?
        {
            return self.my_order(user, id).await;
        }
        Ok(view)
    }

    pub async fn my_orders(&self, user: &CurrentUser) -> Result<Vec<Order>, AppError> {
        Ok(self.store.orders_of(user.account.id).await?)
    }

    /// Pays an order with a card from the site, and says where the buyer goes next.
    pub async fn pay_from_site(
        &self,
        user: &CurrentUser,
        id: OrderId,
        card_number: &str,
    ) -> Result<AfterPayment, AppError> {
        let order = self.pay(user, id, card_number).await?;
        if order.status == OrderStatus::Processing {
            return Ok(AfterPayment::Processing);
        }
        if let Some(code) = self.gift_of_order(user, order.id).await? {
            return Ok(AfterPayment::Gift(code));
        }
        Ok(match order.lesson_id {
            Some(lesson) => AfterPayment::Lesson(lesson),
            None if self.is_question_order(&order).await? => AfterPayment::Question,
            None => AfterPayment::Product(order.product_id),
        })
    }

    /// Pays an order with a card. Paying a paid order returns it unchanged and charges
    /// nothing; a concurrent second attempt is refused while the first runs.
    pub async fn pay(
        &self,
        user: &CurrentUser,
        id: OrderId,
        card_number: &str,
    ) -> Result<Order, AppError> {
        let view = self.my_order(user, id).await?;
        if view.order.status == OrderStatus::Paid {
            return Ok(view.order);
        }
        if !self.payments.takes_cards() {
            return Err(AppError::PayOnProviderPage);
        }
        if view.order.status == OrderStatus::Released {
            return Err(AppError::AlreadyOwned);
        }
        let card = CardNumber::parse(card_number)?;
        self.hold_seat(&view.order, &view.product, SEAT_HOLD_MS)
            .await?;
        let now = self.now_ms();
        // Nobody pays for what they hold: checked on the buyer's turn, as the order is
        // taken, so two tabs (or a stale order) cannot both charge.
        let holding = self.holding_of(&view.order, &view.product).await?;
        match self
            .store
            .claim_order(id, now, now - STALE_CLAIM_MS, Taking::ToCharge(holding))
            .await?
        {
            Claim::Claimed => {}
            Claim::InProgress => return Err(AppError::PaymentInProgress),
            Claim::AlreadyPaid => return self.my_order(user, id).await.map(|v| v.order),
            Claim::AlreadyHeld => return Err(AppError::AlreadyOwned),
        }
        let order = view.order;
        let last4 = card.last4().to_owned();
        let card_for_method = card.clone();
        let outcome = self
            .payments
            .charge(ChargeRequest {
                order_id: order.id,
                amount: order.total,
                card,
                idempotency_key: order.id.to_string(),
            })
            .await;
        let mut payment =
            PaymentRecord::attempt(&order, self.payments.name(), last4, self.now_ms());
        match outcome {
            Ok(ChargeOutcome::Succeeded { reference }) => {
                payment.succeeded = true;
                payment.provider_reference = Some(reference);
                let method = self.payments.payment_method(&card_for_method);
                match self
                    .settle(&order, &view.product, payment, Some(method))
                    .await?
                {
                    (paid, Settled::Granted) => Ok(paid),
                    // Held by now (a gift claimed, a bundle bought meanwhile): refunded.
                    (_, Settled::AlreadyHeld) => Err(AppError::AlreadyOwned),
                }
            }
            Ok(ChargeOutcome::Pending { reference }) => {
                // The order stays claimed (processing) until the provider's event says
                // how it ended. The sandbox's bank answers a moment later, through the
                // same path a provider's webhook takes.
                if self.payments.name() == "sandbox" {
                    let app = self.clone();
                    let event = PaymentEvent {
                        id: format!("sbx_evt_{}", order.id),
                        provider: "sandbox",
                        order_id: order.id,
                        amount: order.total,
                        kind: PaymentEventKind::Succeeded { reference },
                    };
                    tokio::spawn(async move {
                        tokio::time::sleep(std::time::Duration::from_millis(SANDBOX_CONFIRM_MS))
                            .await;
                        if let Err(e) = app.handle_payment_event(event).await {
                            tracing::error!(error = %e, "sandbox confirmation failed");
                        }
                    });
                }
                Ok(Order {
                    status: OrderStatus::Processing,
                    ..order
                })
            }
            Ok(ChargeOutcome::Declined(reason)) => {
                let error = AppError::PaymentDeclined(reason);
                payment.failure_code = Some(error.code().to_owned());
                self.store.fail_payment(&payment).await?;
                self.store.release_seat(order.id).await?;
                Err(error)
            }
            Err(provider_error) => {
                // Nothing was taken: the order is released for another try (with the
                // same idempotency key, so a charge that did go through is not repeated).
                let error = AppError::PaymentProvider(provider_error);
                payment.failure_code = Some(error.code().to_owned());
                self.store.fail_payment(&payment).await?;
                self.store.release_seat(order.id).await?;
                Err(error)
            }
        }
    }

    /// Whether buyers type a card on Kenning's checkout page (else they pay on the
    /// provider's own page, [`Kenning::hosted_checkout`]).
    pub fn takes_cards(&self) -> bool {
        self.payments.takes_cards()
    }

    /// Opens the provider's payment page for an order and answers where to send the
    /// buyer; `None` when the order is already paid. `site` is the address the buyer
    /// reached Kenning at: the provider sends them back to the order page there. The
    /// order stays pending: the provider's event settles it (and the provider, keyed by
    /// the order, shows the same page to a buyer who starts twice, so it is paid once).
    pub async fn hosted_checkout(
        &self,
        user: &CurrentUser,
        id: OrderId,
        locale: kenning_domain::locale::Locale,
        site: &str,
    ) -> Result<Option<String>, AppError> {
        let view = self.my_order(user, id).await?;
        if view.order.status == OrderStatus::Paid {
            return Ok(None);
        }
        if self.payments.takes_cards() {
            return Err(AppError::NoHostedCheckout);
        }
        // No payment page for what the buyer holds (a second tab, a stale order).
        let holding = self.holding_of(&view.order, &view.product).await?;
        if self
            .store
            .release_if_held(id, holding, self.now_ms())
            .await?
        {
            return Err(AppError::AlreadyOwned);
        }
        self.hold_seat(&view.order, &view.product, HOSTED_SEAT_HOLD_MS)
            .await?;
        let back = format!("{}/orders/{id}", site.trim_end_matches('/'));
        let opened = self
            .payments
            .hosted_checkout(HostedCheckoutRequest {
                order_id: id,
                amount: view.order.total,
                description: view.product.title.get(locale),
                customer_email: user.account.email.as_str(),
                save_card: view.product.kind == ProductKind::Membership,
                expired_pages: self.store.expired_pages(id).await?,
                success_url: &format!("{back}?paying=1"),
                cancel_url: &back,
            })
            .await;
        let page = match opened {
            Ok(page) => page,
            Err(e) => {
                self.store.release_seat(id).await?;
                return Err(e.into());
            }
        };
        tracing::info!(order = %id, session = %page.reference, "hosted checkout opened");
        Ok(Some(page.url))
    }

    /// Adds a free product to the person's library.
    pub async fn claim_free(&self, user: &CurrentUser, id: ProductId) -> Result<(), AppError> {
        let product = self
            .store
            .product(id)
            .await?
            .ok_or(AppError::NotFound("product"))?;
        if !product.is_published() {
            return Err(AppError::NotFound("product"));
        }
        if !product.is_free() {
            return Err(AppError::NotForSale);
        }
        self.store
            .grant_entitlement(user.account.id, id, "free", self.now_ms())
            .await?;
        self.holdings_changed();
        Ok(())
    }
}
