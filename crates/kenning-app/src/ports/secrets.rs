//! Secrets every node shares (the key of media links).

use async_trait::async_trait;

use super::StoreResult;

/// Secrets every node shares.
#[async_trait]
pub trait SecretStore: Send + Sync {
    /// The named secret, stored as `candidate` if there is none yet (every node then
    /// reads the same value).
    async fn secret(&self, name: &str, candidate: &str) -> StoreResult<String>;
}
