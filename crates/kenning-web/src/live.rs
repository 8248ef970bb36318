//! The live room over WebSocket: `GET /live/{id}/socket`.
//!
//! Only ticket holders are upgraded (others get the usual error response: 401, 403 or
//! 404), and only from our own pages (a cross-site Origin is refused, so another site
//! cannot open a room with a visitor's cookie). On entry the server sends the room's
//! history; then every new message and change, from any server process.
//!
//! Server to client: `{"type":"history","messages":[…]}`, `{"type":"message","message":…}`,
//! `{"type":"updated","message":…}`, `{"type":"error","code","message"}` and
//! `{"type":"reload"}` (the connection fell behind; fetch the history again).
//! Client to server: `{"type":"say","body":"…","question":false}` and
//! `{"type":"moderate","id":"…","action":"pin"|"unpin"|"answered"}`.

use axum::extract::ws::{CloseFrame, Message, Utf8Bytes, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::Response;
use kenning_app::AppError;
use kenning_app::accounts::{CurrentUser, SessionToken};
use kenning_app::live::{LiveEvent, RoomEntry};
use kenning_domain::ids::{AccountId, LiveMessageId, ProductId};
use kenning_domain::live::Moderation;
use kenning_domain::locale::Locale;
use serde::{Deserialize, Serialize};
use tokio::sync::broadcast::error::RecvError;

use crate::api::live::LiveMessageResponse;
use crate::api::path_id;
use crate::context::{SignedIn, is_cross_site};
use crate::error::{ErrorReport, HttpError};
use crate::state::AppState;

/// How often an open room checks that its holder may still be in it.
const RECHECK_EVERY: std::time::Duration = std::time::Duration::from_secs(15);

/// The largest frame a client may send.
const MAX_FRAME_BYTES: usize = 16 * 1024;

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ToClient<'a> {
    History { messages: Vec<LiveMessageResponse> },
    Message { message: LiveMessageResponse },
    Updated { message: LiveMessageResponse },
    Error { code: &'a str, message: String },
    Reload,
}

#[derive(Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum FromClient {
    Say {
        body: String,
        #[serde(default)]
        question: bool,
    },
    Moderate {
        id: String,
        action: Moderation,
    },
}

pub async fn socket(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    headers: HeaderMap,
    upgrade: WebSocketUpgrade,
) -> Result<Response, HttpError> {
    if is_cross_site(&headers) {
        return Err(AppError::Forbidden.into());
    }
    let id: ProductId = path_id(&id)?;
    let entry = state.app.join_live(id, &user).await?;
    let holder = Holder {
        user,
        token: ctx.token.clone(),
        locale: ctx.locale,
    };
    // A chat line is at most 1000 characters: no frame needs more than this.
    Ok(upgrade
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .on_upgrade(move |socket| room(socket, state, holder, entry)))
}

async fn send(socket: &mut WebSocket, message: &ToClient<'_>) -> bool {
    match serde_json::to_string(message) {
        Ok(text) => socket
            .send(Message::Text(Utf8Bytes::from(text)))
            .await
            .is_ok(),
        Err(_) => false,
    }
}

/// Who is in the room, and the session they came with.
struct Holder {
    user: CurrentUser,
    token: Option<SessionToken>,
    locale: Locale,
}

/// Closes the socket, saying why, when the holder may no longer be in the room; true
/// when it did.
async fn left_room(
    socket: &mut WebSocket,
    state: &AppState,
    holder: &Holder,
    room: ProductId,
) -> bool {
    let Err(e) = state
        .app
        .may_stay_in_room(room, &holder.user, holder.token.as_ref())
        .await
    else {
        return false;
    };
    let report = ErrorReport::from_app(&e);
    if report.status.is_server_error() {
        // The database did not answer: keep the room open and ask again later.
        return false;
    }
    let reason = ToClient::Error {
        code: report.code,
        message: report.message(&state.i18n, holder.locale),
    };
    let _ = send(socket, &reason).await;
    let _ = socket
        .send(Message::Close(Some(CloseFrame {
            code: close_code::POLICY,
            reason: Utf8Bytes::from_static("access ended"),
        })))
        .await;
    true
}

