//! What a bundle holds.

use axum::extract::{Path, State};
use axum::response::Redirect;
use kenning_domain::ids::ProductId;

use super::back_to;
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::CsrfForm;
use crate::state::AppState;

/// The bundle form: one `product` per ticked box.
pub async fn save_bundle(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let items = fields
        .iter()
        .filter(|(k, _)| k == "product")
        .map(|(_, v)| path_id::<ProductId>(v))
        .collect::<Result<Vec<_>, _>>()?;
    state.app.set_bundle_items(&user, id, items).await?;
    Ok(back_to(id))
}
