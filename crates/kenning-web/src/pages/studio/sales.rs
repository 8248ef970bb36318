//! Time-limited sales of a product.

use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use kenning_domain::DomainError;
use kenning_domain::ids::ProductId;
use serde::Deserialize;

use super::back_to;
use super::editor::after_change;
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::{CsrfForm, EmptyForm, KeptForm, utc_minute};
use crate::state::AppState;

#[derive(Deserialize)]
pub struct SaleForm {
    #[serde(default)]
    percent: String,
    /// `YYYY-MM-DDTHH:MM` from a datetime-local input, taken as UTC.
    #[serde(default)]
    ends_at: String,
}

/// Starts a time-limited sale.
pub async fn start_sale(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(form, typed): KeptForm<SaleForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let done = async {
        let invalid = || HttpError::from(DomainError::InvalidSale);
        let percent: u16 = form.percent.trim().parse().map_err(|_| invalid())?;
        let sale = kenning_domain::sale::Sale {
            bps: percent.saturating_mul(100),
            ends_at_ms: utc_minute(&form.ends_at).ok_or_else(invalid)?,
        };
        state.app.set_sale(&user, id, Some(sale)).await?;
        Ok(())
    };
    after_change(&state, &ctx, &user, id, "sale", typed, done.await).await
}

/// Ends a sale now.
pub async fn end_sale(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state.app.set_sale(&user, id, None).await?;
    Ok(back_to(id))
}
