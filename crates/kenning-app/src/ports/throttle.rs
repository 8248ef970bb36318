//! Counters of attempts at guessable doors.

use async_trait::async_trait;

use super::StoreResult;

/// Counters of attempts at guessable doors, shared by every node.
#[async_trait]
pub trait ThrottleStore: Send + Sync {
    /// Counts one attempt for `key` in the window starting at `window_start_ms` and
    /// answers how many that window holds now; older windows of the key are forgotten.
    async fn hit(&self, key: &str, window_start_ms: i64) -> StoreResult<i64>;
    /// How many attempts the window starting at `window_start_ms` holds for `key`.
    async fn count(&self, key: &str, window_start_ms: i64) -> StoreResult<i64>;
    /// Counts one attempt for `key` at `now_ms` and answers how many the key holds in
    /// the `window_ms` up to and including it (a sliding window: attempts older than
    /// that are forgotten).
    async fn hit_within(&self, key: &str, now_ms: i64, window_ms: i64) -> StoreResult<i64>;
    /// Forgets a key's attempts (a successful login clears its account's failures).
    async fn forget(&self, key: &str) -> StoreResult<()>;
}
