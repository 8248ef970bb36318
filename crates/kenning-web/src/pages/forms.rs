//! Form bodies with their CSRF token checked before the handler sees them.

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

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
    AppState: FromRef<S>,
{
    type Rejection = ErrorReport;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
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
        serde_urlencoded::from_bytes(&body)
            .map(CsrfForm)
            .map_err(|_| ErrorReport::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_form"))
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
