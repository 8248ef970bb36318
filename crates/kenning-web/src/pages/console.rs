//! The operator console: its home (what was done lately) and the audit log with its
//! filters and CSV export.

use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use kenning_domain::audit::{AuditAction, AuditFilter, AuditRecord};

use super::{Page, ok, render};
use crate::api::admin::{AuditQuery, audit_csv};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// An entry as the console lists it.
struct EntryRow {
    when: String,
    actor: String,
    action: &'static str,
    action_label: String,
    target: String,
    before: String,
    after: String,
    reason: String,
}

fn row(page: &Page<'_>, r: &AuditRecord) -> EntryRow {
    let json =
        |v: &Option<serde_json::Value>| v.as_ref().map(ToString::to_string).unwrap_or_default();
    EntryRow {
        when: page.tr.datetime(r.at_ms),
        actor: r
            .actor_email
            .clone()
            .or_else(|| r.actor.map(|a| a.to_string()))
            .unwrap_or_else(|| page.t("audit-system")),
        action: r.action.as_str(),
        action_label: page.t(&format!("audit-action-{}", r.action.as_str())),
        target: r.target.clone(),
        before: json(&r.before),
        after: json(&r.after),
        reason: r.reason.clone().unwrap_or_default(),
    }
}

#[derive(Template)]
#[template(path = "admin_home.html")]
struct HomeTemplate<'a> {
    page: Page<'a>,
    recent: Vec<EntryRow>,
}

pub async fn home(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    let recent = state
        .app
        .audit_log(&user, &AuditFilter::default(), 10)
        .await?;
    let page = Page::new(&state, &ctx, "admin-title");
    let recent = recent.iter().map(|r| row(&page, r)).collect();
    ok(&HomeTemplate { page, recent })
}

/// The filter form's values, as typed.
#[derive(Default)]
struct FilterFields {
    action: String,
    target: String,
    from: String,
    until: String,
}

#[derive(Template)]
#[template(path = "admin_audit.html")]
struct AuditTemplate<'a> {
    page: Page<'a>,
    entries: Vec<EntryRow>,
    actions: Vec<(&'static str, String)>,
    filter: FilterFields,
    /// The filter as a query string, for the CSV link and the next page.
    query: String,
    /// The id to list older entries from, when there may be more.
    older: Option<i64>,
    error: Option<String>,
}

const PAGE_SIZE: i64 = 100;

pub async fn audit(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(query): Query<AuditQuery>,
) -> Result<Response, HttpError> {
    let page = Page::new(&state, &ctx, "audit-title");
    let fields = FilterFields {
        action: query.action.clone().unwrap_or_default(),
        target: query.target.clone().unwrap_or_default(),
        from: query.from.clone().unwrap_or_default(),
        until: query.until.clone().unwrap_or_default(),
    };
    let (filter, error) = match query.filter() {
        Ok(filter) => (filter, None),
        Err(e) => (AuditFilter::default(), Some(HttpError::from_app(&e))),
    };
    let found = state.app.audit_log(&user, &filter, PAGE_SIZE).await?;
    let older = (i64::try_from(found.len()).unwrap_or(0) == PAGE_SIZE)
        .then(|| found.last().map(|r| r.id))
        .flatten();
    let query_string = {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in [
            ("action", &fields.action),
            ("target", &fields.target),
            ("from", &fields.from),
            ("until", &fields.until),
        ] {
            if !v.is_empty() {
                q.append_pair(k, v);
            }
        }
        q.finish()
    };
    let template = AuditTemplate {
        entries: found.iter().map(|r| row(&page, r)).collect(),
        actions: AuditAction::ALL
            .iter()
            .map(|a| (a.as_str(), page.t(&format!("audit-action-{}", a.as_str()))))
            .collect(),
        filter: fields,
        query: query_string,
        older,
        error: error.as_ref().map(|e| e.message(&state.i18n, ctx.locale)),
        page,
    };
    let status = error.map_or(StatusCode::OK, |e| e.status);
    Ok(render(status, &template))
}

pub async fn audit_export(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Query(query): Query<AuditQuery>,
    RawQuery(_): RawQuery,
) -> Result<Response, HttpError> {
    let filter = query.filter()?;
    let found = state.app.audit_export(&user, &filter).await?;
    Ok(super::attachment(
        "text/csv; charset=utf-8",
        "kenning-audit.csv",
        audit_csv(&found)?,
    ))
}
