//! A membership tier's plan.

use axum::extract::{Path, State};
use axum::response::Redirect;
use kenning_domain::ids::ProductId;

use super::back_to;
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::CsrfForm;
use crate::state::AppState;

/// The membership form: `interval`, `all_of_creator` and one `product` per ticked box.
pub async fn save_membership(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(fields): CsrfForm<Vec<(String, String)>>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    let field = |name: &str| {
        fields
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let interval = field("interval").unwrap_or_default().parse()?;
    let products = fields
        .iter()
        .filter(|(k, _)| k == "product")
        .map(|(_, v)| path_id::<ProductId>(v))
        .collect::<Result<Vec<_>, _>>()?;
    state
        .app
        .set_membership_plan(
            &user,
            id,
            interval,
            field("all_of_creator").is_some(),
            products,
        )
        .await?;
    Ok(back_to(id))
}
