//! One's own account: name and language, address (and confirming it), password, and
//! where one is signed in.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kenning_app::AppError;
use kenning_app::accounts::{CurrentUser, SessionView};
use kenning_app::two_factor::{TwoFactorSetup, TwoFactorStatus};
use kenning_domain::locale::Locale;
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm};
use super::{Page, render};
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::state::AppState;

/// A part of the page, for its notice or error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Section {
    Profile,
    Email,
    Password,
    Sessions,
    Data,
    TwoFactor,
}

impl Section {
    fn parse(raw: &str) -> Option<Section> {
        match raw {
            "profile" => Some(Section::Profile),
            "email" => Some(Section::Email),
            "password" => Some(Section::Password),
            "sessions" => Some(Section::Sessions),
            "two-factor" => Some(Section::TwoFactor),
            _ => None,
        }
    }
}

/// A session as listed.
struct SessionRow {
    id: String,
    since: String,
    current: bool,
}

impl SessionRow {
    fn of(page: &Page<'_>, s: SessionView) -> SessionRow {
        SessionRow {
            id: s.id,
            since: page.tr.datetime(s.created_at_ms),
            current: s.current,
        }
    }
}

#[derive(Template)]
#[template(path = "account_settings.html")]
struct SettingsTemplate<'a> {
    page: Page<'a>,
    name: String,
    email: String,
    verified: bool,
    locale: &'static str,
    locales: Vec<(&'static str, String)>,
    sessions: Vec<SessionRow>,
    two_factor: TwoFactorStatus,
    /// A setup started and not yet confirmed, and its address as a QR code (SVG).
    setup: Option<TwoFactorSetup>,
    setup_qr: Option<String>,
    /// Recovery codes just made, shown this once.
    fresh_codes: Vec<String>,
    /// The section a notice or error belongs to, and its text.
    notice: Option<(Section, String)>,
    error: Option<(Section, String)>,
}

impl SettingsTemplate<'_> {
    fn notice_in(&self, section: &Section) -> Option<&str> {
        self.notice
            .as_ref()
            .filter(|(s, _)| s == section)
            .map(|(_, t)| t.as_str())
    }

    fn error_in(&self, section: &Section) -> Option<&str> {
        self.error
            .as_ref()
            .filter(|(s, _)| s == section)
            .map(|(_, t)| t.as_str())
    }
}

async fn show(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    notice: Option<Section>,
    error: Option<(Section, &AppError)>,
) -> Result<Response, HttpError> {
    show_with_codes(state, ctx, user, notice, error, Vec::new()).await
}

impl Section {
    /// What a notice after a change in this section says.
    fn notice_id(&self) -> &'static str {
        match self {
            Section::Profile => "settings-profile-saved",
            Section::Email => "settings-email-sent",
            Section::Password => "settings-password-saved",
            Section::Sessions => "settings-sessions-ended",
            Section::Data => "settings-data",
            Section::TwoFactor => "two-factor-off-done",
        }
    }
}

