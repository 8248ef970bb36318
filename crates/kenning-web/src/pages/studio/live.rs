//! A live session's schedule.

use axum::extract::{Path, State};
use axum::response::Response;
use kenning_domain::DomainError;
use kenning_domain::ids::ProductId;
use kenning_domain::live::LiveSchedule;
use serde::Deserialize;

use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::{KeptForm, utc_minute};
use crate::state::AppState;

/// The live-session schedule as the studio form shows and sends it.
#[derive(Default, Deserialize)]
pub struct LiveForm {
    /// `YYYY-MM-DDTHH:MM` from a datetime-local input, taken as UTC.
    #[serde(default)]
    pub(super) starts_at: String,
    #[serde(default)]
    pub(super) duration_minutes: String,
    #[serde(default)]
    pub(super) capacity: String,
    #[serde(default)]
    pub(super) stream_url: String,
    #[serde(default)]
    pub(super) included_in: String,
}

impl LiveForm {
    pub(super) fn from_schedule(s: &LiveSchedule) -> LiveForm {
        let starts_at = crate::api::types::timestamp(s.starts_at_ms)
            .chars()
            .take(16)
            .collect();
        LiveForm {
            starts_at,
            duration_minutes: s.duration_minutes.to_string(),
            capacity: s.capacity.map(|c| c.to_string()).unwrap_or_default(),
            stream_url: s.stream_url.clone(),
            included_in: s.included_in.map(|p| p.to_string()).unwrap_or_default(),
        }
    }

    fn to_schedule(&self, id: ProductId) -> Result<LiveSchedule, HttpError> {
        let invalid = || HttpError::from(DomainError::InvalidLiveSchedule);
        let starts_at_ms = utc_minute(&self.starts_at).ok_or_else(invalid)?;
        let capacity = match self.capacity.trim() {
            "" => None,
            n => Some(n.parse().map_err(|_| invalid())?),
        };
        let included_in = match self.included_in.trim() {
            "" => None,
            p => Some(path_id::<ProductId>(p)?),
        };
        Ok(LiveSchedule {
            product_id: id,
            starts_at_ms,
            duration_minutes: self
                .duration_minutes
                .trim()
                .parse()
                .map_err(|_| invalid())?,
            capacity,
            stream_url: self.stream_url.clone(),
            included_in,
        })
    }
}

pub async fn schedule_live(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<LiveForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let done = async {
        state
            .app
            .schedule_live(&user, id, form.to_schedule(id)?)
            .await?;
        Ok(())
    };
    super::after_change(&state, &ctx, &user, id, "live", typed, done.await).await
}
