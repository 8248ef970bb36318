//! What recommendations learn from, and counters shared by every node.

use async_trait::async_trait;
use kenning_domain::discovery::{Signal, SignalKind};
use kenning_domain::ids::{AccountId, ProductId};

use super::StoreResult;

/// What recommendations learn from.
#[async_trait]
pub trait SignalStore: Send + Sync {
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
}

/// Named counters shared by every node.
#[async_trait]
pub trait CounterStore: Send + Sync {
    /// A named counter's value (0 if never raised).
    async fn counter(&self, name: &str) -> StoreResult<i64>;
    /// Raises a named counter by one and returns its new value.
    async fn bump_counter(&self, name: &str) -> StoreResult<i64>;
}
