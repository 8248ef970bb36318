//! Memberships (订阅/会员): a tier is a product of kind `membership` that grants other
//! products for as long as its subscription is paid up. Renewal at period end, cancel at
//! period end, a failed renewal leaves a grace period, then access ends.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::catalog::{Product, ProductKind};
use crate::ids::{AccountId, ProductId, SubscriptionId};
use crate::money::Money;

const DAY_MS: i64 = 86_400_000;
/// How long access lasts after a renewal fails, while it is retried.
pub const GRACE_MS: i64 = 3 * DAY_MS;
/// How often a failed renewal is tried again during the grace period.
pub const RETRY_MS: i64 = DAY_MS / 4;

/// How often a membership renews. A month is 30 days and a year 365, so every period of
/// a tier is the same length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Interval {
    Monthly,
    Yearly,
}

impl Interval {
    pub fn as_str(self) -> &'static str {
        match self {
            Interval::Monthly => "monthly",
            Interval::Yearly => "yearly",
        }
    }

    pub fn period_ms(self) -> i64 {
        match self {
            Interval::Monthly => 30 * DAY_MS,
            Interval::Yearly => 365 * DAY_MS,
        }
    }
}

impl FromStr for Interval {
    type Err = DomainError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "monthly" => Ok(Interval::Monthly),
            "yearly" => Ok(Interval::Yearly),
            _ => Err(DomainError::InvalidMembership),
        }
    }
}

/// What a tier grants.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MembershipPlan {
    pub product_id: ProductId,
    pub interval: Interval,
    /// Everything its creator publishes, now and later.
    pub all_of_creator: bool,
    /// Or these products (of the same creator).
    pub products: Vec<ProductId>,
}

impl MembershipPlan {
    /// Does the tier (`tier`, the membership product) grant `product`?
    pub fn covers(&self, tier: &Product, product: &Product) -> bool {
        product.id != tier.id
            && product.kind != ProductKind::Membership
            && product.creator_id == tier.creator_id
            && (self.all_of_creator || self.products.contains(&product.id))
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubscriptionStatus {
    /// Paid up; renews at period end.
    Active,
    /// The last renewal failed; access lasts until the grace period ends.
    PastDue,
    /// Cancelled by the member: access lasts until period end, then it expires.
    Canceled,
    /// Over: no access. Subscribing again starts a new period.
    Expired,
}

impl SubscriptionStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            SubscriptionStatus::Active => "active",
            SubscriptionStatus::PastDue => "past_due",
            SubscriptionStatus::Canceled => "canceled",
            SubscriptionStatus::Expired => "expired",
        }
    }

    pub fn parse(s: &str) -> Option<SubscriptionStatus> {
        [
            SubscriptionStatus::Active,
            SubscriptionStatus::PastDue,
            SubscriptionStatus::Canceled,
            SubscriptionStatus::Expired,
        ]
        .into_iter()
        .find(|st| st.as_str() == s)
    }
}

/// One person's membership of one tier.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subscription {
    pub id: SubscriptionId,
    pub plan_id: ProductId,
    pub account_id: AccountId,
    /// What each period costs, in the currency first paid.
    pub price: Money,
    pub interval: Interval,
    pub status: SubscriptionStatus,
    pub period_end_ms: i64,
    pub grace_until_ms: Option<i64>,
    pub retry_at_ms: Option<i64>,
    /// The provider's saved payment method, charged at renewal.
    pub payment_method: String,
    pub created_at_ms: i64,
}

/// What is due for a subscription now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Due {
    Nothing,
    /// Charge the next period.
    Renew,
    /// Access ends.
    Expire,
}

impl Subscription {
    /// The first period, just paid.
    pub fn start(
        plan: &MembershipPlan,
        account_id: AccountId,
        price: Money,
        payment_method: String,
        now_ms: i64,
    ) -> Subscription {
        Subscription {
            id: SubscriptionId::new(),
            plan_id: plan.product_id,
            account_id,
            price,
            interval: plan.interval,
            status: SubscriptionStatus::Active,
            period_end_ms: now_ms.saturating_add(plan.interval.period_ms()),
            grace_until_ms: None,
            retry_at_ms: None,
            payment_method,
            created_at_ms: now_ms,
        }
    }

    /// Does it grant access at `now_ms`?
    pub fn grants_access(&self, now_ms: i64) -> bool {
        match self.status {
            SubscriptionStatus::Active | SubscriptionStatus::Canceled => {
                now_ms < self.period_end_ms
            }
            SubscriptionStatus::PastDue => self.grace_until_ms.is_some_and(|g| now_ms < g),
            SubscriptionStatus::Expired => false,
        }
    }

    pub fn due(&self, now_ms: i64) -> Due {
        match self.status {
            SubscriptionStatus::Active if now_ms >= self.period_end_ms => Due::Renew,
            SubscriptionStatus::PastDue if !self.grants_access(now_ms) => Due::Expire,
            SubscriptionStatus::PastDue if self.retry_at_ms.is_none_or(|r| now_ms >= r) => {
                Due::Renew
            }
            SubscriptionStatus::Canceled if now_ms >= self.period_end_ms => Due::Expire,
            _ => Due::Nothing,
        }
    }

