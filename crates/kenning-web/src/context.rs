//! Who is asking, in which language and currency: resolved once per request by a
//! middleware and read by the extractors. The same middleware turns error reports into
//! localized bodies (JSON for the API, an HTML page for the site).

use std::sync::Arc;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::cookie::{Cookie, CookieJar, SameSite};
use kenning_app::AppError;
use kenning_app::accounts::{CurrentUser, SessionToken, random_token};
use kenning_domain::fx::ExchangeRate;
use kenning_domain::locale::Locale;
use kenning_domain::money::Currency;
use kenning_domain::tax::Country;

use crate::error::{ErrorReport, api_error_body};
use crate::i18n::negotiate;
use crate::pages::render_error_page;
use crate::site::Site;
use crate::state::AppState;
use crate::zone::Zone;

pub const SESSION_COOKIE: &str = "kenning_session";
pub const CSRF_COOKIE: &str = "kenning_csrf";
pub const LANG_COOKIE: &str = "kenning_lang";
/// The visitor's time zone as their browser reported it (an IANA name).
pub const ZONE_COOKIE: &str = "kenning_tz";
pub const CURRENCY_COOKIE: &str = "kenning_currency";
pub const COUNTRY_COOKIE: &str = "kenning_country";
/// The affiliate link a visitor arrived by: `code.unix-ms` (the creator's programme
/// decides how long it counts).
pub const REFERRAL_COOKIE: &str = "kenning_ref";

/// Everything known about the request before the handler runs.
#[derive(Clone, Debug)]
pub struct RequestContext {
    pub locale: Locale,
    pub currency: Currency,
    /// The rate table: the currencies prices can be shown in (the currency picker),
    /// and whether each shows prices with tax held; empty for the API, which takes any
    /// currency a product has.
    pub rates: Arc<Vec<ExchangeRate>>,
    /// The tax rate of `country` (0 for the API), so every price shown is what this
    /// visitor would pay.
    pub tax_bps: u16,
    /// Where times are shown: the signed-in person's zone, else the one their browser
    /// reported; none (UTC) until either is known.
    pub zone: Option<Arc<Zone>>,
    /// Where the buyer is, for tax: chosen, or read from the language tags.
    pub country: Country,
    /// The affiliate link the visitor came by, and when.
    pub referral: Option<(String, i64)>,
    pub user: Option<CurrentUser>,
    /// The session token the person presented (to log out).
    pub token: Option<SessionToken>,
    /// The token every form must echo (see [`form_token`]).
    pub csrf: String,
    pub path: String,
    pub is_api: bool,
}

fn query_param<'a>(query: Option<&'a str>, name: &str) -> Option<&'a str> {
    query?
        .split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

fn bearer(headers: &HeaderMap) -> Option<SessionToken> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let token = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))?;
    Some(SessionToken::new(token.trim().to_owned()))
}

/// A state-changing request to a page must come from our own pages. The form token
/// already stops forgeries; this refuses cross-origin posts outright. A sibling
/// subdomain is `same-site` but not ours (it may even set cookies for us), so it counts
/// as foreign unless its `Origin` is this server's own. Clients that send neither
/// header (not browsers) are left to the form token.
pub(crate) fn is_forged(headers: &HeaderMap, site: &Site) -> bool {
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or("null"));
    if let Some(origin) = origin.filter(|o| *o != "null") {
        return !site.is_own_origin(origin);
    }
    let fetch_site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or("cross-site"));
    match fetch_site {
        Some(site) => !matches!(site, "same-origin" | "none"),
        // An opaque origin ("null") with nothing else to go on is not ours.
        None => origin.is_some(),
    }
}

/// A first look used by handlers that check on their own (the live room's socket);
/// the middleware has already refused anything [`is_forged`] finds.
pub(crate) fn is_cross_site(headers: &HeaderMap) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        return site == "cross-site";
    }
    match (
        headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()),
        headers.get(header::HOST).and_then(|v| v.to_str().ok()),
    ) {
        (Some(origin), Some(host)) => {
            let origin_host = origin.split("://").nth(1).unwrap_or(origin);
            origin != "null" && origin_host != host
        }
        _ => false,
    }
}

