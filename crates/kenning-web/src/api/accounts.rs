//! Registration and sessions.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use kenning_app::accounts::Registration;

use super::types::{
    AccountResponse, CreateAccountRequest, CreateSessionRequest, ErrorResponse, SessionResponse,
};
use crate::client::ClientAddress;
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

/// Register a learner account.
#[utoipa::path(post, path = "/api/v1/accounts", tag = "accounts",
    request_body = CreateAccountRequest,
    responses(
        (status = 201, body = AccountResponse),
        (status = 409, description = "E-mail already registered", body = ErrorResponse),
        (status = 422, description = "Invalid e-mail, weak password or bad name", body = ErrorResponse),
        (status = 429, description = "Too many registrations from this address (`Retry-After` says when to try again)", body = ErrorResponse),
    ))]
pub async fn create_account(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    ApiJson(body): ApiJson<CreateAccountRequest>,
) -> Result<(StatusCode, Json<AccountResponse>), HttpError> {
    let account = state
        .app
        .register(
            Registration {
                email: body.email,
                password: body.password,
                display_name: body.display_name,
            },
            from,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(AccountResponse::from(&account))))
}

/// Log in: returns a bearer token.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts",
    request_body = CreateSessionRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, description = "Wrong e-mail or password", body = ErrorResponse),
        (status = 429, description = "Too many failed logins for this account or from this address (`Retry-After` says when to try again)", body = ErrorResponse),
    ))]
pub async fn create_session(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    ApiJson(body): ApiJson<CreateSessionRequest>,
) -> Result<Json<SessionResponse>, HttpError> {
    let (account, token) = state.app.log_in(&body.email, &body.password, from).await?;
    Ok(Json(SessionResponse {
        token: token.as_str().to_owned(),
        account: AccountResponse::from(&account),
    }))
}

/// Log out: the bearer token stops working.
#[utoipa::path(delete, path = "/api/v1/sessions", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 204), (status = 401, body = ErrorResponse)))]
pub async fn delete_session(
    State(state): State<AppState>,
    SignedIn(_, ctx): SignedIn,
) -> Result<StatusCode, HttpError> {
    if let Some(token) = &ctx.token {
        state.app.log_out(token).await?;
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The signed-in account.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = AccountResponse), (status = 401, body = ErrorResponse)))]
pub async fn me(SignedIn(user, _): SignedIn) -> Json<AccountResponse> {
    Json(AccountResponse::from(&user.account))
}
