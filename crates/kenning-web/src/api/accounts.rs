//! Registration and sessions.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use kenning_app::AppError;
use kenning_app::accounts::Registration;
use kenning_app::two_factor::SignIn;
use kenning_domain::locale::Locale;

use super::types::{
    AcceptedResponse, AccountResponse, ChangeEmailRequest, ChangePasswordRequest,
    CreateAccountRequest, CreateSessionRequest, DeleteAccountRequest, ErrorResponse,
    NewPasswordRequest, PasswordResetRequest, RecoveryCodesResponse, SessionItem, SessionList,
    SessionResponse, SessionsEnded, TwoFactorCodeRequest, TwoFactorSetupResponse,
    UpdateProfileRequest, timestamp,
};
use crate::client::ClientAddress;
use crate::context::{Ctx, SignedIn};
use crate::error::{ApiJson, HttpError};
use crate::state::AppState;

/// Register a learner account; a link that confirms the address is mailed to it, in
/// the language the request asks for (`Accept-Language`, or the language cookie).
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
    Ctx(ctx): Ctx,
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
            ctx.locale,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(AccountResponse::from(&account))))
}

/// Log in: returns a bearer token.
#[utoipa::path(post, path = "/api/v1/sessions", tag = "accounts",
    request_body = CreateSessionRequest,
    responses(
        (status = 200, body = SessionResponse),
        (status = 401, description = "Wrong e-mail or password (`invalid_credentials`); with two-step sign-in on, no code (`two_factor_required`) or a wrong or used one (`invalid_two_factor_code`)", body = ErrorResponse),
        (status = 403, description = "The account is suspended (`account_suspended`)", body = ErrorResponse),
        (status = 429, description = "Too many failed logins for this account or from this address (`Retry-After` says when to try again)", body = ErrorResponse),
    ))]
pub async fn create_session(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    ApiJson(body): ApiJson<CreateSessionRequest>,
) -> Result<Json<SessionResponse>, HttpError> {
    let signed = state
        .app
        .sign_in(&body.email, &body.password, body.code.as_deref(), from)
        .await?;
    let SignIn::Done(account, token) = signed else {
        return Err(AppError::TwoFactorRequired.into());
    };
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

/// Ask for a password-reset link by mail. The answer is the same whether or not the
/// address has an account.
#[utoipa::path(post, path = "/api/v1/password-resets", tag = "accounts",
    request_body = PasswordResetRequest,
    responses(
        (status = 202, body = AcceptedResponse),
        (status = 422, description = "Not an e-mail address", body = ErrorResponse),
        (status = 429, description = "Too many requests from this address", body = ErrorResponse),
    ))]
pub async fn request_password_reset(
    State(state): State<AppState>,
    ClientAddress(from): ClientAddress,
    ApiJson(body): ApiJson<PasswordResetRequest>,
) -> Result<(StatusCode, Json<AcceptedResponse>), HttpError> {
    state.app.request_password_reset(&body.email, from).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(AcceptedResponse { accepted: true }),
    ))
}

/// Set a new password with the link's token. Every session of the account ends.
#[utoipa::path(post, path = "/api/v1/password-resets/{token}", tag = "accounts",
    params(("token" = String, Path, description = "The token from the mailed link")),
    request_body = NewPasswordRequest,
    responses(
        (status = 204),
        (status = 410, description = "The link was used already (`link_used`), has expired (`link_expired`) or is not valid (`link_invalid`)", body = ErrorResponse),
        (status = 422, description = "Weak password", body = ErrorResponse),
    ))]
pub async fn reset_password(
    State(state): State<AppState>,
    Path(token): Path<String>,
    ApiJson(body): ApiJson<NewPasswordRequest>,
) -> Result<StatusCode, HttpError> {
    state.app.reset_password(&token, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Confirm an address with the token of the link mailed to it.
#[utoipa::path(post, path = "/api/v1/email-verifications/{token}", tag = "accounts",
    params(("token" = String, Path, description = "The token from the mailed link")),
    responses(
        (status = 200, body = AccountResponse),
        (status = 410, description = "Used, expired or not valid", body = ErrorResponse),
    ))]
