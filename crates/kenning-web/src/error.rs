//! Errors on the way out. A handler returns an [`HttpError`]: a status, a stable code and
//! the arguments of its message. The context middleware turns it into a body in the
//! person's language, JSON `{"error": {"code", "message"}}` for the API or an HTML page.
//! Internal details are logged, never sent.

use axum::Json;
use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRef, FromRequest, Request};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use fluent_bundle::FluentArgs;
use kenning_app::AppError;
use kenning_app::error::ErrorKind;
use kenning_domain::DomainError;
use kenning_domain::locale::Locale;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::i18n::I18n;
use crate::state::AppState;

/// An error response waiting for its localized body.
#[derive(Clone, Debug)]
pub struct ErrorReport {
    pub status: StatusCode,
    pub code: &'static str,
    pub args: Vec<(&'static str, i64)>,
}

/// What handlers return on failure.
pub type HttpError = ErrorReport;

impl ErrorReport {
    pub fn new(status: StatusCode, code: &'static str) -> Self {
        ErrorReport {
            status,
            code,
            args: Vec::new(),
        }
    }

    pub fn with_arg(mut self, name: &'static str, value: i64) -> Self {
        self.args.push((name, value));
        self
    }

    pub fn not_found() -> Self {
        ErrorReport::new(StatusCode::NOT_FOUND, "not_found")
    }

    pub fn from_app(error: &AppError) -> Self {
        let status = match error.kind() {
            ErrorKind::Invalid => StatusCode::UNPROCESSABLE_ENTITY,
            ErrorKind::BadRequest => StatusCode::BAD_REQUEST,
            ErrorKind::TooManyRequests => StatusCode::TOO_MANY_REQUESTS,
            ErrorKind::Unauthenticated => StatusCode::UNAUTHORIZED,
            ErrorKind::Forbidden => StatusCode::FORBIDDEN,
            ErrorKind::NotFound => StatusCode::NOT_FOUND,
            ErrorKind::Conflict => StatusCode::CONFLICT,
            ErrorKind::PaymentRequired => StatusCode::PAYMENT_REQUIRED,
            ErrorKind::TooLarge => StatusCode::PAYLOAD_TOO_LARGE,
            ErrorKind::UnsupportedMedia => StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorKind::Unavailable => {
                tracing::warn!(error = %error, "a service Kenning depends on is unavailable");
                StatusCode::SERVICE_UNAVAILABLE
            }
            ErrorKind::Gone => StatusCode::GONE,
            ErrorKind::BadGateway => {
                tracing::error!(error = %error, "a service Kenning depends on refused");
                StatusCode::BAD_GATEWAY
            }
            ErrorKind::Internal => {
                tracing::error!(error = %error, "internal error");
                StatusCode::INTERNAL_SERVER_ERROR
            }
        };
        let mut report = ErrorReport::new(status, error.code());
        match error {
            AppError::Invalid(DomainError::WeakPassword { min }) => {
                report = report.with_arg("min", i64::try_from(*min).unwrap_or(0));
            }
            AppError::Invalid(DomainError::CouponLimitBelowUses { uses }) => {
                report = report.with_arg("uses", *uses);
            }
            AppError::RefundWindowClosed { days } => {
                report = report.with_arg("days", *days);
            }
            AppError::MemberQuestionsUsed { allowed, days } => {
                report = report.with_arg("allowed", *allowed).with_arg("days", *days);
            }
            AppError::NotYetReleased { days_left, .. } => {
                report = report.with_arg("days", *days_left);
            }
            AppError::TooManyAttempts { retry_after_s } => {
                report = report
                    .with_arg("seconds", *retry_after_s)
                    .with_arg("minutes", (*retry_after_s + 59) / 60);
            }
            AppError::UploadTooLarge { max_bytes } => {
                report = report.with_arg("max", i64::try_from(*max_bytes).unwrap_or(0));
            }
            AppError::DocumentTooLarge { max_bytes } => {
                report = report.with_arg("max", i64::try_from(*max_bytes).unwrap_or(0));
            }
            _ => {}
        }
        report
    }

    /// When the client may try again (a throttled attempt), in seconds.
    pub fn retry_after_s(&self) -> Option<i64> {
        self.args
            .iter()
            .find(|(name, _)| *name == "seconds")
            .map(|(_, s)| *s)
    }

    /// Adds `Retry-After` to a response for this report, when it has one.
    pub fn add_retry_after(&self, response: &mut Response) {
        if let Some(Ok(value)) = self
            .retry_after_s()
            .map(|s| axum::http::HeaderValue::from_str(&s.to_string()))
        {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, value);
        }
    }

    /// The localized message.
    pub fn message(&self, i18n: &I18n, locale: Locale) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in &self.args {
            if *name == "max" {
                // Sizes are shown in megabytes.
                args.set(*name, (value + 1024 * 1024 - 1) / (1024 * 1024));
            } else {
                args.set(*name, *value);
            }
        }
        i18n.message(locale, &format!("error-{}", self.code), Some(&args))
    }
}

impl From<AppError> for ErrorReport {
    fn from(error: AppError) -> Self {
        ErrorReport::from_app(&error)
    }
}

impl From<DomainError> for ErrorReport {
    fn from(error: DomainError) -> Self {
        ErrorReport::from_app(&AppError::Invalid(error))
    }
}

impl IntoResponse for ErrorReport {
    fn into_response(self) -> Response {
        let mut response = self.status.into_response();
        response.extensions_mut().insert(self);
        response
    }
}

#[derive(Serialize)]
struct ErrorBody<'a> {
    error: ErrorDetail<'a>,
}

#[derive(Serialize)]
struct ErrorDetail<'a> {
    code: &'a str,
    message: String,
}

pub fn api_error_body(i18n: &I18n, locale: Locale, report: &ErrorReport) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: report.code,
            message: report.message(i18n, locale),
        },
    };
    let mut response = (report.status, Json(body)).into_response();
    if report.status == StatusCode::UNAUTHORIZED {
        response.headers_mut().insert(
            axum::http::header::WWW_AUTHENTICATE,
            axum::http::HeaderValue::from_static("Bearer"),
        );
    }
    response
}

/// `Json` whose rejections speak our error format: malformed JSON is 400
/// `malformed_json`; well-formed JSON of the wrong shape is 422 `invalid_body`.
pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ErrorReport;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let max_body_bytes = AppState::from_ref(state).config.max_body_bytes;
        match Json::<T>::from_request(req, state).await {
            Ok(Json(value)) => Ok(ApiJson(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(_) => {
                    ErrorReport::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_body")
                }
                JsonRejection::MissingJsonContentType(_) => {
                    ErrorReport::new(StatusCode::UNSUPPORTED_MEDIA_TYPE, "json_expected")
                }
                // Too long, whether announced by Content-Length or found out while
                // reading a chunked body: the message names the limit.
                JsonRejection::BytesRejection(_) => {
                    ErrorReport::new(StatusCode::PAYLOAD_TOO_LARGE, "upload_too_large")
                        .with_arg("max", i64::try_from(max_body_bytes).unwrap_or(i64::MAX))
                }
                _ => ErrorReport::new(StatusCode::BAD_REQUEST, "malformed_json"),
            }),
        }
    }
}