async fn show_with_codes(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    notice: Option<Section>,
    error: Option<(Section, &AppError)>,
    fresh_codes: Vec<String>,
) -> Result<Response, HttpError> {
    let model = state.app.account_page(user, ctx.token.as_ref()).await?;
    let page = Page::new(state, ctx, "settings-title");
    let account = &user.account;
    // A failure is shown in its section; one on the server's side goes to the error page.
    let report = error.map(|(_, e)| HttpError::from_app(e));
    if let Some(report) = report.as_ref().filter(|r| r.status.is_server_error()) {
        return Err(report.clone());
    }
    let template = SettingsTemplate {
        name: account.display_name.as_str().to_owned(),
        email: account.email.to_string(),
        verified: account.email_verified,
        locale: account.locale.tag(),
        locales: Locale::ALL
            .iter()
            .map(|l| (l.tag(), page.t(&format!("locale-{}", l.tag()))))
            .collect(),
        sessions: model
            .sessions
            .into_iter()
            .map(|s| SessionRow::of(&page, s))
            .collect(),
        two_factor: model.two_factor,
        setup_qr: (model.setup.as_ref())
            .and_then(|s| crate::qr::svg(&s.url, 200, &page.t("two-factor-scan"))),
        setup: model.setup,
        fresh_codes,
        notice: notice.map(|s| (s, page.t(s.notice_id()))),
        error: error
            .zip(report.as_ref())
            .map(|((s, _), r)| (s, r.message(&state.i18n, ctx.locale))),
        page,
    };
    let status = report.as_ref().map_or(StatusCode::OK, |r| r.status);
    let mut response = render(status, &template);
    if let Some(report) = report {
        report.add_retry_after(&mut response);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct DoneParam {
    done: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(q): Query<DoneParam>,
) -> Result<Response, HttpError> {
    let notice = q.done.as_deref().and_then(Section::parse);
    show(&state, &ctx, &user, notice, None).await
}

/// After a change, the page again with its notice (a reload does not post twice).
fn saved(section: &str) -> Response {
    axum::response::IntoResponse::into_response(Redirect::to(&format!(
        "/account?done={section}#{section}"
    )))
}

#[derive(Deserialize)]
pub struct ProfileForm {
    display_name: String,
    locale: String,
}

pub async fn save_profile(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<ProfileForm>,
) -> Result<Response, HttpError> {
    let outcome = match Locale::parse(&form.locale) {
        Ok(locale) => state
            .app
            .update_profile(&user, &form.display_name, locale)
            .await
            .map(|_| ()),
        Err(e) => Err(e.into()),
    };
    match outcome {
        Ok(()) => Ok(saved("profile")),
        Err(e) => show(&state, &ctx, &user, None, Some((Section::Profile, &e))).await,
    }
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, HttpError> {
    let outcome = state
        .app
        .change_password(
            &user,
            ctx.token.as_ref(),
            &form.current_password,
            &form.new_password,
        )
        .await;
    match outcome {
        Ok(()) => Ok(saved("password")),
        Err(e) => show(&state, &ctx, &user, None, Some((Section::Password, &e))).await,
    }
}

#[derive(Deserialize)]
pub struct EmailForm {
    password: String,
    email: String,
}

pub async fn change_email(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<EmailForm>,
) -> Result<Response, HttpError> {
    let outcome = state
        .app
        .request_email_change(&user, &form.password, &form.email)
        .await;
    match outcome {
        Ok(()) => Ok(saved("email")),
        Err(e) => show(&state, &ctx, &user, None, Some((Section::Email, &e))).await,
    }
}

pub async fn resend_verification(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, HttpError> {
    match state.app.resend_verification(&user).await {
        Ok(()) => Ok(saved("email")),
        Err(e) => show(&state, &ctx, &user, None, Some((Section::Email, &e))).await,
    }
}

pub async fn end_other_sessions(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, HttpError> {
    state
        .app
        .end_other_sessions(&user, ctx.token.as_ref())
        .await?;
    Ok(saved("sessions"))
}

/// All of one's data as a JSON download.
pub async fn export(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Response, HttpError> {
    let data = state.app.export_my_data(&user).await?;
    let body = serde_json::to_vec_pretty(&data)
        .map_err(|e| HttpError::from_app(&AppError::Internal(format!("export: {e}"))))?;
    Ok(super::attachment(
        "application/json",
        "kenning-my-data.json",
        body,
    ))
}

#[derive(Deserialize)]
pub struct DeleteForm {
    password: String,
}

/// Deletes one's account, then signs out and goes home.
pub async fn delete(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, HttpError> {
    match state.app.delete_my_account(&user, &form.password).await {
        Ok(()) => {
            let mut response =
                axum::response::IntoResponse::into_response(Redirect::to("/?deleted=1"));
            if let Ok(value) = axum::http::HeaderValue::from_str(&crate::context::cookie(
                crate::context::SESSION_COOKIE,
                String::new(),
                0,
                state.config.secure_cookies,
            )) {
                response
                    .headers_mut()
                    .append(axum::http::header::SET_COOKIE, value);
            }
            Ok(response)
        }
        Err(e) => show(&state, &ctx, &user, None, Some((Section::Data, &e))).await,
    }
}

/// Starts turning two-step sign-in on: the page shows the new secret.
pub async fn start_two_factor(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, HttpError> {
    match state.app.start_two_factor(&user, &form.password).await {
        Ok(_) => Ok(axum::response::IntoResponse::into_response(Redirect::to(
            "/account#two-factor",
        ))),
        Err(e) => show(&state, &ctx, &user, None, Some((Section::TwoFactor, &e))).await,
    }
}

#[derive(Deserialize)]
pub struct CodeForm {
    code: String,
}

/// Turns it on with a code; the page shows the recovery codes this once.
pub async fn confirm_two_factor(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, HttpError> {
    match state.app.confirm_two_factor(&user, &form.code).await {
        Ok(codes) => show_with_codes(&state, &ctx, &user, None, None, codes).await,
        Err(e) => show(&state, &ctx, &user, None, Some((Section::TwoFactor, &e))).await,
    }
}

/// Turns it off (the password is asked for).
pub async fn disable_two_factor(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<DeleteForm>,
) -> Result<Response, HttpError> {
    match state.app.disable_two_factor(&user, &form.password).await {
        Ok(()) => Ok(saved("two-factor")),
        Err(e) => show(&state, &ctx, &user, None, Some((Section::TwoFactor, &e))).await,
    }
}
