//! Refunds as recorded.

use kenning_domain::ids::{AccountId, OrderId};
use kenning_domain::money::Money;

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
