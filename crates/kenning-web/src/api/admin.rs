//! The operator console's API: the audit log (and, in the console's pages, its CSV).

use axum::Json;
use axum::extract::{Query, State};
use kenning_app::AppError;
use kenning_domain::DomainError;
use kenning_domain::audit::{AuditFilter, AuditRecord};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::{IntoParams, ToSchema};

use super::types::{ErrorResponse, parse_timestamp, timestamp};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// Which audit entries to list.
#[derive(Debug, Default, Deserialize, IntoParams)]
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
    let fail = |e: csv::Error| HttpError::from_app(&AppError::Internal(format!("csv: {e}")));
    let mut out = csv::Writer::from_writer(Vec::new());
    out.write_record([
        "id",
        "at",
        "actor",
        "actor_email",
        "action",
        "target",
        "before",
        "after",
        "reason",
    ])
    .map_err(fail)?;
    let json = |v: &Option<Value>| v.as_ref().map(Value::to_string).unwrap_or_default();
    for r in records {
        out.write_record([
            r.id.to_string(),
            timestamp(r.at_ms),
            r.actor.map(|a| a.to_string()).unwrap_or_default(),
            r.actor_email.clone().unwrap_or_default(),
            r.action.as_str().to_owned(),
            r.target.clone(),
            json(&r.before),
            json(&r.after),
            r.reason.clone().unwrap_or_default(),
        ])
        .map_err(fail)?;
    }
    out.into_inner()
        .map_err(|e| HttpError::from_app(&AppError::Internal(format!("csv: {e}"))))
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
