//! Memberships: a creator's tier (a product of kind `membership`) renews every month or
//! year and grants their other products. Access is entitlements: the subscription grants
//! them when a period is paid and takes them away when it ends, so every reader of
//! access (lessons, feeds, live rooms, search) sees the same answer.

use kenning_domain::DomainError;
use kenning_domain::account::Role;
use kenning_domain::audit::AuditAction;
use kenning_domain::catalog::{Product, ProductKind, ProductStatus};
use kenning_domain::ids::{OrderId, ProductId, SubscriptionId};
use kenning_domain::mail::MailMessage;
use kenning_domain::notification::Notice;
use kenning_domain::order::{Holding, Order, OrderStatus};
use kenning_domain::subscription::{
    Due, Interval, MembershipPlan, Subscription, SubscriptionStatus,
};

use crate::accounts::CurrentUser;
use crate::audit_log::Change;
use crate::ports::{ChargeOutcome, Claim, PaymentRecord, ProductFilter, Taking};
use crate::settlement::Grants;
use crate::{AppError, Kenning};

/// A subscription with its tier, for the person's library.
#[derive(Clone, Debug)]
pub struct Membership {
    pub subscription: Subscription,
    pub tier: Product,
    pub active: bool,
}

impl Kenning {
    /// Sets what a tier grants and how often it renews (its creator or an admin).
    pub async fn set_membership_plan(
        &self,
        user: &CurrentUser,
        id: ProductId,
        interval: Interval,
        all_of_creator: bool,
        products: Vec<ProductId>,
    ) -> Result<MembershipPlan, AppError> {
        let tier = self.editable_product(user, id).await?;
        if tier.kind != ProductKind::Membership || (!all_of_creator && products.is_empty()) {
            return Err(DomainError::InvalidMembership.into());
        }
        for product in &products {
            let granted = self
                .store
                .product(*product)
                .await?
                .ok_or(AppError::NotFound("product"))?;
            if granted.creator_id != tier.creator_id || granted.kind == ProductKind::Membership {
                return Err(DomainError::InvalidMembership.into());
            }
        }
        let plan = MembershipPlan {
            product_id: id,
            interval,
            all_of_creator,
            products,
        };
        self.store.set_plan(&plan).await?;
        self.catalog_changed(id).await;
        Ok(plan)
    }

    /// A published membership tier (or one the caller may not see is "not found").
    pub async fn product_for_plan(&self, id: ProductId) -> Result<Product, AppError> {
        match self.store.product(id).await? {
            Some(p) if p.kind == ProductKind::Membership => Ok(p),
            _ => Err(AppError::NotFound("membership")),
        }
    }

    /// A tier's plan; a tier never set up renews monthly and grants all of its creator's
    /// products.
    pub async fn membership_plan(&self, tier: &Product) -> Result<MembershipPlan, AppError> {
        Ok(self
            .store
            .plan(tier.id)
            .await?
            .unwrap_or_else(|| MembershipPlan {
                product_id: tier.id,
                interval: Interval::Monthly,
                all_of_creator: true,
                products: Vec::new(),
            }))
    }

    /// The published products a tier grants.
    pub async fn covered_products(&self, tier: &Product) -> Result<Vec<Product>, AppError> {
        let plan = self.membership_plan(tier).await?;
        let all = self
            .store
            .list_products(&ProductFilter {
                status: Some(ProductStatus::Published),
                creator_id: Some(tier.creator_id),
                limit: 1000,
                ..ProductFilter::default()
            })
            .await?;
        Ok(all.into_iter().filter(|p| plan.covers(tier, p)).collect())
    }

    /// A tier may not be bought again while its subscription still gives access.
    pub(crate) async fn check_not_subscribed(
        &self,
        user: &CurrentUser,
        tier: &Product,
    ) -> Result<(), AppError> {
        if tier.kind != ProductKind::Membership {
            return Ok(());
        }
        match self.store.subscription_of(tier.id, user.account.id).await? {
            Some(s) if s.grants_access(self.now_ms()) => Err(AppError::AlreadyOwned),
            _ => Ok(()),
        }
    }

    /// The subscription a paid first period starts (or restarts) and the products it
    /// grants; the settlement writes both with the sale.
    pub(crate) async fn membership_start(
        &self,
        order: &Order,
        tier: &Product,
        method: String,
    ) -> Result<(Subscription, Vec<ProductId>), AppError> {
        let plan = self.membership_plan(tier).await?;
        let mut subscription =
            Subscription::start(&plan, order.buyer_id, order.total, method, self.now_ms());
        if let Some(previous) = self.store.subscription_of(tier.id, order.buyer_id).await? {
            // Subscribing again reuses the record (one per person and tier).
            subscription.id = previous.id;
            subscription.created_at_ms = previous.created_at_ms;
        }
        let products = self
            .covered_products(tier)
            .await?
            .iter()
            .map(|p| p.id)
            .collect();
        Ok((subscription, products))
    }

