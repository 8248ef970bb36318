//! Form bodies with their CSRF token checked before the handler sees them.

use std::collections::HashMap;

use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use bytes::Bytes;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::context::RequestContext;
use crate::error::ErrorReport;
use crate::state::AppState;

/// A form whose only field is its token (log out, publish, claim …).
#[derive(Deserialize)]
pub struct EmptyForm {}

#[derive(Deserialize)]
struct TokenOnly {
    #[serde(default)]
    csrf: String,
}

/// Compares in time independent of where the strings differ.
pub fn same_token(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.bytes()
            .zip(b.bytes())
            .fold(0u8, |acc, (x, y)| acc | (x ^ y))
            == 0
}

/// A URL-encoded form whose `csrf` field matches the person's token.
pub struct CsrfForm<T>(pub T);

/// The body of a form whose `csrf` field matches the person's token.
async fn checked_body<S>(req: Request, state: &S) -> Result<Bytes, ErrorReport>
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    let expected = req
        .extensions()
        .get::<RequestContext>()
        .map(|c| c.csrf.clone())
        .unwrap_or_default();
    let max_body_bytes = AppState::from_ref(state).config.max_body_bytes;
    // Too long: the message names the limit.
    let body = Bytes::from_request(req, state).await.map_err(|_| {
        ErrorReport::new(StatusCode::PAYLOAD_TOO_LARGE, "upload_too_large")
            .with_arg("max", i64::try_from(max_body_bytes).unwrap_or(i64::MAX))
    })?;
    let token: TokenOnly = serde_urlencoded::from_bytes(&body)
        .map_err(|_| ErrorReport::new(StatusCode::BAD_REQUEST, "invalid_form"))?;
    if expected.is_empty() || !same_token(&token.csrf, &expected) {
        return Err(ErrorReport::new(StatusCode::FORBIDDEN, "csrf_failed"));
    }
    Ok(body)
}

fn fields_of<T: DeserializeOwned>(body: &[u8]) -> Result<T, ErrorReport> {
    serde_urlencoded::from_bytes(body)
        .map_err(|_| ErrorReport::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_form"))
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
    AppState: FromRef<S>,
{
    type Rejection = ErrorReport;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = checked_body(req, state).await?;
        fields_of(&body).map(CsrfForm)
    }
}

/// What a person typed into a form, field by field, to show it again when the form is
/// refused. The CSRF token is not kept.
#[derive(Clone, Debug, Default)]
pub struct Typed(HashMap<String, String>);

impl Typed {
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).map(String::as_str)
    }
}

/// A [`CsrfForm`] that also keeps what was typed (see [`Refused`]).
pub struct KeptForm<T>(pub T, pub Typed);

impl<S, T> FromRequest<S> for KeptForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
    AppState: FromRef<S>,
{
    type Rejection = ErrorReport;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let body = checked_body(req, state).await?;
        let pairs: Vec<(String, String)> = fields_of(&body)?;
        let typed = pairs.into_iter().filter(|(k, _)| k != "csrf").collect();
        Ok(KeptForm(fields_of(&body)?, Typed(typed)))
    }
}

/// A form the person can put right, shown again on its page: which form it was (pages
/// with several forms name each), why it was refused in their language, and what they
/// typed. The page renders with the refusal's status; [`Refused::default`] is none.
#[derive(Debug, Default)]
pub struct Refused {
    form: String,
    status: Option<StatusCode>,
    message: String,
    typed: Typed,
}

impl Refused {
    /// The refusal of `form`, when the person can put it right (see [`refusal`]); any
    /// other error is passed on to the error page.
    pub fn of(
        state: &AppState,
        ctx: &RequestContext,
        form: impl Into<String>,
        error: ErrorReport,
        typed: Typed,
    ) -> Result<Refused, ErrorReport> {
        let (status, message) = refusal_of(state, ctx, error)?;
        Ok(Refused {
            form: form.into(),
            status: Some(status),
            message,
            typed,
        })
    }

    /// The status to render the page with.
    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or(StatusCode::OK)
    }

    /// Why `form` was refused, when it was.
    pub fn on(&self, form: &str) -> Option<&str> {
        (self.status.is_some() && self.form == form).then_some(self.message.as_str())
    }

    /// What was typed into `field` of `form`, or `default` when that form was not
    /// refused.
    pub fn value<'a>(&'a self, form: &str, field: &str, default: &'a str) -> &'a str {
        if self.on(form).is_some() {
            self.typed.get(field).unwrap_or_default()
        } else {
            default
        }
    }

    /// Whether `value` was chosen in `field` of the refused `form`, else `default`
    /// (for options, radio buttons and check boxes).
    pub fn chose(&self, form: &str, field: &str, value: &str, default: bool) -> bool {
        if self.on(form).is_some() {
            self.typed.get(field) == Some(value)
        } else {
            default
        }
    }
}

/// Why a form was refused, in the person's language, and its status, when the person
/// can put it right (bad input, a conflict, a limit): the form is then shown again with
/// what they typed. A server error, or a refusal of who they are (not signed in, not
/// theirs), is passed on to the error page instead.
fn refusal_of(
    state: &AppState,
    ctx: &RequestContext,
    report: ErrorReport,
) -> Result<(StatusCode, String), ErrorReport> {
    let correctable = report.status.is_client_error()
        && !matches!(
            report.status,
            StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN | StatusCode::NOT_FOUND
        );
    if correctable {
        Ok((report.status, report.message(&state.i18n, ctx.locale)))
    } else {
        Err(report)
    }
}

/// A `datetime-local` field (`YYYY-MM-DDTHH:MM`), taken as UTC, in ms since the epoch.
pub fn utc_minute(field: &str) -> Option<i64> {
    crate::api::types::parse_timestamp(&format!("{}:00Z", field.trim()))
}

/// A `date` field (`YYYY-MM-DD`): the start of that day in UTC, in ms since the epoch.
pub fn utc_day(field: &str) -> Option<i64> {
    crate::api::types::parse_timestamp(&format!("{}T00:00:00Z", field.trim()))
}

/// A `date` field's value (`YYYY-MM-DD`, UTC) for a moment.
pub fn day_value(ms: i64) -> String {
    crate::api::types::timestamp(ms).chars().take(10).collect()
}

/// A `datetime-local` field's value (`YYYY-MM-DDTHH:MM`, UTC) for a moment.
pub fn minute_value(ms: i64) -> String {
    crate::api::types::timestamp(ms).chars().take(16).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_compare_exactly() {
        assert!(same_token("abc", "abc"));
        assert!(!same_token("abc", "abd"));
        assert!(!same_token("abc", "ab"));
        assert!(!same_token("", "a"));
    }

    #[test]
    fn field_values_read_back_as_the_same_moment() {
        let ms = 1_796_000_000_000 - 1_796_000_000_000 % 60_000;
        assert_eq!(utc_minute(&minute_value(ms)), Some(ms));
        let day = ms - ms % 86_400_000;
        assert_eq!(utc_day(&day_value(ms)), Some(day));
    }
}