pub async fn verify_email(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<AccountResponse>, HttpError> {
    let account = state.app.verify_email(&token).await?;
    Ok(Json(AccountResponse::from(&account)))
}

/// Mail a new confirmation link to the signed-in person's address.
#[utoipa::path(post, path = "/api/v1/me/email-verification", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 202, body = AcceptedResponse),
        (status = 401, body = ErrorResponse),
        (status = 409, description = "Confirmed already", body = ErrorResponse),
        (status = 429, description = "Too many mails to this address", body = ErrorResponse),
    ))]
pub async fn resend_verification(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<(StatusCode, Json<AcceptedResponse>), HttpError> {
    state.app.resend_verification(&user).await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(AcceptedResponse { accepted: true }),
    ))
}

/// Change one's display name and the language of one's mail.
#[utoipa::path(patch, path = "/api/v1/me", tag = "accounts",
    security(("bearer" = [])),
    request_body = UpdateProfileRequest,
    responses(
        (status = 200, body = AccountResponse),
        (status = 401, body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn update_me(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<UpdateProfileRequest>,
) -> Result<Json<AccountResponse>, HttpError> {
    let locale = match body.locale.as_deref() {
        Some(tag) => Locale::parse(tag)?,
        None => user.account.locale,
    };
    let account = state
        .app
        .update_profile(&user, &body.display_name, locale)
        .await?;
    Ok(Json(AccountResponse::from(&account)))
}

/// Change one's password (the current one is asked for). Other sessions end.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "accounts",
    security(("bearer" = [])),
    request_body = ChangePasswordRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, description = "The current password is wrong (`wrong_password`)", body = ErrorResponse),
        (status = 422, description = "Weak new password", body = ErrorResponse),
        (status = 429, description = "Too many wrong passwords for this account (`Retry-After` says when to try again)", body = ErrorResponse),
    ))]
pub async fn change_password(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    ApiJson(body): ApiJson<ChangePasswordRequest>,
) -> Result<StatusCode, HttpError> {
    state
        .app
        .change_password(
            &user,
            ctx.token.as_ref(),
            &body.current_password,
            &body.new_password,
        )
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Ask to change one's address: a link is mailed to the new one.
#[utoipa::path(post, path = "/api/v1/me/email", tag = "accounts",
    security(("bearer" = [])),
    request_body = ChangeEmailRequest,
    responses(
        (status = 202, body = AcceptedResponse),
        (status = 401, body = ErrorResponse),
        (status = 403, description = "Wrong password", body = ErrorResponse),
        (status = 409, description = "The address belongs to an account", body = ErrorResponse),
        (status = 422, body = ErrorResponse),
        (status = 429, body = ErrorResponse),
    ))]
pub async fn change_email(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<ChangeEmailRequest>,
) -> Result<(StatusCode, Json<AcceptedResponse>), HttpError> {
    state
        .app
        .request_email_change(&user, &body.password, &body.email)
        .await?;
    Ok((
        StatusCode::ACCEPTED,
        Json(AcceptedResponse { accepted: true }),
    ))
}

/// Confirm a new address with the token of the link mailed to it.
#[utoipa::path(post, path = "/api/v1/email-changes/{token}", tag = "accounts",
    params(("token" = String, Path, description = "The token from the mailed link")),
    responses(
        (status = 200, body = AccountResponse),
        (status = 409, description = "The address was taken meanwhile", body = ErrorResponse),
        (status = 410, description = "Used, expired or not valid", body = ErrorResponse),
    ))]
pub async fn confirm_email_change(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<AccountResponse>, HttpError> {
    let account = state.app.confirm_email_change(&token).await?;
    Ok(Json(AccountResponse::from(&account)))
}

/// One's signed-in sessions, newest first.
#[utoipa::path(get, path = "/api/v1/me/sessions", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = SessionList), (status = 401, body = ErrorResponse)))]
pub async fn my_sessions(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Json<SessionList>, HttpError> {
    let sessions = state.app.sessions(&user, ctx.token.as_ref()).await?;
    Ok(Json(SessionList {
        items: sessions
            .into_iter()
            .map(|s| SessionItem {
                id: s.id,
                created_at: timestamp(s.created_at_ms),
                expires_at: timestamp(s.expires_at_ms),
                current: s.current,
            })
            .collect(),
    }))
}

/// Sign out everywhere else: every session but this one ends.
#[utoipa::path(delete, path = "/api/v1/me/sessions", tag = "accounts",
    security(("bearer" = [])),
    responses((status = 200, body = SessionsEnded), (status = 401, body = ErrorResponse)))]
