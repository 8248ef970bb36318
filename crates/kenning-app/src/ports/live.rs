//! Live sessions: schedules, seats and the chat.

use async_trait::async_trait;
use kenning_domain::ids::{LiveMessageId, OrderId, ProductId};
use kenning_domain::live::{ChatMessage, LiveSchedule};

use super::StoreResult;

/// The schedules of live sessions.
#[async_trait]
pub trait LiveScheduleStore: Send + Sync {
    /// Inserts or replaces the schedule of a live-session product.
    async fn set_live_schedule(&self, schedule: &LiveSchedule) -> StoreResult<()>;
    async fn live_schedule(&self, product: ProductId) -> StoreResult<Option<LiveSchedule>>;
    /// Live sessions whose tickets come with this product.
    async fn live_sessions_in(&self, product: ProductId) -> StoreResult<Vec<LiveSchedule>>;
    /// Published live sessions starting after `from_ms` and by `until_ms`.
    async fn live_sessions_starting(
        &self,
        from_ms: i64,
        until_ms: i64,
    ) -> StoreResult<Vec<LiveSchedule>>;
}

/// Seats of live sessions: capacity is counted and held one buyer at a time.
#[async_trait]
pub trait SeatStore: Send + Sync {
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
}

/// A live room's chat: lines and questions, kept before they are sent anywhere.
#[async_trait]
pub trait ChatStore: Send + Sync {
    async fn insert_live_message(&self, message: &ChatMessage) -> StoreResult<()>;
    /// Writes a message's pinned and answered flags.
    async fn update_live_message(&self, message: &ChatMessage) -> StoreResult<()>;
    async fn live_message(&self, id: LiveMessageId) -> StoreResult<Option<ChatMessage>>;
    /// The room's latest `limit` messages, oldest first.
    async fn live_messages(&self, product: ProductId, limit: i64) -> StoreResult<Vec<ChatMessage>>;
}
