//! Live sessions (直播): the schedule, who may enter the room, and its chat and question
//! queue. Messages are kept in the store and fanned out to every open room connection:
//! on PostgreSQL through LISTEN/NOTIFY, so rooms on several server processes see the
//! same chat; on SQLite (one process) directly.

use std::collections::HashMap;
use std::sync::Mutex;

use futures::StreamExt;
use kenning_domain::catalog::{LessonOutline, Product, ProductKind, can_view_product};
use kenning_domain::ids::{AccountId, LiveMessageId, ProductId};
use kenning_domain::live::{
    CHAT_WINDOW_MS, ChatMessage, LivePhase, LiveSchedule, Moderation, can_moderate, chat_too_fast,
    has_ticket, message_body,
};
use kenning_domain::order::Order;
use kenning_domain::throttle::ThrottleKey;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast;

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

/// The channel every process listens on.
pub const LIVE_CHANNEL: &str = "kenning_live";
/// How many messages a room shows on entry.
pub const ROOM_HISTORY: i64 = 200;
/// How many events a slow connection may fall behind before it is told to reload.
const ROOM_BUFFER: usize = 256;

/// Something that happened in a room.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum LiveEvent {
    /// A new chat line or question.
    Message { message: ChatMessage },
    /// A message was pinned, unpinned or marked answered.
    Updated { message: ChatMessage },
}

impl LiveEvent {
    pub fn message(&self) -> &ChatMessage {
        match self {
            LiveEvent::Message { message } | LiveEvent::Updated { message } => message,
        }
    }
}

/// This process's open rooms: one broadcast channel per room with listeners.
#[derive(Default)]
pub struct LiveHub {
    rooms: Mutex<HashMap<ProductId, broadcast::Sender<LiveEvent>>>,
}

impl LiveHub {
    fn subscribe(&self, room: ProductId) -> broadcast::Receiver<LiveEvent> {
        let mut rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        rooms.retain(|_, tx| tx.receiver_count() > 0);
        rooms
            .entry(room)
            .or_insert_with(|| broadcast::channel(ROOM_BUFFER).0)
            .subscribe()
    }

    fn deliver(&self, event: LiveEvent) {
        let rooms = self.rooms.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(tx) = rooms.get(&event.message().product_id) {
            // No receivers left is fine: nobody is in the room on this process.
            let _ = tx.send(event);
        }
    }
}

