//! Register, log in, log out, language and currency.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::accounts::Registration;
use kenning_domain::locale::Locale;
use kenning_domain::money::Currency;
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm};
use super::{Page, render};
use crate::context::{CURRENCY_COOKIE, Ctx, LANG_COOKIE, RequestContext, SESSION_COOKIE, cookie};
use crate::error::HttpError;
use crate::state::AppState;

/// Only same-site paths are followed after login, never another host.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// What the login and registration pages show.
#[derive(Default)]
struct AccountView {
    register: bool,
    error: Option<String>,
    email: String,
    display_name: String,
    next: String,
}

#[derive(Template)]
#[template(path = "account.html")]
struct AccountTemplate<'a> {
    page: Page<'a>,
    view: AccountView,
}

fn account_page(
    state: &AppState,
    ctx: &RequestContext,
    status: StatusCode,
    view: AccountView,
) -> Response {
    let title = if view.register {
        "register-title"
    } else {
        "login-title"
    };
    render(
        status,
        &AccountTemplate {
            page: Page::new(state, ctx, title),
            view,
        },
    )
}

#[derive(Deserialize)]
pub struct NextParam {
    next: Option<String>,
}

pub async fn register_form(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(q): Query<NextParam>,
) -> Response {
    let view = AccountView {
        register: true,
        next: safe_next(q.next.as_deref()),
        ..AccountView::default()
    };
    account_page(&state, &ctx, StatusCode::OK, view)
}

pub async fn login_form(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    Query(q): Query<NextParam>,
) -> Response {
    let view = AccountView {
        next: safe_next(q.next.as_deref()),
        ..AccountView::default()
    };
    account_page(&state, &ctx, StatusCode::OK, view)
}

#[derive(Deserialize)]
pub struct AccountForm {
    email: String,
    password: String,
    #[serde(default)]
    display_name: String,
    next: Option<String>,
}

fn session_response(state: &AppState, token: &str, next: &str) -> Response {
    let mut response = Redirect::to(next).into_response();
    let days = state.app.settings().session_days;
    if let Ok(value) = HeaderValue::from_str(&cookie(
        SESSION_COOKIE,
        token.to_owned(),
        days,
        state.config.secure_cookies,
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

/// Shows the form again with the error in the person's language (server errors go to
/// the error page instead).
fn form_error(
    state: &AppState,
    ctx: &RequestContext,
    error: &kenning_app::AppError,
    view: AccountView,
) -> Result<Response, HttpError> {
    let report = HttpError::from_app(error);
    if report.status.is_server_error() {
        return Err(report);
    }
    let view = AccountView {
        error: Some(report.message(&state.i18n, ctx.locale)),
        ..view
    };
    Ok(account_page(state, ctx, report.status, view))
}

pub async fn register(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, HttpError> {
    let next = safe_next(form.next.as_deref());
    let registration = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
    };
    if let Err(e) = state.app.register(registration).await {
        let view = AccountView {
            register: true,
            error: None,
            email: form.email,
            display_name: form.display_name,
            next,
        };
        return form_error(&state, &ctx, &e, view);
    }
    let (_, token) = state.app.log_in(&form.email, &form.password).await?;
    Ok(session_response(&state, token.as_str(), &next))
}

pub async fn login(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, HttpError> {
    let next = safe_next(form.next.as_deref());
    match state.app.log_in(&form.email, &form.password).await {
        Ok((_, token)) => Ok(session_response(&state, token.as_str(), &next)),
        Err(e) => {
            let view = AccountView {
                email: form.email,
                next,
                ..AccountView::default()
            };
            form_error(&state, &ctx, &e, view)
        }
    }
}

pub async fn logout(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, HttpError> {
    if let Some(token) = &ctx.token {
        state.app.log_out(token).await?;
    }
    let mut response = Redirect::to("/").into_response();
    if let Ok(value) = HeaderValue::from_str(&cookie(
        SESSION_COOKIE,
        String::new(),
        0,
        state.config.secure_cookies,
    )) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct PreferencesForm {
    lang: Option<String>,
    currency: Option<String>,
    back: Option<String>,
}

/// Remembers the chosen language and currency in cookies.
pub async fn preferences(
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<PreferencesForm>,
) -> Result<Response, HttpError> {
    let mut response = Redirect::to(&safe_next(form.back.as_deref())).into_response();
    let secure = state.config.secure_cookies;
    if let Some(lang) = form.lang.as_deref() {
        let locale = Locale::parse(lang)?;
        if let Ok(v) = HeaderValue::from_str(&cookie(LANG_COOKIE, locale.tag().into(), 365, secure))
        {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    if let Some(code) = form.currency.as_deref() {
        let currency = Currency::from_code(code)?;
        if let Ok(v) = HeaderValue::from_str(&cookie(
            CURRENCY_COOKIE,
            currency.code().into(),
            365,
            secure,
        )) {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_local_paths_are_followed_after_login() {
        assert_eq!(safe_next(Some("/library")), "/library");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil.example")), "/");
        assert_eq!(safe_next(None), "/");
    }
}
