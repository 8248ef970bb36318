//! The operators' view of background jobs: what failed, why, and a button to try again.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use kenning_domain::jobs::{JobRecord, JobStatus};
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm};
use super::{Page, ok};
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// One job as the page shows it.
struct JobRow {
    id: i64,
    /// What the job does, in the reader's language (its kind itself when this version
    /// has no name for it).
    label: String,
    kind: String,
    status: &'static str,
    attempts: i64,
    error: String,
    when: String,
    retryable: bool,
}

#[derive(Template)]
#[template(path = "admin_jobs.html")]
struct JobsTemplate<'a> {
    page: Page<'a>,
    jobs: Vec<JobRow>,
    status: &'static str,
    statuses: [&'static str; 5],
}

#[derive(Deserialize)]
pub struct JobsQuery {
    #[serde(default)]
    status: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(query): Query<JobsQuery>,
) -> Result<Response, HttpError> {
    let status =
        match query.status.as_deref() {
            None | Some("") => Some(JobStatus::Failed),
            Some("all") => None,
            Some(s) => Some(JobStatus::parse(s).ok_or_else(|| {
                HttpError::new(axum::http::StatusCode::BAD_REQUEST, "invalid_form")
            })?),
        };
    let jobs = state.app.jobs_for(&user, status).await?;
    let page = Page::new(&state, &ctx, "jobs-title");
    let jobs = jobs
        .iter()
        .map(|j| row(&page, j, state.i18n.has(ctx.locale, &kind_message(&j.kind))))
        .collect();
    ok(&JobsTemplate {
        jobs,
        status: status.map_or("all", JobStatus::as_str),
        statuses: ["failed", "queued", "running", "done", "all"],
        page,
    })
}

fn kind_message(kind: &str) -> String {
    format!("jobs-kind-{kind}")
}

fn row(page: &Page<'_>, j: &JobRecord, named: bool) -> JobRow {
    JobRow {
        id: j.id,
        label: if named {
            page.t(&kind_message(&j.kind))
        } else {
            j.kind.clone()
        },
        kind: j.kind.clone(),
        status: j.status.as_str(),
        attempts: j.attempts,
        error: j.last_error.clone().unwrap_or_default(),
        when: page.datetime(&j.finished_at_ms.unwrap_or(j.run_at_ms)),
        retryable: j.status == JobStatus::Failed,
    }
}

pub async fn retry(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: i64 = id.parse().map_err(|_| HttpError::not_found())?;
    state.app.retry_job_for(&user, id).await?;
    Ok(Redirect::to("/admin/jobs"))
}