/// The token every form must echo, bound to what the person holds: their session
/// (signed in) or their visitor cookie (signed out). It is an HMAC keyed with that
/// secret, so it cannot be computed without the cookie, which pages cannot read, and a
/// token seen before login is worthless after it.
pub(crate) fn form_token(secret: &str, purpose: &str) -> String {
    use base64::Engine as _;
    use hmac::{KeyInit, Mac};
    let Ok(mut mac) = hmac::Hmac::<sha2::Sha256>::new_from_slice(secret.as_bytes()) else {
        return String::new();
    };
    mac.update(b"kenning-form-token\n");
    mac.update(purpose.as_bytes());
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes())
}

pub fn cookie(name: &'static str, value: String, max_age_days: i64, secure: bool) -> String {
    Cookie::build((name, value))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Lax)
        .secure(secure)
        .max_age(time::Duration::days(max_age_days))
        .build()
        .to_string()
}

/// What the visitor chose or their browser says: language, currency and country.
fn preferences(
    headers: &HeaderMap,
    jar: &CookieJar,
    query: Option<&str>,
    is_api: bool,
) -> (Locale, Currency, Country) {
    let explicit_locale = if is_api {
        query_param(query, "lang").and_then(|l| Locale::parse(l).ok())
    } else {
        jar.get(LANG_COOKIE)
            .and_then(|c| Locale::parse(c.value()).ok())
    };
    let accept_language = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok());
    let locale = explicit_locale
        .unwrap_or_else(|| accept_language.map(negotiate).unwrap_or(Locale::DEFAULT));
    let currency = query_param(query, "currency")
        .or_else(|| jar.get(CURRENCY_COOKIE).map(|c| c.value()))
        .and_then(|c| Currency::from_code(c).ok())
        .unwrap_or_else(|| locale.default_currency());
    let country = query_param(query, "country")
        .or_else(|| jar.get(COUNTRY_COOKIE).map(|c| c.value()))
        .and_then(|c| c.parse::<Country>().ok())
        .or_else(|| {
            accept_language.and_then(|v| {
                v.split(',')
                    .find_map(|tag| Country::from_locale_tag(tag.split(';').next()?.trim()))
            })
        })
        .unwrap_or_else(|| locale.default_country());
    (locale, currency, country)
}

/// The visitor's currency among those the rate table can price, the table, and their
/// country's tax rate. A currency it cannot price (a stale cookie, a hand-made link)
/// becomes their language's own, so a page never claims a currency it then does not
/// show.
async fn priced_for(
    state: &AppState,
    wanted: Currency,
    locale: Locale,
    country: &Country,
) -> Result<(Currency, Arc<Vec<ExchangeRate>>, u16), StatusCode> {
    let (rates, taxes) = tokio::try_join!(state.app.display_rates(), state.app.display_tax_rates())
        .map_err(|_| StatusCode::SERVICE_UNAVAILABLE)?;
    let priced = |c: Currency| rates.iter().any(|r| r.currency == c);
    let currency = match rates.first() {
        Some(_) if priced(wanted) => wanted,
        Some(_) if priced(locale.default_currency()) => locale.default_currency(),
        Some(first) => first.currency,
        None => wanted,
    };
    let tax_bps = (taxes.iter())
        .find(|t| t.country == *country)
        .map_or(0, |t| t.rate_bps);
    Ok((currency, rates, tax_bps))
}

/// The referral remembered in a cookie, and a new one when this request carries an
/// affiliate link (`?ref=CODE` on any page) to a programme that exists: it is
/// remembered for the longest any programme allows, and replaces an earlier one.
async fn referrals(
    state: &AppState,
    jar: &CookieJar,
    query: Option<&str>,
    is_api: bool,
) -> (Option<(String, i64)>, Option<String>) {
    let remembered = jar.get(REFERRAL_COOKIE).and_then(|c| {
        let (code, since) = c.value().rsplit_once('.')?;
        Some((code.to_owned(), since.parse::<i64>().ok()?))
    });
    let new = match query_param(query, "ref") {
        Some(code) if !is_api => match state.app.referral_code_exists(code).await {
            Ok(true) => Some(code.to_owned()),
            _ => None,
        },
        _ => None,
    };
    (remembered, new)
}

/// The visitor cookie: a random secret that keys the form token of someone not signed
/// in (the login and sign-up forms); true when it is new.
fn visitor_secret(jar: &CookieJar) -> Option<(String, bool)> {
    match jar.get(CSRF_COOKIE).map(|c| c.value().to_owned()) {
        Some(c) if c.len() >= 32 => Some((c, false)),
        _ => random_token().ok().map(|t| (t, true)),
    }
}

