//! The console's people and applications: finding someone, what they bought and hold,
//! their role, suspending and restoring them; deciding applications to become a
//! creator.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::response::{Redirect, Response};
use kenning_app::operators::PersonPage;
use kenning_app::ports::AccountSummary;
use kenning_domain::creator::CreatorApplication;
use serde::Deserialize;

use super::forms::CsrfForm;
use super::{Page, ok};
use crate::api::admin::{ApplicationsQuery, PeopleQuery};
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

/// A person as listed.
struct PersonRow {
    id: String,
    name: String,
    email: String,
    role: String,
    joined: String,
    suspended: bool,
}

fn person_row(page: &Page<'_>, s: &AccountSummary) -> PersonRow {
    PersonRow {
        id: s.account.id.to_string(),
        name: s.account.display_name.as_str().to_owned(),
        email: s.account.email.to_string(),
        role: page.t(&format!("role-{}", s.account.role.as_str())),
        joined: page.tr.date(s.account.created_at_ms),
        suspended: s.suspended.is_some(),
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersTemplate<'a> {
    page: Page<'a>,
    query: String,
    people: Vec<PersonRow>,
}

pub async fn users(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(query): Query<PeopleQuery>,
) -> Result<Response, HttpError> {
    let q = query.q.unwrap_or_default();
    let found = state.app.people(&user, &q).await?;
    let page = Page::new(&state, &ctx, "people-title");
    let people = found.iter().map(|s| person_row(&page, s)).collect();
    ok(&UsersTemplate {
        page,
        query: q,
        people,
    })
}

/// An order as the person's page lists it.
struct OrderRow {
    id: String,
    product_id: String,
    total: String,
    status: String,
    when: String,
}

#[derive(Template)]
#[template(path = "admin_user.html")]
struct UserTemplate<'a> {
    page: Page<'a>,
    person: PersonRow,
    role: &'static str,
    suspended_reason: Option<String>,
    orders: Vec<OrderRow>,
    holdings: Vec<(String, String, String)>,
    application: Option<CreatorApplication>,
    roles: [&'static str; 3],
    is_self: bool,
}

pub async fn user(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    let PersonPage {
        summary,
        orders,
        library,
        application,
    } = state.app.person(&user, path_id(&id)?).await?;
    let page = Page::new(&state, &ctx, "people-title");
    let orders = orders
        .iter()
        .map(|o| OrderRow {
            id: o.id.to_string(),
            product_id: o.product_id.to_string(),
            total: page.tr.money(&o.total),
            status: page.t(&format!("order-status-{}", o.status.as_str())),
            when: page.tr.datetime(o.created_at_ms),
        })
        .collect();
    let holdings = library
        .iter()
        .map(|(p, since)| {
            (
                p.id.to_string(),
                p.title.get(ctx.locale).to_owned(),
                page.tr.date(*since),
            )
        })
        .collect();
    let page = page.with_title(summary.account.display_name.as_str());
    ok(&UserTemplate {
        person: person_row(&page, &summary),
        role: summary.account.role.as_str(),
        suspended_reason: summary.suspended.as_ref().map(|(_, r)| r.clone()),
        orders,
        holdings,
        application,
        roles: ["learner", "creator", "admin"],
        is_self: summary.account.id == user.account.id,
        page,
    })
}

#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

pub async fn set_role(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RoleForm>,
) -> Result<Redirect, HttpError> {
    state
        .app
        .change_role(&user, path_id(&id)?, form.role.parse()?)
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")))
}

#[derive(Deserialize)]
pub struct ReasonForm {
    #[serde(default)]
    reason: String,
}

pub async fn suspend(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Redirect, HttpError> {
    state
        .app
        .suspend(&user, path_id(&id)?, &form.reason)
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")))
}

pub async fn restore(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ReasonForm>,
) -> Result<Redirect, HttpError> {
    state
        .app
        .restore(&user, path_id(&id)?, &form.reason)
        .await?;
    Ok(Redirect::to(&format!("/admin/users/{id}")))
}

/// An application as listed, with its applicant.
struct ApplicationRow {
    application: CreatorApplication,
    status: String,
    when: String,
}

#[derive(Template)]
#[template(path = "admin_applications.html")]
struct ApplicationsTemplate<'a> {
    page: Page<'a>,
    status: String,
    statuses: [&'static str; 4],
    rows: Vec<ApplicationRow>,
}

pub async fn applications(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(query): Query<ApplicationsQuery>,
) -> Result<Response, HttpError> {
    let status = query.status()?;
    let found = state.app.applications_for(&user, status).await?;
    let page = Page::new(&state, &ctx, "applications-title");
    let rows = found
        .into_iter()
        .map(|a| ApplicationRow {
            status: page.t(&format!("apply-status-{}", a.status.as_str())),
            when: page.tr.datetime(a.created_at_ms),
            application: a,
        })
        .collect();
    ok(&ApplicationsTemplate {
        status: status.map_or("all", |s| s.as_str()).to_owned(),
        statuses: ["pending", "approved", "declined", "all"],
        rows,
        page,
    })
}

#[derive(Deserialize)]
pub struct DecisionForm {
    decision: String,
    #[serde(default)]
    reason: String,
}

pub async fn decide(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<DecisionForm>,
) -> Result<Redirect, HttpError> {
    let approve = form.decision == "approve";
    state
        .app
        .decide_application(&user, path_id(&id)?, approve, &form.reason)
        .await?;
    Ok(Redirect::to("/admin/applications"))
}