async fn room(mut socket: WebSocket, state: AppState, holder: Holder, entry: RoomEntry) {
    let RoomEntry {
        room,
        history,
        mut events,
    } = entry;
    let product = room.product.id;
    // Access is checked again on a schedule (a logout or refund on another node) and at
    // once when this node changes the holder's access.
    let mut recheck = tokio::time::interval(RECHECK_EVERY);
    recheck.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    recheck.reset();
    let mut access = state.app.access_changes();
    let history = ToClient::History {
        messages: history.iter().map(LiveMessageResponse::from).collect(),
    };
    if !send(&mut socket, &history).await {
        return;
    }
    let mut closing = state.config.closing.clone();
    loop {
        let stays = tokio::select! {
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    heard(&mut socket, &state, &holder, product, &text).await
                }
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => false,
                Some(Ok(_)) => true,
            },
            event = events.recv() => match event_reply(event) {
                Some(reply) => send(&mut socket, &reply).await,
                None => false,
            },
            _ = recheck.tick() => !left_room(&mut socket, &state, &holder, product).await,
            changed = access.recv() => {
                !(concerns(changed, &holder) && left_room(&mut socket, &state, &holder, product).await)
            }
            () = server_closing(&mut closing) => {
                let _ = socket.send(Message::Close(None)).await;
                false
            }
        };
        if !stays {
            return;
        }
    }
}

/// Acts on what the holder sent, answering a refusal in their language; false when
/// the socket is gone.
async fn heard(
    socket: &mut WebSocket,
    state: &AppState,
    holder: &Holder,
    room: ProductId,
    text: &str,
) -> bool {
    let Err(e) = act(state, &holder.user, room, text).await else {
        return true;
    };
    let report = ErrorReport::from_app(&e);
    let reply = ToClient::Error {
        code: report.code,
        message: report.message(&state.i18n, holder.locale),
    };
    send(socket, &reply).await
}

/// What to tell the holder of a room event; None when the room is gone.
fn event_reply(event: Result<LiveEvent, RecvError>) -> Option<ToClient<'static>> {
    match event {
        Ok(LiveEvent::Message { message }) => Some(ToClient::Message {
            message: LiveMessageResponse::from(&message),
        }),
        Ok(LiveEvent::Updated { message }) => Some(ToClient::Updated {
            message: LiveMessageResponse::from(&message),
        }),
        Err(RecvError::Lagged(_)) => Some(ToClient::Reload),
        Err(RecvError::Closed) => None,
    }
}

/// Whether a change of access may concern the holder (when changes were missed, it may).
fn concerns(changed: Result<AccountId, RecvError>, holder: &Holder) -> bool {
    match changed {
        Ok(account) => account == holder.user.account.id,
        Err(RecvError::Lagged(_)) => true,
        Err(RecvError::Closed) => false,
    }
}

/// Resolves when the server starts shutting down (never, without a signal).
async fn server_closing(closing: &mut Option<tokio::sync::watch::Receiver<bool>>) {
    match closing {
        Some(rx) => {
            if rx.wait_for(|closing| *closing).await.is_err() {
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

/// Carries out one client request. What it changes reaches this client as an event,
/// like everyone else's.
async fn act(
    state: &AppState,
    user: &CurrentUser,
    room: ProductId,
    text: &str,
) -> Result<(), AppError> {
    let request: FromClient = serde_json::from_str(text)
        .map_err(|_| AppError::Invalid(kenning_domain::DomainError::InvalidChatMessage))?;
    match request {
        FromClient::Say { body, question } => {
            state.app.say_live(room, user, &body, question).await?;
        }
        FromClient::Moderate { id, action } => {
            let id: LiveMessageId = id.parse().map_err(|_| AppError::NotFound("message"))?;
            state.app.moderate_live(user, id, action).await?;
        }
    }
    Ok(())
}
