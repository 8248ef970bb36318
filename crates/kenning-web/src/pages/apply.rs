//! Becoming a creator: the application form, and where one's application stands.

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kenning_app::AppError;
use kenning_domain::creator::{ApplicationForm, CreatorApplication};
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Page, render};
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

/// How many payout rows the form offers.
const PAYOUT_ROWS: usize = 3;

#[derive(Template)]
#[template(path = "apply.html")]
struct ApplyTemplate<'a> {
    page: Page<'a>,
    /// The latest application and its status's words.
    latest: Option<(CreatorApplication, String)>,
    can_create: bool,
    /// An application waits for an operator (no second one meanwhile).
    pending: bool,
    form: ApplyFields,
    error: Option<String>,
}

#[derive(Default)]
struct ApplyFields {
    name: String,
    bio: String,
    payout: Vec<(String, String)>,
}

async fn show(
    state: &AppState,
    ctx: &RequestContext,
    user: &kenning_app::accounts::CurrentUser,
    form: ApplyFields,
    error: Option<&AppError>,
) -> Result<Response, HttpError> {
    let latest = state.app.my_application(user).await?;
    let page = Page::new(state, ctx, "apply-title");
    let mut status = StatusCode::OK;
    let error = match error {
        Some(e) => {
            let report = HttpError::from_app(e);
            if report.status.is_server_error() {
                return Err(report);
            }
            status = report.status;
            Some(report.message(&state.i18n, ctx.locale))
        }
        None => None,
    };
    let mut form = form;
    if form.name.is_empty() && form.payout.is_empty() {
        form.name = user.account.display_name.as_str().to_owned();
    }
    form.payout
        .resize(PAYOUT_ROWS, (String::new(), String::new()));
    let latest = latest.map(|a| {
        let label = page.t(&format!("apply-status-{}", a.status.as_str()));
        (a, label)
    });
    let pending = latest
        .as_ref()
        .is_some_and(|(a, _)| a.status == kenning_domain::creator::ApplicationStatus::Pending);
    Ok(render(
        status,
        &ApplyTemplate {
            pending,
            latest,
            can_create: user.account.role.can_create_products(),
            form,
            error,
            page,
        },
    ))
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    show(&state, &ctx, &user, ApplyFields::default(), None).await
}

/// The form; its payout rows are numbered (a URL-encoded form has no lists).
#[derive(Deserialize)]
pub struct ApplyForm {
    name: String,
    #[serde(default)]
    bio: String,
    #[serde(default)]
    currency_0: String,
    #[serde(default)]
    reference_0: String,
    #[serde(default)]
    currency_1: String,
    #[serde(default)]
    reference_1: String,
    #[serde(default)]
    currency_2: String,
    #[serde(default)]
    reference_2: String,
}

pub async fn apply(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<ApplyForm>,
) -> Result<Response, HttpError> {
    let payout = vec![
        (form.currency_0, form.reference_0),
        (form.currency_1, form.reference_1),
        (form.currency_2, form.reference_2),
    ];
    let outcome = match ApplicationForm::new(&form.name, &form.bio, payout.clone()) {
        Ok(checked) => state.app.apply_as_creator(&user, checked).await.map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(()) => Ok(axum::response::IntoResponse::into_response(Redirect::to(
            "/become-a-creator",
        ))),
        Err(e) => {
            let fields = ApplyFields {
                name: form.name,
                bio: form.bio,
                payout,
            };
            show(&state, &ctx, &user, fields, Some(&e)).await
        }
    }
}
