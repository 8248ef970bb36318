//! The operator console's API: people (their role, suspending them), applications to
//! become a creator, and the audit log (and, in the console's pages, its CSV).

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use kenning_app::AppError;
use kenning_app::ports::AccountSummary;
use kenning_domain::DomainError;
use kenning_domain::audit::{AuditFilter, AuditRecord};
use kenning_domain::creator::ApplicationStatus;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::creators::ApplicationResponse;
use super::path_id;
use super::types::{AccountResponse, ErrorResponse, parse_timestamp, timestamp};
use crate::context::SignedIn;
use crate::error::{ApiJson, HttpError};
use crate::sheet::Sheet;
use crate::state::AppState;

/// Which audit entries to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// An action (`order_refunded`, `role_changed` …).
    pub action: Option<String>,
    /// The acting account's id.
    pub actor: Option<String>,
    /// A target or its start (`order:`, `account:<id>`).
    pub target: Option<String>,
    /// From this day (YYYY-MM-DD, UTC) or moment (RFC 3339).
    pub from: Option<String>,
    /// Until the end of this day (YYYY-MM-DD, UTC) or until this moment (RFC 3339).
    pub until: Option<String>,
    /// Entries older than this id (the next page).
    pub before: Option<i64>,
    /// At most this many (1–500; 100 when left out).
    pub limit: Option<i64>,
}

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

