//! A channel between server processes (PostgreSQL LISTEN/NOTIFY).

use async_trait::async_trait;

use super::StoreResult;

/// A channel between server processes.
#[async_trait]
pub trait ChannelStore: Send + Sync {
    /// Sends `payload` to every server process listening on `channel`, this one included.
    /// Returns false when the database has no such channel (SQLite, one process): the
    /// caller then delivers it itself.
    async fn notify(&self, channel: &str, payload: &str) -> StoreResult<bool>;
    /// Every payload sent on `channel` by any process, from now on; `None` when the
    /// database has no such channel.
    async fn listen(
        &self,
        channel: &str,
    ) -> StoreResult<Option<futures::stream::BoxStream<'static, String>>>;
}
