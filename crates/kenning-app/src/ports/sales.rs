//! Paid orders as their sellers see them.

use async_trait::async_trait;
use kenning_domain::DomainError;
use kenning_domain::ids::AccountId;
use kenning_domain::locale::LocalizedText;
use kenning_domain::money::Money;
use kenning_domain::order::{self, Order};

use super::StoreResult;

/// A paid order as its seller sees it.
#[derive(Clone, Debug)]
pub struct SaleLine {
    pub order: Order,
    pub product_title: LocalizedText,
    pub buyer_email: String,
    /// What has been refunded of it.
    pub refunded_minor: i64,
}

impl SaleLine {
    /// What has been refunded of it, in its currency.
    pub fn refunded(&self) -> Money {
        Money::new(self.refunded_minor, self.order.total.currency)
    }

    /// What is left to refund of it.
    pub fn refundable(&self) -> Result<Money, DomainError> {
        order::refundable_remainder(self.order.total, self.refunded())
    }
}

/// Paid orders as their sellers see them.
#[async_trait]
pub trait SalesStore: Send + Sync {
    /// Paid orders of a creator's products (everyone's with `None`), newest first.
    async fn sales(&self, creator: Option<AccountId>, limit: i64) -> StoreResult<Vec<SaleLine>>;
}