/// A query value that says something (a form's empty field says nothing).
fn present(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

/// Milliseconds of a day's start (`2026-12-03`) or of an RFC 3339 moment.
fn moment(text: &str) -> Option<i64> {
    let text = text.trim();
    if let Some(ms) = parse_timestamp(text) {
        return Some(ms);
    }
    let mut parts = text.splitn(3, '-');
    let (year, month, day) = (parts.next()?, parts.next()?, parts.next()?);
    if year.len() != 4 || month.len() != 2 || day.len() != 2 {
        return None;
    }
    let month = time::Month::try_from(month.parse::<u8>().ok()?).ok()?;
    let day = time::Date::from_calendar_date(year.parse().ok()?, month, day.parse().ok()?).ok()?;
    Some(day.midnight().assume_utc().unix_timestamp() * 1000)
}

impl AuditQuery {
    /// The filter it asks for; a malformed part is refused, never ignored.
    pub fn filter(&self) -> Result<AuditFilter, AppError> {
        let bad = || AppError::from(DomainError::InvalidAuditFilter);
        let until = match present(&self.until) {
            // A bare day includes the whole day.
            Some(day) if day.len() == 10 => Some(moment(day).ok_or_else(bad)? + DAY_MS),
            Some(at) => Some(moment(at).ok_or_else(bad)?),
            None => None,
        };
        Ok(AuditFilter {
            action: present(&self.action)
                .map(str::parse)
                .transpose()
                .map_err(|_| bad())?,
            actor: present(&self.actor)
                .map(str::parse)
                .transpose()
                .map_err(|_| bad())?,
            target: present(&self.target).map(str::to_owned),
            from_ms: present(&self.from)
                .map(|t| moment(t).ok_or_else(bad))
                .transpose()?,
            until_ms: until,
            before_id: self.before,
        })
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditItem {
    pub id: i64,
    pub at: String,
    /// The acting account's id (null: Kenning itself, e.g. a job or the command line).
    pub actor: Option<String>,
    /// The actor's address when the entry was written.
    pub actor_email: Option<String>,
    pub action: String,
    pub target: String,
    #[schema(value_type = Object)]
    pub before: Option<Value>,
    #[schema(value_type = Object)]
    pub after: Option<Value>,
    pub reason: Option<String>,
}

impl From<&AuditRecord> for AuditItem {
    fn from(r: &AuditRecord) -> Self {
        AuditItem {
            id: r.id,
            at: timestamp(r.at_ms),
            actor: r.actor.map(|a| a.to_string()),
            actor_email: r.actor_email.clone(),
            action: r.action.as_str().to_owned(),
            target: r.target.clone(),
            before: r.before.clone(),
            after: r.after.clone(),
            reason: r.reason.clone(),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditList {
    /// Newest first.
    pub items: Vec<AuditItem>,
}

/// The audit log: every operator action and money movement, newest first (operators).
#[utoipa::path(get, path = "/api/v1/admin/audit", tag = "admin",
    security(("bearer" = [])),
    params(AuditQuery),
    responses(
        (status = 200, body = AuditList),
        (status = 401, body = ErrorResponse),
        (status = 403, description = "Operators only", body = ErrorResponse),
        (status = 422, description = "A malformed filter (`invalid_audit_filter`)", body = ErrorResponse),
    ))]
pub async fn audit(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Query(query): Query<AuditQuery>,
) -> Result<Json<AuditList>, HttpError> {
    let filter = query.filter()?;
    let found = state
        .app
        .audit_log(&user, &filter, query.limit.unwrap_or(100))
        .await?;
    Ok(Json(AuditList {
        items: found.iter().map(AuditItem::from).collect(),
    }))
}

/// The audit entries as CSV (one row each; before and after as JSON).
pub(crate) fn audit_csv(records: &[AuditRecord]) -> Result<Vec<u8>, HttpError> {
    let mut sheet = Sheet::new(&[
        "id",
        "at",
        "actor",
        "actor_email",
        "action",
        "target",
        "before",
        "after",
        "reason",
    ])?;
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    for r in records {
        sheet.row([
            r.id.to_string(),
            timestamp(r.at_ms),
            r.actor.map(|a| a.to_string()).unwrap_or_default(),
            r.actor_email.clone().unwrap_or_default(),
            r.action.as_str().to_owned(),
            r.target.clone(),
            json(&r.before),
            json(&r.after),
            r.reason.clone().unwrap_or_default(),
        ])?;
    }
    sheet.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_until_day_includes_the_whole_day() {
        let query = AuditQuery {
            from: Some("2026-12-03".into()),
            until: Some("2026-12-03".into()),
            action: Some("order_refunded".into()),
            ..AuditQuery::default()
        };
        let filter = query.filter().unwrap_or_default();
        let from = filter.from_ms.unwrap_or_default();
        assert_eq!(filter.until_ms, Some(from + DAY_MS));
        assert_eq!(from % DAY_MS, 0);
    }

    #[test]
    fn malformed_filters_are_refused() {
        for query in [
            AuditQuery {
                action: Some("drop".into()),
                ..AuditQuery::default()
            },
            AuditQuery {
                actor: Some("me".into()),
                ..AuditQuery::default()
            },
            AuditQuery {
                from: Some("yesterday".into()),
                ..AuditQuery::default()
            },
            AuditQuery {
                until: Some("2026-13-01".into()),
                ..AuditQuery::default()
            },
        ] {
            assert!(query.filter().is_err(), "{query:?}");
        }
        assert!(
            AuditQuery {
                action: Some(" ".into()),
                ..AuditQuery::default()
            }
            .filter()
            .is_ok()
        );
    }
}

/// Which applications to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationsQuery {
    /// pending (the default), approved, declined or all.
    pub status: Option<String>,
}

impl ApplicationsQuery {
    pub fn status(&self) -> Result<Option<ApplicationStatus>, AppError> {
        match present(&self.status) {
            None => Ok(Some(ApplicationStatus::Pending)),
            Some("all") => Ok(None),
            Some(s) => Ok(Some(s.parse()?)),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApplicationList {
    pub items: Vec<ApplicationResponse>,
}

/// Applications to become a creator, oldest pending first (operators).
#[utoipa::path(get, path = "/api/v1/admin/creator-applications", tag = "admin",
    security(("bearer" = [])),
    params(ApplicationsQuery),
    responses(
        (status = 200, body = ApplicationList),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn applications(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Query(query): Query<ApplicationsQuery>,
) -> Result<Json<ApplicationList>, HttpError> {
    let found = state.app.applications_for(&user, query.status()?).await?;
    Ok(Json(ApplicationList {
        items: found.iter().map(ApplicationResponse::from).collect(),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct DecisionRequest {
    /// approve or decline
    pub decision: String,
    /// Required to decline (the applicant is told it).
    #[serde(default)]
    pub reason: String,
}

/// Approve (the person becomes a creator) or decline an application (operators).
#[utoipa::path(post, path = "/api/v1/admin/creator-applications/{id}/decision", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Application id")),
    request_body = DecisionRequest,
    responses(
        (status = 200, body = ApplicationResponse),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "Decided already (`application_decided`)", body = ErrorResponse),
        (status = 422, description = "No reason to decline (`reason_required`)", body = ErrorResponse),
    ))]
pub async fn decide(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<DecisionRequest>,
) -> Result<Json<ApplicationResponse>, HttpError> {
    let approve = match body.decision.as_str() {
        "approve" => true,
        "decline" => false,
        _ => return Err(AppError::from(DomainError::InvalidApplication).into()),
    };
    let decided = state
        .app
        .decide_application(&user, path_id(&id)?, approve, &body.reason)
        .await?;
    Ok(Json(ApplicationResponse::from(&decided)))
}

/// Whom to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PeopleQuery {
    /// Part of an address or a name; all when empty.
    pub q: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonItem {
    #[serde(flatten)]
    pub account: AccountResponse,
    pub suspended: bool,
    pub suspended_reason: Option<String>,
}

impl From<&AccountSummary> for PersonItem {
    fn from(s: &AccountSummary) -> Self {
        PersonItem {
            account: AccountResponse::from(&s.account),
            suspended: s.suspended.is_some(),
            suspended_reason: s.suspended.as_ref().map(|(_, r)| r.clone()),
        }
    }
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PeopleList {
    pub items: Vec<PersonItem>,
}

/// Find people by address or name, newest first (operators).
#[utoipa::path(get, path = "/api/v1/admin/users", tag = "admin",
    security(("bearer" = [])),
    params(PeopleQuery),
    responses(
        (status = 200, body = PeopleList),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
    ))]
pub async fn users(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Query(query): Query<PeopleQuery>,
) -> Result<Json<PeopleList>, HttpError> {
    let found = state
        .app
        .people(&user, present(&query.q).unwrap_or_default())
        .await?;
    Ok(Json(PeopleList {
        items: found.iter().map(PersonItem::from).collect(),
    }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonOrder {
    pub id: String,
    pub product_id: String,
    pub status: String,
    pub total_minor: i64,
    pub currency: String,
    pub created_at: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonHolding {
    pub product_id: String,
    pub title: String,
    pub since: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PersonDetail {
    #[serde(flatten)]
    pub person: PersonItem,
    pub orders: Vec<PersonOrder>,
    pub holdings: Vec<PersonHolding>,
    pub application: Option<ApplicationResponse>,
}

/// One person: their orders, what they hold, their creator application (operators).
#[utoipa::path(get, path = "/api/v1/admin/users/{id}", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 200, body = PersonDetail),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
    ))]
pub async fn user_detail(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Json<PersonDetail>, HttpError> {
    let page = state.app.person(&user, path_id(&id)?).await?;
    Ok(Json(PersonDetail {
        person: PersonItem::from(&page.summary),
        orders: page
            .orders
            .iter()
            .map(|o| PersonOrder {
                id: o.id.to_string(),
                product_id: o.product_id.to_string(),
                status: o.status.as_str().to_owned(),
                total_minor: o.total.amount_minor,
                currency: o.total.currency.code().to_owned(),
                created_at: timestamp(o.created_at_ms),
            })
            .collect(),
        holdings: page
            .library
            .iter()
            .map(|(p, since)| PersonHolding {
                product_id: p.id.to_string(),
                title: p.title.get(ctx.locale).to_owned(),
                since: timestamp(*since),
            })
            .collect(),
        application: page.application.as_ref().map(ApplicationResponse::from),
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RoleRequest {
    /// learner, creator or admin
    pub role: String,
}

/// Give someone another role (operators; not yourself).
#[utoipa::path(put, path = "/api/v1/admin/users/{id}/role", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    request_body = RoleRequest,
    responses(
        (status = 200, body = PersonItem),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "Your own role (`cannot_change_self`)", body = ErrorResponse),
        (status = 422, body = ErrorResponse),
    ))]
pub async fn set_role(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<RoleRequest>,
) -> Result<Json<PersonItem>, HttpError> {
    let changed = state
        .app
        .change_role(&user, path_id(&id)?, body.role.parse()?)
        .await?;
    Ok(Json(PersonItem::from(&changed)))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReasonRequest {
    /// Why (required to suspend; kept in the audit log).
    #[serde(default)]
    pub reason: String,
}

/// Suspend someone: their sessions end and they cannot sign in (operators).
#[utoipa::path(post, path = "/api/v1/admin/users/{id}/suspension", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    request_body = ReasonRequest,
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, description = "Yourself (`cannot_change_self`)", body = ErrorResponse),
        (status = 422, description = "No reason (`reason_required`)", body = ErrorResponse),
    ))]
pub async fn suspend(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    ApiJson(body): ApiJson<ReasonRequest>,
) -> Result<StatusCode, HttpError> {
    state
        .app
        .suspend(&user, path_id(&id)?, &body.reason)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Lift a suspension (operators).
#[utoipa::path(delete, path = "/api/v1/admin/users/{id}/suspension", tag = "admin",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Account id")),
    responses(
        (status = 204),
        (status = 401, body = ErrorResponse),
        (status = 403, body = ErrorResponse),
        (status = 404, body = ErrorResponse),
        (status = 409, body = ErrorResponse),
    ))]
pub async fn restore(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
) -> Result<StatusCode, HttpError> {
    state.app.restore(&user, path_id(&id)?, "").await?;
    Ok(StatusCode::NO_CONTENT)
}
