//! The console's orders: found by id, buyer's address or day, each with what it
//! bought, its status and refunds, and a refund form (operators may refund any time).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kenning_app::AppError;
use kenning_app::ports::OrderSearch;
use kenning_domain::ids::OrderId;
use kenning_domain::order::OrderStatus;
use serde::Deserialize;

use super::forms::{CsrfForm, utc_day};
use super::sales::RefundForm;
use super::{Page, render};
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;

struct OrderRow {
    id: String,
    buyer: String,
    product: String,
    total: String,
    refunded: String,
    status: String,
    when: String,
    refundable: bool,
}

#[derive(Template)]
#[template(path = "admin_orders.html")]
struct OrdersTemplate<'a> {
    page: Page<'a>,
    q: OrdersQuery,
    rows: Vec<OrderRow>,
    error: Option<String>,
    refunded: bool,
}

#[derive(Clone, Default, Deserialize)]
pub struct OrdersQuery {
    #[serde(default)]
    id: String,
    #[serde(default)]
    email: String,
    /// A day, YYYY-MM-DD.
    #[serde(default)]
    day: String,
    refunded: Option<String>,
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(q): Query<OrdersQuery>,
) -> Result<Response, HttpError> {
    state.app.check_operator(&user)?;
    let page = Page::new(&state, &ctx, "orders-admin-title");
    let mut error = None;
    let mut search = OrderSearch::default();
    if !q.id.trim().is_empty() {
        match q.id.trim().parse::<OrderId>() {
            Ok(id) => search.id = Some(id),
            Err(_) => error = Some(AppError::NotFound("order")),
        }
    }
    if !q.email.trim().is_empty() {
        search.buyer_email = Some(q.email.clone());
    }
    if !q.day.trim().is_empty() {
        match utc_day(&q.day) {
            Some(from) => {
                search.from_ms = Some(from);
                search.until_ms = Some(from + DAY_MS);
            }
            None => error = Some(kenning_domain::DomainError::InvalidAuditFilter.into()),
        }
    }
    let found = match &error {
        Some(_) => Vec::new(),
        None => state.app.orders_for_operators(&user, &search).await?,
    };
    let rows = found
        .iter()
        .map(|l| OrderRow {
            id: l.order.id.to_string(),
            buyer: l.buyer_email.clone(),
            product: l
                .product
                .as_ref()
                .map(|p| p.title.get(ctx.locale).to_owned())
                .unwrap_or_default(),
            total: page.tr.money(&l.order.total),
            refunded: if l.refunded.amount_minor > 0 {
                page.tr.money(&l.refunded)
            } else {
                String::new()
            },
            status: page.t(&format!("order-status-{}", l.order.status.as_str())),
            when: page.tr.datetime(l.order.created_at_ms),
            refundable: l.order.status == OrderStatus::Paid
                && l.refunded.amount_minor < l.order.total.amount_minor,
        })
        .collect();
    let status = error
        .as_ref()
        .map_or(StatusCode::OK, |e| HttpError::from_app(e).status);
    let message = error
        .as_ref()
        .map(|e| HttpError::from_app(e).message(&state.i18n, ctx.locale));
    Ok(render(
        status,
        &OrdersTemplate {
            refunded: q.refunded.is_some(),
            q,
            rows,
            error: message,
            page,
        },
    ))
}

pub async fn refund(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<RefundForm>,
) -> Result<Redirect, HttpError> {
    let id: OrderId = path_id(&id)?;
    state
        .app
        .refund_order(&user, id, form.amount(), &form.reason)
        .await?;
    Ok(Redirect::to(&format!("/admin/orders?id={id}&refunded=1")))
}