pub async fn end_other_sessions(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Json<SessionsEnded>, HttpError> {
    let ended = state
        .app
        .end_other_sessions(&user, ctx.token.as_ref())
        .await?;
    Ok(Json(SessionsEnded { ended }))
}

/// Everything Kenning holds about you, table by table (secrets left out).
#[utoipa::path(get, path = "/api/v1/me/export", tag = "accounts",
    security(("bearer" = [])),
    responses(
        (status = 200, description = "`{account_id, exported_at_ms, tables: {name: [rows]}}`", body = Object),
        (status = 401, body = ErrorResponse),
    ))]
pub async fn export_me(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
) -> Result<Json<serde_json::Value>, HttpError> {
    Ok(Json(state.app.export_my_data(&user).await?))
}

/// Delete your account (your password is asked for). What identifies you is erased and
/// every session ends; orders, receipts and the books are kept as the law requires.
#[utoipa::path(delete, path = "/api/v1/me", tag = "accounts",
    security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, description = "Wrong password (`wrong_password`)", body = ErrorResponse),
        (status = 409, description = "Creators and operators hand their business over first (`role_cannot_delete`)", body = ErrorResponse),
        (status = 429, description = "Too many wrong passwords for this account (`Retry-After` says when to try again)", body = ErrorResponse),
    ))]
pub async fn delete_me(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<DeleteAccountRequest>,
) -> Result<StatusCode, HttpError> {
    state.app.delete_my_account(&user, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Start turning two-step sign-in on (the password is asked for): a new secret for an
/// authenticator app. It is on once a code from it is confirmed.
#[utoipa::path(post, path = "/api/v1/me/two-factor", tag = "accounts",
    security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 200, body = TwoFactorSetupResponse),
        (status = 401, body = ErrorResponse),
        (status = 403, description = "Wrong password", body = ErrorResponse),
        (status = 409, description = "On already (`two_factor_on`)", body = ErrorResponse),
        (status = 429, description = "Too many wrong passwords for this account (`Retry-After` says when to try again)", body = ErrorResponse),
    ))]
pub async fn start_two_factor(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<DeleteAccountRequest>,
) -> Result<Json<TwoFactorSetupResponse>, HttpError> {
    let setup = state.app.start_two_factor(&user, &body.password).await?;
    Ok(Json(TwoFactorSetupResponse {
        secret: setup.secret,
        url: setup.url,
    }))
}

/// Turn two-step sign-in on with a code from the new secret; answers recovery codes.
#[utoipa::path(post, path = "/api/v1/me/two-factor/confirm", tag = "accounts",
    security(("bearer" = [])),
    request_body = TwoFactorCodeRequest,
    responses(
        (status = 200, body = RecoveryCodesResponse),
        (status = 401, description = "Not signed in, or a wrong code (`invalid_two_factor_code`)", body = ErrorResponse),
        (status = 404, description = "No setup started", body = ErrorResponse),
        (status = 409, description = "On already (`two_factor_on`)", body = ErrorResponse),
    ))]
pub async fn confirm_two_factor(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<TwoFactorCodeRequest>,
) -> Result<Json<RecoveryCodesResponse>, HttpError> {
    let recovery_codes = state.app.confirm_two_factor(&user, &body.code).await?;
    Ok(Json(RecoveryCodesResponse { recovery_codes }))
}

/// Turn two-step sign-in off (the password is asked for).
#[utoipa::path(delete, path = "/api/v1/me/two-factor", tag = "accounts",
    security(("bearer" = [])),
    request_body = DeleteAccountRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, description = "Wrong password", body = ErrorResponse),
        (status = 429, description = "Too many wrong passwords for this account (`Retry-After` says when to try again)", body = ErrorResponse),
    ))]
pub async fn disable_two_factor(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    ApiJson(body): ApiJson<DeleteAccountRequest>,
) -> Result<StatusCode, HttpError> {
    state.app.disable_two_factor(&user, &body.password).await?;
    Ok(StatusCode::NO_CONTENT)
}