    async fn grant_covered(&self, s: &Subscription, tier: &Product) -> Result<(), AppError> {
        let products: Vec<ProductId> = self
            .covered_products(tier)
            .await?
            .iter()
            .map(|p| p.id)
            .collect();
        self.store
            .grant_subscription(s, &products, self.now_ms())
            .await?;
        Ok(())
    }

    /// The person's memberships, newest first.
    pub async fn my_memberships(&self, user: &CurrentUser) -> Result<Vec<Membership>, AppError> {
        let now = self.now_ms();
        let mut out = Vec::new();
        // Tiers through the catalog cache: one read of the subscriptions, however many.
        for subscription in self.store.subscriptions_of(user.account.id).await? {
            let tier = match self.outline(subscription.plan_id).await {
                Ok(outline) => outline.product.clone(),
                Err(AppError::NotFound(_)) => continue,
                Err(e) => return Err(e),
            };
            out.push(Membership {
                active: subscription.grants_access(now),
                subscription,
                tier,
            });
        }
        Ok(out)
    }

    async fn my_subscription(
        &self,
        user: &CurrentUser,
        id: SubscriptionId,
    ) -> Result<Subscription, AppError> {
        match self.store.subscription(id).await? {
            Some(s) if s.account_id == user.account.id || user.account.role == Role::Admin => Ok(s),
            _ => Err(AppError::NotFound("subscription")),
        }
    }

    /// Cancels at period end: access lasts until then.
    pub async fn cancel_subscription(
        &self,
        user: &CurrentUser,
        id: SubscriptionId,
    ) -> Result<Subscription, AppError> {
        let s = self.my_subscription(user, id).await?.cancel()?;
        let now = self.now_ms();
        if s.grants_access(now) {
            self.store.save_subscription(&s, now).await?;
        } else {
            self.store.end_subscription(&s, now).await?;
            self.access_changed(s.account_id);
        }
        Ok(s)
    }

    /// Takes back a cancellation before the period ends.
    pub async fn resume_subscription(
        &self,
        user: &CurrentUser,
        id: SubscriptionId,
    ) -> Result<Subscription, AppError> {
        let now = self.now_ms();
        let s = self.my_subscription(user, id).await?.resume(now)?;
        self.store.save_subscription(&s, now).await?;
        Ok(s)
    }

    /// Offers one renewal job for every subscription with something due: a renewal, a
    /// retry or an ending. Each runs (and fails, and is retried) on its own, so one
    /// failed renewal never delays another; the job's key names the due moment, so
    /// overlapping sweeps never renew a period twice.
    pub(crate) async fn offer_renewals(&self) -> Result<usize, AppError> {
        let now = self.now_ms();
        let mut offered = 0;
        for s in self.store.due_subscriptions(now).await? {
            if let Some(due_at_ms) = s.due_at(now) {
                let job = kenning_domain::jobs::Job::Renew {
                    subscription: s.id,
                    due_at_ms,
                };
                if self.store.enqueue(&job, now, now).await?.is_some() {
                    offered += 1;
                }
            }
        }
        Ok(offered)
    }

    /// Renews, retries or ends one subscription, whatever is due for it now. Two nodes
    /// renewing one subscription at once share one order (its idempotency key is the
    /// period) and only one of them charges it.
    pub(crate) async fn renew_subscription(&self, id: SubscriptionId) -> Result<(), AppError> {
        let now = self.now_ms();
        let Some(s) = self.store.subscription(id).await? else {
            return Ok(());
        };
        match s.due(now) {
            Due::Nothing => {}
            Due::Expire => {
                let ended = s.expired();
                self.store.end_subscription(&ended, now).await?;
                self.access_changed(ended.account_id);
                tracing::info!(subscription = %ended.id, "membership ended");
                self.tell_member(&ended, |product, title| Notice::MembershipEnded {
                    product,
                    title,
                })
                .await?;
            }
            Due::Renew => self.renew(s).await?,
        }
        Ok(())
    }

