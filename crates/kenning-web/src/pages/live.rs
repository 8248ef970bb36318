//! The live room page: countdown before, the stream and the chat during, the replay
//! after. The chat itself runs over the room's WebSocket (`assets/live.js`).

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use kenning_app::live::LiveRoom;
use kenning_app::pages::product::LiveNow;
use kenning_domain::ids::ProductId;
use kenning_domain::live::LivePhase;

use super::{Labelled, Page, ok, render};
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// The schedule as a product page shows it.
pub struct LiveBlock {
    pub id: String,
    pub starts: String,
    pub starts_at_ms: i64,
    pub duration_minutes: i64,
    pub phase: &'static str,
    pub seats_left: Option<i64>,
    pub ticket: bool,
}

impl LiveBlock {
    /// The schedule as the product page shows it to this viewer.
    pub fn on_product_page(page: &Page<'_>, live: &LiveNow) -> LiveBlock {
        LiveBlock {
            id: live.schedule.product_id.to_string(),
            starts: page.datetime(&live.schedule.starts_at_ms),
            starts_at_ms: live.schedule.starts_at_ms,
            duration_minutes: live.schedule.duration_minutes,
            phase: live.phase.as_str(),
            seats_left: live.seats_left,
            ticket: live.ticket,
        }
    }

    pub fn new(page: &Page<'_>, room: &LiveRoom) -> LiveBlock {
        LiveBlock {
            id: room.product.id.to_string(),
            starts: page.datetime(&room.schedule.starts_at_ms),
            starts_at_ms: room.schedule.starts_at_ms,
            duration_minutes: room.schedule.duration_minutes,
            phase: room.phase.as_str(),
            seats_left: room.seats_left,
            ticket: room.ticket,
        }
    }
}

#[derive(Template)]
#[template(path = "live.html")]
struct RoomTemplate<'a> {
    page: Page<'a>,
    live: LiveBlock,
    moderator: bool,
    stream_url: String,
    /// The stream is a file a `<video>` plays by itself (HLS needs a player library, so
    /// it gets the link only).
    playable: bool,
    /// The session's lessons (lesson id and title), where the replay is attached.
    replays: Vec<Labelled>,
}

#[derive(Template)]
#[template(path = "live_locked.html")]
struct NoTicketTemplate<'a> {
    page: Page<'a>,
    id: String,
    /// The product that comes with a ticket (its id and title).
    included_in: Option<Labelled>,
}

pub async fn room(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let room = state.app.live_room(id, Some(&user)).await?;
    let locale = ctx.locale;
    let page = Page::new(&state, &ctx, "live-title").with_title(room.product.title.get(locale));
    if !room.ticket {
        let template = NoTicketTemplate {
            id: id.to_string(),
            included_in: room
                .included_in
                .as_ref()
                .map(|p| Labelled::new(p.id, p.title.get(locale))),
            page,
        };
        return Ok(render(StatusCode::FORBIDDEN, &template));
    }
    let url = room.schedule.stream_url.to_ascii_lowercase();
    let path = url.split(['?', '#']).next().unwrap_or_default();
    let template = RoomTemplate {
        live: LiveBlock::new(&page, &room),
        moderator: room.moderator,
        playable: url.starts_with("http")
            && [".mp4", ".webm", ".ogg"]
                .iter()
                .any(|ext| path.ends_with(ext)),
        stream_url: room.schedule.stream_url.clone(),
        replays: if room.phase == LivePhase::Ended {
            room.lessons
                .iter()
                .map(|l| Labelled::new(l.id, l.title.get(locale)))
                .collect()
        } else {
            Vec::new()
        },
        page,
    };
    ok(&template)
}