    /// When what is due now became due (`None` when nothing is): the period's end, the
    /// retry time of a failed renewal, or the end of grace. Names one renewal or ending,
    /// so it is done once however many times it is looked for.
    pub fn due_at(&self, now_ms: i64) -> Option<i64> {
        match (self.due(now_ms), self.status) {
            (Due::Nothing, _) => None,
            (Due::Expire, SubscriptionStatus::PastDue) => {
                Some(self.grace_until_ms.unwrap_or(self.period_end_ms))
            }
            (Due::Renew, SubscriptionStatus::PastDue) => {
                Some(self.retry_at_ms.unwrap_or(self.period_end_ms))
            }
            _ => Some(self.period_end_ms),
        }
    }

    /// The next period is paid: it starts where the last one ended.
    pub fn renewed(self) -> Subscription {
        Subscription {
            status: SubscriptionStatus::Active,
            period_end_ms: self.period_end_ms.saturating_add(self.interval.period_ms()),
            grace_until_ms: None,
            retry_at_ms: None,
            ..self
        }
    }

    /// The renewal charge failed: past due, with grace, retried later.
    pub fn renewal_failed(self, now_ms: i64) -> Subscription {
        let grace = self
            .grace_until_ms
            .unwrap_or_else(|| self.period_end_ms.saturating_add(GRACE_MS));
        Subscription {
            status: SubscriptionStatus::PastDue,
            grace_until_ms: Some(grace),
            retry_at_ms: Some(now_ms.saturating_add(RETRY_MS)),
            ..self
        }
    }

    pub fn expired(self) -> Subscription {
        Subscription {
            status: SubscriptionStatus::Expired,
            retry_at_ms: None,
            ..self
        }
    }

    /// Cancel at period end (a past-due membership simply ends).
    pub fn cancel(self) -> Result<Subscription, DomainError> {
        match self.status {
            SubscriptionStatus::Active => Ok(Subscription {
                status: SubscriptionStatus::Canceled,
                ..self
            }),
            SubscriptionStatus::PastDue => Ok(self.expired()),
            _ => Err(DomainError::InvalidMembership),
        }
    }

    /// Take back a cancellation before the period ends.
    pub fn resume(self, now_ms: i64) -> Result<Subscription, DomainError> {
        if self.status == SubscriptionStatus::Canceled && now_ms < self.period_end_ms {
            Ok(Subscription {
                status: SubscriptionStatus::Active,
                ..self
            })
        } else {
            Err(DomainError::InvalidMembership)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;

    fn plan() -> MembershipPlan {
        MembershipPlan {
            product_id: ProductId::new(),
            interval: Interval::Monthly,
            all_of_creator: true,
            products: vec![],
        }
    }

    fn sub() -> Subscription {
        Subscription::start(
            &plan(),
            AccountId::new(),
            Money::new(999, Currency::USD),
            "pm".into(),
            0,
        )
    }

    #[test]
    fn a_paid_up_membership_renews_at_period_end() {
        let s = sub();
        let end = 30 * DAY_MS;
        assert!(s.grants_access(end - 1));
        assert_eq!(s.due(end - 1), Due::Nothing);
        assert_eq!(s.due(end), Due::Renew);
        let next = s.renewed();
        assert_eq!(next.period_end_ms, 2 * end);
        assert!(next.grants_access(end + 1));
    }

    #[test]
    fn a_failed_renewal_keeps_access_through_grace_then_ends() {
        let end = 30 * DAY_MS;
        let failed = sub().renewal_failed(end);
        assert_eq!(failed.status, SubscriptionStatus::PastDue);
        assert!(failed.grants_access(end + GRACE_MS - 1));
        assert_eq!(
            failed.due(end + 1),
            Due::Nothing,
            "retried later, not at once"
        );
        assert_eq!(failed.due(end + RETRY_MS), Due::Renew);
        assert_eq!(failed.due(end + GRACE_MS), Due::Expire);
        // A retry that succeeds picks up where the period ended.
        assert_eq!(failed.clone().renewed().period_end_ms, 2 * end);
        // Failing again keeps the original grace.
        assert_eq!(
            failed.renewal_failed(end + RETRY_MS).grace_until_ms,
            Some(end + GRACE_MS)
        );
    }

    #[test]
    fn cancelling_ends_at_period_end_and_can_be_taken_back() {
        let end = 30 * DAY_MS;
        let canceled = sub().cancel().unwrap();
        assert!(canceled.grants_access(end - 1));
        assert_eq!(canceled.due(end - 1), Due::Nothing);
        assert_eq!(canceled.due(end), Due::Expire);
        assert_eq!(
            canceled.clone().resume(end - 1).unwrap().status,
            SubscriptionStatus::Active
        );
        assert!(canceled.resume(end).is_err());
        assert!(!sub().expired().grants_access(0));
    }
}