    async fn renew(&self, s: Subscription) -> Result<(), AppError> {
        let Some(tier) = self.store.product(s.plan_id).await? else {
            return Ok(());
        };
        let now = self.now_ms();
        // A renewal is taxed where the member first paid, at today's rate, inside the
        // price they agreed to; an affiliate who brought the member earns on it too.
        let first = self
            .store
            .orders_of(s.account_id)
            .await?
            .into_iter()
            .rev()
            .find(|o| o.product_id == tier.id && o.status == OrderStatus::Paid);
        let referral = first.as_ref().and_then(|o| o.referral);
        let tax = match first.and_then(|o| o.tax) {
            Some(line) => {
                let rate = self.store.tax_rate(&line.country).await?;
                let rate_bps = rate.map_or(0, |r| r.rate_bps);
                let (_, amount) = kenning_domain::tax::apply(s.price, rate_bps, true)?;
                Some(kenning_domain::tax::TaxLine {
                    rate_bps,
                    amount,
                    ..line
                })
            }
            None => None,
        };
        let candidate = Order {
            tax,
            conversion: None,
            referral,
            id: OrderId::new(),
            buyer_id: s.account_id,
            product_id: tier.id,
            lesson_id: None,
            total: s.price,
            status: OrderStatus::Pending,
            idempotency_key: format!("renewal:{}:{}", s.id, s.period_end_ms),
            created_at_ms: now,
            paid_at_ms: None,
            coupon: None,
            discount_minor: 0,
        };
        let (order, _) = self.store.create_order(&candidate).await?;
        match self
            .store
            .claim_order(
                order.id,
                now,
                now - 5 * 60 * 1000,
                Taking::ToCharge(Holding::Nothing),
            )
            .await?
        {
            Claim::Claimed => {}
            // Another node is charging this period right now (a renewal is never
            // released: it holds nothing once).
            Claim::InProgress | Claim::AlreadyHeld => return Ok(()),
            // Charged before, but the process stopped before the period was extended:
            // extend it now (the paid order is the proof).
            Claim::AlreadyPaid => {
                let renewed = s.renewed();
                self.store.save_subscription(&renewed, now).await?;
                self.grant_covered(&renewed, &tier).await?;
                return Ok(());
            }
        }
        let outcome = self
            .payments
            .charge_method(&s.payment_method, order.total, &order.id.to_string())
            .await;
        let mut payment = PaymentRecord::attempt(&order, self.payments.name(), String::new(), now);
        match outcome {
            Ok(ChargeOutcome::Succeeded { reference }) => {
                payment.succeeded = true;
                payment.provider_reference = Some(reference);
                let renewed = s.renewed();
                // Settle as a plain sale (the subscription is extended here, not
                // restarted), then the new period, then any products added since.
                self.book_sale(&order, &tier, payment, Grants::nothing())
                    .await?;
                self.store.save_subscription(&renewed, now).await?;
                self.grant_covered(&renewed, &tier).await?;
                tracing::info!(subscription = %renewed.id, "membership renewed");
                // The bell says so; the receipt (with its PDF) goes by mail.
                let amount = order.total;
                self.tell_member(&renewed, |product, title| Notice::Renewed {
                    product,
                    title,
                    amount,
                    order: order.id,
                })
                .await?;
                if let Some(member) = self.store.account_by_id(renewed.account_id).await? {
                    self.mail_to(&member, MailMessage::Receipt { order: order.id })
                        .await?;
                }
            }
            // The provider could not be asked: nothing was decided. The order is
            // released and the job tries again later with the same key.
            Err(e) if e.is_transient() => {
                let error = AppError::PaymentProvider(e);
                payment.failure_code = Some(error.code().to_owned());
                self.store.fail_payment(&payment).await?;
                tracing::warn!(subscription = %s.id, error = %error, "renewal postponed");
                return Err(error);
            }
            Ok(ChargeOutcome::Declined(_) | ChargeOutcome::Pending { .. }) | Err(_) => {
                payment.failure_code = Some("renewal_failed".to_owned());
                self.store.fail_payment(&payment).await?;
                let first_failure = s.status == SubscriptionStatus::Active;
                let failed = s.renewal_failed(now);
                self.store.save_subscription(&failed, now).await?;
                tracing::warn!(subscription = %failed.id, "membership renewal failed");
                // Told once, at the first failure; the retries follow quietly.
                if first_failure {
                    let until_ms = failed.grace_until_ms.unwrap_or(failed.period_end_ms);
                    self.tell_member(&failed, |product, title| Notice::RenewalFailed {
                        product,
                        title,
                        until_ms,
                    })
                    .await?;
                }
            }
        }
        Ok(())
    }

    /// Tells a subscription's member of what happened to it, naming the tier in their
    /// language.
    async fn tell_member(
        &self,
        s: &Subscription,
        notice: impl FnOnce(ProductId, String) -> Notice,
    ) -> Result<(), AppError> {
        match self.store.product(s.plan_id).await? {
            Some(tier) => self.notify_about(s.account_id, &tier, notice).await,
            None => Ok(()),
        }
    }

    /// Moves a test clock forward and runs what became due (operators; only when the
    /// server runs with a test clock).
    pub async fn advance_clock(&self, user: &CurrentUser, ms: i64) -> Result<i64, AppError> {
        if user.account.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let before = self.now_ms();
        if !self.clock.advance(ms) {
            return Err(AppError::NotFound("test clock"));
        }
        let change = Change::of("clock")
            .before(serde_json::json!({"now_ms": before}))
            .after(serde_json::json!({"now_ms": self.now_ms()}));
        self.audit(Some(user), AuditAction::ClockAdvanced, change)
            .await?;
        // What became due runs now rather than at the workers' next look, so the
        // operator moving the clock sees its effect at once.
        self.offer_renewals().await?;
        self.offer_question_refunds().await?;
        self.send_reminders().await?;
        self.drain_jobs("test-clock").await?;
        Ok(self.now_ms())
    }
}
