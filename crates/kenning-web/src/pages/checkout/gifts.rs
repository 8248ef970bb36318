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
    /// When it was claimed, as shown.
    claimed: Option<String>,
    /// The buyer just paid: say so.
    sent: bool,
    link: String,
    signed_in: bool,
    /// Who is looking: the buyer (who passes the link on), the person who claimed it,
    /// or the one it is for (who may claim it).
    is_buyer: bool,
    is_receiver: bool,
    may_claim: bool,
    /// For the buyer: claimed (by whom, when) or still waiting.
    status: String,
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
    let viewer = ctx.user.as_ref().map(|u| &u.account);
    let is_buyer = viewer.is_some_and(|a| a.id == view.gift.buyer_id);
    let to = (view.gift).recipient_shown_to(viewer.map(|a| (a.id, &a.email)));
    let status = match view.gift.claimed_at_ms {
        Some(at) => page.t_args(
            "gift-status-claimed",
            &[("email", to.clone()), ("date", page.date(&at))],
        ),
        None => page.t_s("gift-status-waiting", "email", &to),
    };
    let template = GiftTemplate {
        status,
        is_buyer,
        is_receiver: viewer.is_some_and(|a| view.gift.claimed_by == Some(a.id)),
        may_claim: viewer.is_some_and(|a| view.gift.may_claim(&a.email)),
        link: format!("{base}/gifts/{code}"),
        code,
        product_id: view.product.id.to_string(),
        product_title: view.product.title.get(ctx.locale).to_owned(),
        from: view.from.clone(),
        to,
        message: view.gift.message.clone(),
        paid: view.paid,
        claimed: view.gift.claimed_at_ms.map(|at| page.date(&at)),
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
    state.app.claim_gift(&user, &code).await?;
    // Back to the gift, which now says what they received and where it is.
    Ok(Redirect::to(&format!("/gifts/{code}")))
}