/// Whether a page request must be refused as forged: unsafe methods, and WebSocket
/// handshakes (a GET that opens a live room with the person's cookie), must come from
/// this server's own pages.
fn forged_page_request(req: &Request, state: &AppState) -> bool {
    let upgrade = req
        .headers()
        .get(header::UPGRADE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.eq_ignore_ascii_case("websocket"));
    let unsafe_method = !matches!(
        *req.method(),
        Method::GET | Method::HEAD | Method::OPTIONS | Method::TRACE
    );
    (upgrade || unsafe_method) && is_forged(req.headers(), &state.site)
}

/// Appends a cookie to a response.
fn set_cookie(
    response: &mut Response,
    state: &AppState,
    name: &'static str,
    value: String,
    days: i64,
) {
    if let Ok(value) =
        HeaderValue::from_str(&cookie(name, value, days, state.config.secure_cookies))
    {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Who the session token belongs to (none: a visitor); an error when the store fails.
async fn session_user(
    state: &AppState,
    token: Option<&SessionToken>,
) -> Result<Option<CurrentUser>, ()> {
    let Some(token) = token else {
        return Ok(None);
    };
    state.app.authenticate(token).await.map_err(|e| {
        tracing::error!(error = %e, "session lookup failed");
    })
}

/// A request's context, and the cookies its response must set.
struct Resolved {
    ctx: RequestContext,
    /// A visitor secret made for this request, to keep in a cookie.
    new_visitor: Option<String>,
    /// A referral first seen on this request, to keep in a cookie.
    new_referral: bool,
}

/// Who is asking, in which language, currency and country, and for whom they were
/// referred; a bare status when the session store or randomness fails.
async fn context_of(
    state: &AppState,
    uri: &axum::http::Uri,
    headers: &axum::http::HeaderMap,
) -> Result<Resolved, StatusCode> {
    let path = uri.path().to_owned();
    let is_api = path.starts_with("/api/");
    let jar = CookieJar::from_headers(headers);
    let query = uri.query();
    let (locale, currency, country) = preferences(headers, &jar, query, is_api);
    let (currency, rates, tax_bps) = if is_api {
        (currency, Arc::default(), 0)
    } else {
        priced_for(state, currency, locale, &country).await?
    };
    let (referral, new_referral) = referrals(state, &jar, query, is_api).await;
    let token = if is_api {
        bearer(headers)
    } else {
        jar.get(SESSION_COOKIE)
            .map(|c| SessionToken::new(c.value().to_owned()))
    };
    let user = session_user(state, token.as_ref())
        .await
        .map_err(|()| StatusCode::SERVICE_UNAVAILABLE)?;
    let zone = (user.as_ref())
        .and_then(|u| u.account.time_zone.as_deref())
        .or_else(|| jar.get(ZONE_COOKIE).map(|c| c.value()))
        .and_then(Zone::named)
        .map(Arc::new);
    let (visitor, new_visitor) = visitor_secret(&jar).ok_or(StatusCode::INTERNAL_SERVER_ERROR)?;
    let csrf = match (&user, &token) {
        (Some(_), Some(session)) => form_token(session.as_str(), "session"),
        _ => form_token(&visitor, "visitor"),
    };
    let ctx = RequestContext {
        locale,
        currency,
        rates,
        tax_bps,
        zone,
        country,
        referral: match &new_referral {
            Some(code) => Some((code.clone(), state.app.now_ms())),
            None => referral,
        },
        user,
        token,
        csrf,
        path,
        is_api,
    };
    Ok(Resolved {
        new_visitor: (new_visitor && !is_api).then_some(visitor),
        new_referral: new_referral.is_some(),
        ctx,
    })
}

/// The middleware.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let resolved = match context_of(&state, req.uri(), req.headers()).await {
        Ok(resolved) => resolved,
        Err(status) => return status.into_response(),
    };
    let ctx = resolved.ctx;
    let refused = !ctx.is_api && forged_page_request(&req, &state);
    req.extensions_mut().insert(ctx.clone());
    let mut response = if refused {
        ErrorReport::new(StatusCode::FORBIDDEN, "csrf_failed").into_response()
    } else {
        next.run(req).await
    };
    if let Some(visitor) = resolved.new_visitor {
        set_cookie(&mut response, &state, CSRF_COOKIE, visitor, 365);
    }
    if let Some((code, since)) = ctx.referral.as_ref().filter(|_| resolved.new_referral) {
        let days = kenning_domain::revenue::MAX_COOKIE_DAYS;
        set_cookie(
            &mut response,
            &state,
            REFERRAL_COOKIE,
            format!("{code}.{since}"),
            days,
        );
    }
    if !ctx.is_api {
        response
            .headers_mut()
            .entry(header::CACHE_CONTROL)
            .or_insert(HeaderValue::from_static("private, no-store"));
    }
    finish_errors(&state, &ctx, response)
}

