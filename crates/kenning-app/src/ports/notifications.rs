//! Notifications and which kinds people want by mail.

use async_trait::async_trait;
use kenning_domain::ids::AccountId;
use kenning_domain::notification::{Notice, NoticeKind, NotificationRecord};

use super::StoreResult;

#[async_trait]
pub trait NotificationStore: Send + Sync {
    /// Adds one notice to each of `accounts`, in one transaction.
    async fn add_notifications(
        &self,
        accounts: &[AccountId],
        notice: &Notice,
        at_ms: i64,
    ) -> StoreResult<()>;
    /// Adds a reminder's notice to each of `accounts` unless a reminder with this key
    /// was sent before; the key is kept in the same transaction. `false`: sent before.
    async fn add_reminder(
        &self,
        key: &str,
        accounts: &[AccountId],
        notice: &Notice,
        at_ms: i64,
    ) -> StoreResult<bool>;
    /// The person's newest notifications.
    async fn notifications(
        &self,
        account: AccountId,
        limit: i64,
    ) -> StoreResult<Vec<NotificationRecord>>;
    async fn unread_notifications(&self, account: AccountId) -> StoreResult<i64>;
    /// Marks one (or, with `None`, every) notification of the person read; how many.
    async fn mark_notifications_read(
        &self,
        account: AccountId,
        id: Option<i64>,
        at_ms: i64,
    ) -> StoreResult<u64>;
    /// The kinds the person turned mail off for.
    async fn mail_off(&self, account: AccountId) -> StoreResult<Vec<NoticeKind>>;
    async fn set_mail_off(&self, account: AccountId, kinds: &[NoticeKind]) -> StoreResult<()>;
}
