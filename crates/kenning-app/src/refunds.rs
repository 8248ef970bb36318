//! Refunds, full or partial: by the product's creator within the refund window, or by an
//! operator at any time. The provider gives the money back first; then the refund, its
//! reversing ledger entries and (for a full refund) the loss of access are written in
//! one transaction.

use kenning_domain::DomainError;
use kenning_domain::account::Role;
use kenning_domain::audit::AuditAction;
use kenning_domain::ids::{OrderId, RefundId};
use kenning_domain::ledger;
use kenning_domain::money::Money;
use kenning_domain::order::{self, Order, OrderStatus};

use crate::accounts::CurrentUser;
use crate::audit_log::{Change, money_json};
use crate::ports::{RefundRecord, StoreError};
use crate::{AppError, Kenning};

const DAY_MS: i64 = 86_400_000;
/// A refund claim older than this was abandoned (the process died while the provider was
/// asked) and may be taken again; providers get the refund id as idempotency key.
const STALE_REFUND_CLAIM_MS: i64 = 5 * 60 * 1000;
/// Longest reason kept with a refund.
const MAX_REASON_CHARS: usize = 500;

/// How much of an order to refund.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RefundAmount<'a> {
    /// All that is left.
    Rest,
    /// In minor units (cents).
    Minor(i64),
    /// As a person typed it, in major units of the order's currency ("4.50").
    Major(&'a str),
}

/// An order and how much of it was refunded.
#[derive(Clone, Debug)]
pub struct RefundedOrder {
    pub order: Order,
    pub refunded: Money,
}

impl Kenning {
    /// How much of an order was refunded.
    pub async fn refunded(&self, order: &Order) -> Result<Money, AppError> {
        let minor = self.store.refunded_total(order.id).await?;
        Ok(Money::new(minor, order.total.currency))
    }

    /// Paid orders of the creator's products (every product's for operators), newest
    /// first, with what was refunded: what a seller refunds from.
    pub async fn my_sales(
        &self,
        user: &CurrentUser,
    ) -> Result<Vec<crate::ports::SaleLine>, AppError> {
        let creator = match user.account.role {
            Role::Admin => None,
            _ if user.account.role.can_create_products() => Some(user.account.id),
            _ => return Err(AppError::Forbidden),
        };
        Ok(self.store.sales(creator, 200).await?)
    }

    /// Refunds `amount` of a paid order.
    pub async fn refund_order(
        &self,
        user: &CurrentUser,
        id: OrderId,
        amount: RefundAmount<'_>,
        reason: &str,
    ) -> Result<RefundedOrder, AppError> {
        let crate::checkout::OrderView { order, product } = self.order_view(id).await?;
        let is_admin = user.account.role == Role::Admin;
        if !is_admin && product.creator_id != user.account.id {
            // Other people's orders do not exist, as far as they can tell.
            return Err(AppError::NotFound("order"));
        }
        if order.status != OrderStatus::Paid {
            return Err(AppError::NotRefundable);
        }
        let window_ms = self.settings.refund_window_days.saturating_mul(DAY_MS);
        let paid_at = order.paid_at_ms.unwrap_or(order.created_at_ms);
        if !is_admin && self.now_ms() > paid_at.saturating_add(window_ms) {
            return Err(AppError::RefundWindowClosed {
                days: self.settings.refund_window_days,
            });
        }
        let amount_minor = match amount {
            RefundAmount::Rest => None,
            RefundAmount::Minor(minor) => Some(minor),
            RefundAmount::Major(text) => {
                Some(Money::parse_major(text, order.total.currency)?.amount_minor)
            }
        };
        self.claim_and_refund(user, &order, amount_minor, reason)
            .await
    }

    /// Refunds an order the caller has already been allowed to refund: takes the
    /// order's refund claim, asks the provider, writes the books.
    pub(crate) async fn claim_and_refund(
        &self,
        user: &CurrentUser,
        order: &Order,
        amount_minor: Option<i64>,
        reason: &str,
    ) -> Result<RefundedOrder, AppError> {
        let reason: String = kenning_domain::text::strip(reason, kenning_domain::text::Lines::Many)
            .trim()
            .chars()
            .take(MAX_REASON_CHARS)
            .collect();
        // One refund of an order at a time: the provider is asked only for what the
        // books will take.
        let now = self.now_ms();
        if !self
            .store
            .claim_refund(order.id, now, now - STALE_REFUND_CLAIM_MS)
            .await?
        {
            return Err(AppError::RefundInProgress);
        }
        let outcome = self.refund_claimed(user, order, amount_minor, reason).await;
        if outcome.is_err() {
            self.store.release_refund(order.id).await?;
        }
        outcome
    }

    /// The refund itself, with the order claimed.
    async fn refund_claimed(
        &self,
        user: &CurrentUser,
        order: &Order,
        amount_minor: Option<i64>,
        reason: String,
    ) -> Result<RefundedOrder, AppError> {
        let before = self.refunded(order).await?;
        let remaining = order::refundable_remainder(order.total, before)?;
        let amount = Money::new(
            amount_minor.unwrap_or(remaining.amount_minor),
            order.total.currency,
        );
        // Reverse the sale as it was booked, whatever the rules are now.
        let sale = self.store.sale_postings(order.id).await?;
        let entries = ledger::refund(order.id, &sale, before, amount)?;
        let refund_id = RefundId::new();
        let charge = self
            .store
            .payment_reference(order.id)
            .await?
            .ok_or(AppError::NotRefundable)?;
        let provider_reference = self
            .payments
            .refund(&charge, amount, &refund_id.to_string())
            .await?;
        let full = amount == remaining;
        let record = RefundRecord {
            id: refund_id,
            order_id: order.id,
            amount,
            reason,
            actor_id: user.account.id,
            provider_reference,
            created_at_ms: self.now_ms(),
        };
        let revoke = full.then_some((order.buyer_id, order.product_id));
        match self
            .store
            .record_refund(&record, order.total, &entries, revoke)
            .await
        {
            // Cannot happen while the claim is held; refuse rather than over-refund.
            Err(StoreError::Conflict) => return Err(DomainError::InvalidRefundAmount.into()),
            other => other?,
        }
        if full {
            self.access_changed(order.buyer_id);
        }
        tracing::info!(order = %order.id, amount = amount.amount_minor, full, "order refunded");
        let change = Change::of(format!("order:{}", order.id))
            .before(serde_json::json!({"refunded": money_json(before)}))
            .after(serde_json::json!({
                "refund": record.id.to_string(),
                "amount": money_json(amount),
                "refunded": money_json(before.checked_add(amount)?),
                "access_revoked": full,
            }))
            .reason(&record.reason);
        self.audit(Some(user), AuditAction::OrderRefunded, change)
            .await?;
        self.notify_one(
            order.buyer_id,
            kenning_domain::notification::Notice::OrderRefunded {
                order: order.id,
                amount,
            },
        )
        .await?;
        Ok(RefundedOrder {
            refunded: before.checked_add(amount)?,
            order: order.clone(),
        })
    }
}
