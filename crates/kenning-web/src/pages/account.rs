//! Register, log in, log out, language and currency.

use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::accounts::Registration;
use kenning_app::two_factor::SignIn;
use kenning_domain::locale::Locale;
use kenning_domain::money::Currency;
use kenning_domain::tax::Country;
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm};
use super::{Page, render};
use crate::client::ClientAddress;
use crate::context::{
    COUNTRY_COOKIE, CURRENCY_COOKIE, Ctx, LANG_COOKIE, RequestContext, SESSION_COOKIE, ZONE_COOKIE,
    cookie,
};
use crate::error::HttpError;
use crate::state::AppState;

/// Only a path on this site is followed after login (or after choosing a language),
/// never another host: anything else goes to the home page.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if is_local_path(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A plain `/…` path: no second slash or backslash after the first (which browsers
/// read as another host), no control characters or spaces (a tab or newline is
/// dropped by browsers, so `/\t/evil.example` is `//evil.example`), and the same holds
/// after each layer of percent-decoding. Finally the path must resolve on this origin.
pub(crate) fn is_local_path(raw: &str) -> bool {
    fn plain(path: &str) -> bool {
        path.starts_with('/')
            && !path.starts_with("//")
            && !path.chars().any(|c| c.is_control() || c == '\\')
    }
    if !plain(raw) || raw.chars().any(char::is_whitespace) {
        return false;
    }
    let mut layer = raw.to_owned();
    for _ in 0..4 {
        let Ok(decoded) = percent_encoding::percent_decode_str(&layer).decode_utf8() else {
            return false;
        };
        if decoded == layer.as_str() {
            break;
        }
        if !plain(&decoded) {
            return false;
        }
        layer = decoded.into_owned();
    }
    const BASE: &str = "http://kenning.invalid/";
    url::Url::parse(BASE)
        .and_then(|base| base.join(raw))
        .is_ok_and(|url| {
            url.origin().ascii_serialization() == BASE.trim_end_matches('/')
                && url.username().is_empty()
                && !url.path().starts_with("//")
        })
}

/// A 303 to a path checked by [`safe_next`]; one that cannot be a header goes home.
fn see_other(path: &str) -> Response {
    let location = HeaderValue::from_str(path).unwrap_or(HeaderValue::from_static("/"));
    (StatusCode::SEE_OTHER, [(header::LOCATION, location)]).into_response()
}

/// What the login and registration pages show.
#[derive(Default)]
struct AccountView {
    register: bool,
    /// The second step of a sign-in: its challenge, for the code form.
    challenge: Option<String>,
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
    let mut response = see_other(next);
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
    let mut page = account_page(state, ctx, report.status, view);
    report.add_retry_after(&mut page);
    Ok(page)
}

pub async fn register(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ClientAddress(from): ClientAddress,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, HttpError> {
    let next = safe_next(form.next.as_deref());
    let registration = Registration {
        email: form.email.clone(),
        password: form.password.clone(),
        display_name: form.display_name.clone(),
    };
    if let Err(e) = state.app.register(registration, from, ctx.locale).await {
        let view = AccountView {
            register: true,
            email: form.email,
            display_name: form.display_name,
            next,
            ..AccountView::default()
        };
        return form_error(&state, &ctx, &e, view);
    }
    let (_, token) = state.app.log_in(&form.email, &form.password, from).await?;
    Ok(session_response(&state, token.as_str(), &next))
}

pub async fn login(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    ClientAddress(from): ClientAddress,
    CsrfForm(form): CsrfForm<AccountForm>,
) -> Result<Response, HttpError> {
    let next = safe_next(form.next.as_deref());
    match state
        .app
        .sign_in(&form.email, &form.password, None, from)
        .await
    {
        Ok(SignIn::Done(_, token)) => Ok(session_response(&state, token.as_str(), &next)),
        Ok(SignIn::CodeNeeded { challenge }) => {
            let view = AccountView {
                challenge: Some(challenge),
                next,
                ..AccountView::default()
            };
            Ok(account_page(&state, &ctx, StatusCode::OK, view))
        }
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

#[derive(Deserialize)]
pub struct CodeForm {
    challenge: String,
    code: String,
    next: Option<String>,
}

/// The second step of a sign-in: the code from the authenticator app (or a recovery
/// code). A wrong one shows the form again; an expired challenge starts over.
pub async fn login_code(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    CsrfForm(form): CsrfForm<CodeForm>,
) -> Result<Response, HttpError> {
    let next = safe_next(form.next.as_deref());
    match state.app.finish_sign_in(&form.challenge, &form.code).await {
        Ok((_, token)) => Ok(session_response(&state, token.as_str(), &next)),
        Err(e) => {
            let challenge =
                (!matches!(e, kenning_app::AppError::LinkExpired)).then_some(form.challenge);
            let view = AccountView {
                challenge,
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
    /// Where the buyer is, for the tax in the prices shown.
    country: Option<String>,
    back: Option<String>,
}

/// Remembers the chosen language, currency and country in cookies.
pub async fn preferences(
    State(state): State<AppState>,
    CsrfForm(form): CsrfForm<PreferencesForm>,
) -> Result<Response, HttpError> {
    let mut response = see_other(&safe_next(form.back.as_deref()));
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
    if let Some(code) = form.country.as_deref() {
        let country: Country = code.trim().parse()?;
        if let Ok(v) =
            HeaderValue::from_str(&cookie(COUNTRY_COOKIE, country.to_string(), 365, secure))
        {
            response.headers_mut().append(header::SET_COOKIE, v);
        }
    }
    Ok(response)
}

#[derive(Deserialize)]
pub struct TimeZoneForm {
    zone: String,
}

/// Keeps the zone the browser reports (site.js sends it when it differs from the one
/// the page was shown in): in a cookie, and with the account of a signed-in person.
/// A name the time-zone database does not know is refused and changes nothing.
pub async fn time_zone(
    State(state): State<AppState>,
    Ctx(ctx): Ctx,
    CsrfForm(form): CsrfForm<TimeZoneForm>,
) -> Result<Response, HttpError> {
    let zone =
        crate::zone::Zone::named(&form.zone).ok_or(kenning_domain::DomainError::InvalidTimeZone)?;
    if let Some(user) = &ctx.user {
        state.app.set_time_zone(user, zone.name()).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    let value = cookie(
        ZONE_COOKIE,
        zone.name().to_owned(),
        365,
        state.config.secure_cookies,
    );
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(header::SET_COOKIE, v);
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
        assert_eq!(
            safe_next(Some("/products/1?x=2#top")),
            "/products/1?x=2#top"
        );
    }

    #[test]
    fn disguised_hosts_are_refused() {
        for next in [
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\nSet-Cookie: a=b",
            "/%09/evil.example",
            "/%2F/evil.example",
            "/%2f%2fevil.example",
            "/%5Cevil.example",
            "/%252F%252Fevil.example",
            "/ /evil.example",
            "/\u{0}x",
            "javascript:alert(1)",
            "evil.example",
            "",
            "///evil.example",
            "/\\/evil.example",
        ] {
            assert_eq!(safe_next(Some(next)), "/", "{next:?}");
        }
    }
}
