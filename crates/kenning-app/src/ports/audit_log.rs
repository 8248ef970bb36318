//! The audit log of operator actions and money movements: appended, never changed.

use async_trait::async_trait;
use kenning_domain::audit::{AuditEntry, AuditFilter, AuditRecord};

use super::StoreResult;

#[async_trait]
pub trait AuditLogStore: Send + Sync {
    /// Appends an entry at `at_ms` (with the actor's address as it is now).
    async fn append_audit(&self, entry: &AuditEntry, at_ms: i64) -> StoreResult<i64>;
    /// Entries that match, newest first, at most `limit`.
    async fn audit_entries(
        &self,
        filter: &AuditFilter,
        limit: i64,
    ) -> StoreResult<Vec<AuditRecord>>;
}
