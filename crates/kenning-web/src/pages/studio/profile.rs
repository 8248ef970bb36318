//! The creator's public page, as they edit it: their biography.

use askama::Template;
use axum::extract::{Query, State};
use axum::response::{Redirect, Response};
use serde::Deserialize;

use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::forms::CsrfForm;
use crate::pages::{Page, ok};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "studio_profile.html")]
struct ProfileTemplate<'a> {
    page: Page<'a>,
    id: String,
    bio: String,
    saved: bool,
}

#[derive(Deserialize)]
pub struct ProfileQuery {
    saved: Option<String>,
}

pub async fn profile(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(q): Query<ProfileQuery>,
) -> Result<Response, HttpError> {
    let bio = state.app.my_bio(&user).await?;
    ok(&ProfileTemplate {
        page: Page::new(&state, &ctx, "studio-profile"),
        id: user.account.id.to_string(),
        bio,
        saved: q.saved.is_some(),
    })
}

#[derive(Deserialize)]
pub struct ProfileForm {
    #[serde(default)]
    bio: String,
}

pub async fn save_profile(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<Redirect, HttpError> {
    state.app.set_my_bio(&user, &form.bio).await?;
    Ok(Redirect::to("/studio/profile?saved=1"))
}