/// Fills the body of an error response in the person's language.
fn finish_errors(state: &AppState, ctx: &RequestContext, mut response: Response) -> Response {
    let report = match response.extensions_mut().remove::<ErrorReport>() {
        Some(report) => report,
        None => match response.status() {
            StatusCode::PAYLOAD_TOO_LARGE => {
                ErrorReport::new(StatusCode::PAYLOAD_TOO_LARGE, "upload_too_large").with_arg(
                    "max",
                    i64::try_from(state.config.max_body_bytes).unwrap_or(0),
                )
            }
            StatusCode::METHOD_NOT_ALLOWED => {
                ErrorReport::new(StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed")
            }
            // The framework's own rejections (a query string or form it could not read)
            // come as plain text without a report: they get our format and language too.
            // Pages that answer 4xx themselves (a form shown again) are HTML and pass.
            StatusCode::BAD_REQUEST | StatusCode::UNPROCESSABLE_ENTITY
                if response
                    .headers()
                    .get(header::CONTENT_TYPE)
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|t| t.starts_with("text/plain")) =>
            {
                ErrorReport::new(response.status(), "invalid_request")
            }
            _ => return response,
        },
    };
    if !ctx.is_api && report.code == "unauthenticated" {
        let next: String = form_urlencoded::byte_serialize(ctx.path.as_bytes()).collect();
        return Redirect::to(&format!("/login?next={next}")).into_response();
    }
    let headers = std::mem::take(response.headers_mut());
    let mut out = if ctx.is_api {
        api_error_body(&state.i18n, ctx.locale, &report)
    } else {
        render_error_page(state, ctx, &report)
    };
    for (name, value) in headers.iter() {
        if name == header::SET_COOKIE || name == header::WWW_AUTHENTICATE {
            out.headers_mut().append(name, value.clone());
        }
    }
    report.add_retry_after(&mut out);
    out
}

/// Extracts the request context.
pub struct Ctx(pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for Ctx {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<RequestContext>()
            .cloned()
            .map(Ctx)
            .ok_or_else(|| StatusCode::INTERNAL_SERVER_ERROR.into_response())
    }
}

/// A signed-in person; anonymous requests are refused (401 for the API, a redirect to
/// the login page for the site).
pub struct SignedIn(pub CurrentUser, pub RequestContext);

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let Ctx(ctx) = Ctx::from_request_parts(parts, state).await?;
        match ctx.user.clone() {
            Some(user) => Ok(SignedIn(user, ctx)),
            None => Err(ErrorReport::from_app(&AppError::Unauthenticated).into_response()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::state::WebConfig;

    fn site() -> Site {
        Site::new(&WebConfig {
            listen_addr: Some(std::net::SocketAddr::from(([127, 0, 0, 1], 8080))),
            ..WebConfig::default()
        })
    }

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn only_our_own_origin_may_post() {
        let site = site();
        assert!(is_forged(
            &headers(&[("sec-fetch-site", "cross-site")]),
            &site
        ));
        assert!(is_forged(
            &headers(&[("sec-fetch-site", "same-site")]),
            &site
        ));
        assert!(is_forged(
            &headers(&[
                ("sec-fetch-site", "same-site"),
                ("origin", "http://shop.127.0.0.1:8080")
            ]),
            &site
        ));
        assert!(!is_forged(
            &headers(&[
                ("sec-fetch-site", "same-origin"),
                ("origin", "http://127.0.0.1:8080")
            ]),
            &site
        ));
        assert!(is_forged(
            &headers(&[("host", "evil.example"), ("origin", "http://evil.example")]),
            &site
        ));
        assert!(!is_forged(
            &headers(&[("sec-fetch-site", "same-origin")]),
            &site
        ));
        assert!(!is_forged(&headers(&[]), &site));
    }

    #[test]
    fn form_tokens_depend_on_the_secret_and_purpose() {
        assert_eq!(form_token("a", "session"), form_token("a", "session"));
        assert_ne!(form_token("a", "session"), form_token("b", "session"));
        assert_ne!(form_token("a", "session"), form_token("a", "visitor"));
        assert_eq!(form_token("a", "session").len(), 43);
    }
}
