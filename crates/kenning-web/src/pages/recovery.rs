//! Links that come by mail: forgetting a password and choosing a new one, confirming
//! an address, confirming a change of address.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm};
use super::{Page, render};
use crate::client::ClientAddress;
use crate::context::{Ctx, RequestContext};
use crate::error::{ErrorReport, HttpError};
use crate::state::AppState;

/// What the page shows.
enum Step {
    /// The form that asks for an address.
    Ask { email: String },
    /// The answer to it, the same whether or not the address has an account.
    Sent,
    /// The form that takes a new password.
    Choose { token: String },
    /// The form that confirms a new address.
    ConfirmAddress { token: String },
    /// The end: a message and where to go next.
    Done {
        message: String,
        next: &'static str,
        next_label: String,
    },
}

#[derive(Template)]
#[template(path = "recovery.html")]
struct RecoveryTemplate<'a> {
    page: Page<'a>,
    step: Step,
    error: Option<String>,
}

fn show(
    state: &AppState,
    ctx: &RequestContext,
    status: StatusCode,
    title: &str,
    step: Step,
    error: Option<&ErrorReport>,
) -> Response {
    let mut response = render(
        status,
        &RecoveryTemplate {
            page: Page::new(state, ctx, title),
            step,
            error: error.map(|e| e.message(&state.i18n, ctx.locale)),
        },
    );
    if let Some(report) = error {
        report.add_retry_after(&mut response);
    }
    response
}

/// A failure shown on the form it came from; server errors go to the error page.
fn failed(error: &kenning_app::AppError) -> Result<ErrorReport, HttpError> {
    let report = HttpError::from_app(error);
    if report.status.is_server_error() {
        return Err(report);
    }
    Ok(report)
}

fn done(
    state: &AppState,
    ctx: &RequestContext,
    title: &str,
    message: &str,
    next: &'static str,
    label: &str,
) -> Response {
    let page = Page::new(state, ctx, title);
    let step = Step::Done {
        message: page.t(message),
        next,
        next_label: page.t(label),
    };
    show(state, ctx, StatusCode::OK, title, step, None)
}

/// A mailed link that did not work: why, and where to ask for a new one.
fn link_failed(
    state: &AppState,
    ctx: &RequestContext,
    error: &kenning_app::AppError,
    title: &str,
    ask_again: &str,
) -> Result<Response, HttpError> {
    let report = failed(error)?;
    let page = Page::new(state, ctx, title);
    let step = Step::Done {
        message: page.t(ask_again),
        next: "/account",
        next_label: page.t("nav-account"),
    };
    Ok(show(state, ctx, report.status, title, step, Some(&report)))
}

pub async fn forgot_form(State(state): State<AppState>, Ctx(ctx): Ctx) -> Response {
    let step = Step::Ask {
        email: String::new(),
    };
    show(&state, &ctx, StatusCode::OK, "forgot-title", step, None)
}

#[derive(Deserialize)]
pub struct ForgotForm {
    email: String,
}

pub async fn forgot(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ClientAddress(from): ClientAddress,
    CsrfForm(form): CsrfForm<ForgotForm>,
) -> Result<Response, HttpError> {
    match state.app.request_password_reset(&form.email, from).await {
        Ok(()) => Ok(show(
            &state,
            &ctx,
            StatusCode::OK,
            "forgot-title",
            Step::Sent,
            None,
        )),
        Err(e) => {
            let report = failed(&e)?;
            let step = Step::Ask { email: form.email };
            Ok(show(
                &state,
                &ctx,
                report.status,
                "forgot-title",
                step,
                Some(&report),
            ))
        }
    }
}

pub async fn reset_form(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(token): Path<String>,
) -> Response {
    show(
        &state,
        &ctx,
        StatusCode::OK,
        "reset-title",
        Step::Choose { token },
        None,
    )
}

#[derive(Deserialize)]
pub struct ResetForm {
    password: String,
}

pub async fn reset(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(token): Path<String>,
    CsrfForm(form): CsrfForm<ResetForm>,
) -> Result<Response, HttpError> {
    match state.app.reset_password(&token, &form.password).await {
        Ok(_) => Ok(done(
            &state,
            &ctx,
            "reset-title",
            "reset-done",
            "/login",
            "nav-login",
        )),
        Err(e) => {
            let report = failed(&e)?;
            let step = if report.status == StatusCode::GONE {
                Step::Ask {
                    email: String::new(),
                }
            } else {
                Step::Choose { token }
            };
            Ok(show(
                &state,
                &ctx,
                report.status,
                "reset-title",
                step,
                Some(&report),
            ))
        }
    }
}

/// Following the link confirms the address at once: the link proves only that its
/// reader gets this address's mail, which is what confirming means.
pub async fn verify(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(token): Path<String>,
) -> Result<Response, HttpError> {
    match state.app.verify_email(&token).await {
        Ok(_) => Ok(done(
            &state,
            &ctx,
            "verify-title",
            "verify-done",
            "/",
            "nav-home",
        )),
        Err(e) => link_failed(&state, &ctx, &e, "verify-title", "verify-ask-again"),
    }
}

/// A change of address takes a press of a button (a mail scanner following links
/// must not change anyone's address).
pub async fn confirm_email_form(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(token): Path<String>,
) -> Response {
    let step = Step::ConfirmAddress { token };
    show(
        &state,
        &ctx,
        StatusCode::OK,
        "confirm-email-title",
        step,
        None,
    )
}

pub async fn confirm_email(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Path(token): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, HttpError> {
    match state.app.confirm_email_change(&token).await {
        Ok(_) => Ok(done(
            &state,
            &ctx,
            "confirm-email-title",
            "confirm-email-done",
            "/account",
            "nav-account",
        )),
        Err(e) => link_failed(
            &state,
            &ctx,
            &e,
            "confirm-email-title",
            "confirm-email-ask-again",
        ),
    }
}