/// Room events from every server process.
pub struct LiveChannel(futures::stream::BoxStream<'static, String>);

/// A live session as a visitor or ticket holder sees it.
#[derive(Clone, Debug)]
pub struct LiveRoom {
    pub product: Product,
    pub schedule: LiveSchedule,
    pub phase: LivePhase,
    /// The viewer may enter the room.
    pub ticket: bool,
    /// The viewer may pin and answer (the creator, admins).
    pub moderator: bool,
    /// Tickets left to sell, when the session has a capacity.
    pub seats_left: Option<i64>,
    /// The product the ticket comes with, if any.
    pub included_in: Option<Product>,
    /// The session's lessons: the replay is attached to them after it ends.
    pub lessons: Vec<LessonOutline>,
}

/// What entering a room gives: the latest messages and the events from now on.
pub struct RoomEntry {
    pub room: LiveRoom,
    pub history: Vec<ChatMessage>,
    pub events: broadcast::Receiver<LiveEvent>,
}

impl Kenning {
    /// Sets (or replaces) the schedule of a live-session product.
    pub async fn schedule_live(
        &self,
        user: &CurrentUser,
        id: ProductId,
        schedule: LiveSchedule,
    ) -> Result<LiveSchedule, AppError> {
        let product = self.editable_product(user, id).await?;
        if product.kind != ProductKind::LiveSession {
            return Err(kenning_domain::DomainError::InvalidLiveSchedule.into());
        }
        let schedule = LiveSchedule {
            product_id: id,
            ..schedule
        }
        .validate()?;
        if let Some(including) = schedule.included_in {
            // Tickets may come only with another product of the same creator.
            let other = self
                .store
                .product(including)
                .await?
                .ok_or(AppError::NotFound("product"))?;
            if other.creator_id != product.creator_id {
                return Err(kenning_domain::DomainError::InvalidLiveSchedule.into());
            }
        }
        self.store.set_live_schedule(&schedule).await?;
        self.catalog_changed(id).await;
        Ok(schedule)
    }

    /// The session's schedule, phase and what the viewer may do. Anyone who can see the
    /// product can see when it happens.
    pub async fn live_room(
        &self,
        id: ProductId,
        user: Option<&CurrentUser>,
    ) -> Result<LiveRoom, AppError> {
        let outline = self.outline(id).await?;
        let schedule = self
            .store
            .live_schedule(id)
            .await?
            .ok_or(AppError::NotFound("live session"))?;
        let product = outline.product.clone();
        let viewer = user.map(CurrentUser::viewer);
        let holds = match viewer {
            Some(v) => self.held_since(v.account_id, &product).await?.is_some(),
            None => false,
        };
        if !holds && !can_view_product(&product, viewer) {
            return Err(AppError::NotFound("live session"));
        }
        let ticket = viewer.is_some_and(|v| has_ticket(&product, v, holds));
        let seats_left = match schedule.capacity {
            Some(capacity) => {
                let taken = self.store.seats_taken(id, self.now_ms()).await?;
                Some((capacity - taken).max(0))
            }
            None => None,
        };
        let included_in = match schedule.included_in {
            Some(including) => self.store.product(including).await?,
            None => None,
        };
        Ok(LiveRoom {
            phase: schedule.phase(self.now_ms()),
            moderator: viewer.is_some_and(|v| can_moderate(&product, v)),
            lessons: outline.lessons.clone(),
            product,
            schedule,
            ticket,
            seats_left,
            included_in,
        })
    }

    /// Live sessions that come with a product (shown on its page).
    pub async fn live_sessions_in(&self, id: ProductId) -> Result<Vec<LiveSchedule>, AppError> {
        Ok(self.store.live_sessions_in(id).await?)
    }

    /// The room, for a ticket holder.
    async fn room_for(&self, id: ProductId, user: &CurrentUser) -> Result<LiveRoom, AppError> {
        let room = self.live_room(id, Some(user)).await?;
        if room.ticket {
            Ok(room)
        } else {
            Err(AppError::TicketRequired)
        }
    }

    /// Enters the room: its recent messages, and every event from now on. Only ticket
    /// holders get in.
    pub async fn join_live(
        &self,
        id: ProductId,
        user: &CurrentUser,
    ) -> Result<RoomEntry, AppError> {
        let room = self.room_for(id, user).await?;
        // Subscribe before reading the history, so nothing falls between the two (a
        // message in both is shown once: clients key messages by id).
        let events = self.live_hub.subscribe(id);
        let history = self.store.live_messages(id, ROOM_HISTORY).await?;
        Ok(RoomEntry {
            room,
            history,
            events,
        })
    }

    /// Whether the person behind a room's socket may still be in it: their session is
    /// still open (read from the database, not the cache: a logout on another node
    /// counts) and they still hold a ticket (a refund or an ended membership does not).
    pub async fn may_stay_in_room(
        &self,
        id: ProductId,
        user: &CurrentUser,
        token: Option<&crate::accounts::SessionToken>,
    ) -> Result<(), AppError> {
        if let Some(token) = token {
            let open = self
                .store
                .session_account(&token.hash(), self.now_ms())
                .await?;
            if open.is_none_or(|(account, _)| account.id != user.account.id) {
                return Err(AppError::Unauthenticated);
            }
        }
        self.room_for(id, user).await.map(|_| ())
    }

    /// The room's recent messages, for a ticket holder.
    pub async fn live_messages(
        &self,
        id: ProductId,
        user: &CurrentUser,
    ) -> Result<Vec<ChatMessage>, AppError> {
        self.room_for(id, user).await?;
        Ok(self.store.live_messages(id, ROOM_HISTORY).await?)
    }

    /// Posts a chat line, or a question for the queue.
    pub async fn say_live(
        &self,
        id: ProductId,
        user: &CurrentUser,
        body: &str,
        question: bool,
    ) -> Result<ChatMessage, AppError> {
        let body = message_body(body)?;
        self.room_for(id, user).await?;
        self.hold_to_chat_limit(id, user.account.id).await?;
        let message = ChatMessage {
            id: LiveMessageId::new(),
            product_id: id,
            account_id: user.account.id,
            author_name: user.account.display_name.as_str().to_owned(),
            body,
            question,
            pinned: false,
            answered: false,
            created_at_ms: self.now_ms(),
        };
        self.store.insert_live_message(&message).await?;
        self.publish_live(LiveEvent::Message {
            message: message.clone(),
        })
        .await;
        Ok(message)
    }

    /// Counts a message towards the sender's flood limit in the room, and refuses it
    /// past the limit. The count lives in the database: a sender spreading messages
    /// over several nodes is held to one limit.
    async fn hold_to_chat_limit(&self, room: ProductId, sender: AccountId) -> Result<(), AppError> {
        let key = ThrottleKey::Chat {
            room: room.to_string(),
            sender: sender.to_string(),
        };
        let tries = self
            .store
            .hit_within(&key.as_key(), self.now_ms(), CHAT_WINDOW_MS)
            .await?;
        if chat_too_fast(tries) {
            return Err(AppError::ChatTooFast);
        }
        Ok(())
    }

    /// Pins, unpins or marks answered a message of a room the person moderates.
    pub async fn moderate_live(
        &self,
        user: &CurrentUser,
        id: LiveMessageId,
        action: Moderation,
    ) -> Result<ChatMessage, AppError> {
        let mut message = self
            .store
            .live_message(id)
            .await?
            .ok_or(AppError::NotFound("message"))?;
        let room = self.room_for(message.product_id, user).await?;
        if !room.moderator {
            return Err(AppError::Forbidden);
        }
        message.moderate(action);
        self.store.update_live_message(&message).await?;
        self.publish_live(LiveEvent::Updated {
            message: message.clone(),
        })
        .await;
        Ok(message)
    }

    /// Sends an event to every process's rooms. The message is already stored, so a
    /// failure here only delays it until the room is entered again.
    async fn publish_live(&self, event: LiveEvent) {
        let payload = match serde_json::to_string(&event) {
            Ok(p) => p,
            Err(e) => {
                tracing::error!(error = %e, "live event not serialisable");
                return;
            }
        };
        match self.store.notify(LIVE_CHANNEL, &payload).await {
            // Comes back to this process through `follow_live` too.
            Ok(true) => {}
            Ok(false) => self.live_hub.deliver(event),
            Err(e) => {
                tracing::warn!(error = %e, "live event not sent to other processes");
                self.live_hub.deliver(event);
            }
        }
    }

    /// Opens the channel from every process's rooms (`None` on SQLite, where there is
    /// one process). Opened before serving, so no message is missed at start.
    pub async fn open_live_channel(&self) -> Result<Option<LiveChannel>, AppError> {
        Ok(self.store.listen(LIVE_CHANNEL).await?.map(LiveChannel))
    }

    /// Delivers events from every process to this one's rooms, for as long as the
    /// server runs.
    pub async fn follow_live(&self, LiveChannel(mut payloads): LiveChannel) {
        while let Some(payload) = payloads.next().await {
            match serde_json::from_str::<LiveEvent>(&payload) {
                Ok(event) => self.live_hub.deliver(event),
                Err(e) => tracing::warn!(error = %e, "unreadable live event"),
            }
        }
    }

    /// When the person got the product, or for a live session, the product its ticket
    /// comes with: its holders may watch the replay too.
    pub(crate) async fn held_since(
        &self,
        account: kenning_domain::ids::AccountId,
        product: &Product,
    ) -> Result<Option<i64>, AppError> {
        if let Some(since) = self.store.entitled_since(account, product.id).await? {
            return Ok(Some(since));
        }
        if product.kind != ProductKind::LiveSession {
            return Ok(None);
        }
        match self.store.live_schedule(product.id).await? {
            Some(LiveSchedule {
                included_in: Some(including),
                ..
            }) => Ok(self.store.entitled_since(account, including).await?),
            _ => Ok(None),
        }
    }

    /// The capacity of a live session product, when it has one.
    async fn capacity(&self, product: &Product) -> Result<Option<i64>, AppError> {
        if product.kind != ProductKind::LiveSession {
            return Ok(None);
        }
        Ok(self
            .store
            .live_schedule(product.id)
            .await?
            .and_then(|s| s.capacity))
    }

    /// Refuses an order for a session whose seats are all taken (by tickets, unclaimed
    /// gifts, or buyers paying right now).
    pub(crate) async fn check_seats(&self, product: &Product) -> Result<(), AppError> {
        let Some(capacity) = self.capacity(product).await? else {
            return Ok(());
        };
        if self.store.seats_taken(product.id, self.now_ms()).await? >= capacity {
            return Err(AppError::SoldOut);
        }
        Ok(())
    }

    /// Holds a seat for the order while its buyer pays, or refuses when none is left.
    /// Holds are taken one at a time, so the last seat goes to one buyer only. A payment
    /// the provider confirms after the hold ended is still honoured.
    pub(crate) async fn hold_seat(
        &self,
        order: &Order,
        product: &Product,
        hold_ms: i64,
    ) -> Result<(), AppError> {
        let Some(capacity) = self.capacity(product).await? else {
            return Ok(());
        };
        let now = self.now_ms();
        if self
            .store
            .hold_seat(order.id, product.id, capacity, now, now + hold_ms)
            .await?
        {
            Ok(())
        } else {
            Err(AppError::SoldOut)
        }
    }
}
