//! Live sessions: schedules, seats, the chat, and a channel between server processes.

use async_trait::async_trait;
use kenning_domain::ids::{LiveMessageId, OrderId, ProductId};
use kenning_domain::live::{ChatMessage, LiveSchedule};

use super::StoreResult;

/// Live sessions: schedules, the chat, and a channel between server processes.
#[async_trait]
pub trait LiveStore: Send + Sync {
    /// Inserts or replaces the schedule of a live-session product.
    async fn set_live_schedule(&self, schedule: &LiveSchedule) -> StoreResult<()>;
    async fn live_schedule(&self, product: ProductId) -> StoreResult<Option<LiveSchedule>>;
    /// Live sessions whose tickets come with this product.
    async fn live_sessions_in(&self, product: ProductId) -> StoreResult<Vec<LiveSchedule>>;
    /// Seats of a live session taken at `now_ms`: tickets held, gifted tickets not yet
    /// claimed, and seats held by unpaid orders until their hold ends.
    async fn seats_taken(&self, product: ProductId, now_ms: i64) -> StoreResult<i64>;
    /// Holds a seat for the order until `until_ms` when fewer than `capacity` are taken
    /// (holds for one session are made one at a time); false when sold out.
    async fn hold_seat(
        &self,
        order: OrderId,
        product: ProductId,
        capacity: i64,
        now_ms: i64,
        until_ms: i64,
    ) -> StoreResult<bool>;
    /// Frees the seat an unpaid order holds (its payment failed or its page expired).
    async fn release_seat(&self, order: OrderId) -> StoreResult<()>;
    async fn insert_live_message(&self, message: &ChatMessage) -> StoreResult<()>;
    /// Writes a message's pinned and answered flags.
    async fn update_live_message(&self, message: &ChatMessage) -> StoreResult<()>;
    async fn live_message(&self, id: LiveMessageId) -> StoreResult<Option<ChatMessage>>;
    /// The room's latest `limit` messages, oldest first.
    async fn live_messages(&self, product: ProductId, limit: i64) -> StoreResult<Vec<ChatMessage>>;
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
