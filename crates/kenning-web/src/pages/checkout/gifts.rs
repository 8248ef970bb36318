//! Gifts: the claim page the buyer passes on, and claiming.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{Redirect, Response};
use serde::Deserialize;

use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::{CsrfForm, EmptyForm};
use crate::pages::{Page, ok};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "gift.html")]
struct GiftTemplate<'a> {
    page: Page<'a>,
    code: String,
    product_id: String,
    product_title: String,
    from: String,
    to: String,
    message: String,
    paid: bool,
    claimed: bool,
    /// The buyer just paid: show the link to pass on.
    sent: bool,
    link: String,
    signed_in: bool,
}

#[derive(Deserialize)]
pub struct GiftParams {
    sent: Option<String>,
}

/// A gift's claim page (the link the buyer passes on).
pub async fn gift(
    State(state): State<AppState>,
    crate::context::Ctx(ctx): crate::context::Ctx,
    Path(code): Path<String>,
    axum::extract::Query(params): axum::extract::Query<GiftParams>,
    headers: axum::http::HeaderMap,
) -> Result<Response, HttpError> {
    let view = state.app.gift(&code).await?;
    let page = Page::new(&state, &ctx, "gift-title");
    let base = crate::api::public_base(&state, &headers);
    let template = GiftTemplate {
        link: format!("{base}/gifts/{code}"),
        code,
        product_id: view.product.id.to_string(),
        product_title: view.product.title.get(ctx.locale).to_owned(),
        from: view.from.clone(),
        to: view.gift.recipient.as_str().to_owned(),
        message: view.gift.message.clone(),
        paid: view.paid,
        claimed: view.gift.claimed_by.is_some(),
        sent: params.sent.is_some(),
        signed_in: ctx.user.is_some(),
        page,
    };
    ok(&template)
}

/// "Claim this gift".
pub async fn claim_gift(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(code): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let view = state.app.claim_gift(&user, &code).await?;
    Ok(Redirect::to(&format!(
        "/products/{}?purchased=1",
        view.product.id
    )))
}
