//! The console's orders: found by id, buyer's address or day, each with what it
//! bought, its status and refunds, and a refund form (operators may refund any time).

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kenning_app::AppError;
use kenning_app::operators::OrderLine;
use kenning_app::ports::OrderSearch;
use kenning_domain::ids::OrderId;
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

impl OrdersQuery {
    /// The search it asks for; a malformed id or day is refused, never ignored.
    fn search(&self) -> Result<OrderSearch, AppError> {
        let mut search = OrderSearch::default();
        if !self.id.trim().is_empty() {
            let id = self.id.trim().parse::<OrderId>();
            search.id = Some(id.map_err(|_| AppError::NotFound("order"))?);
        }
        if !self.email.trim().is_empty() {
            search.buyer_email = Some(self.email.clone());
        }
        if !self.day.trim().is_empty() {
            let from = utc_day(&self.day).ok_or(kenning_domain::DomainError::InvalidAuditFilter)?;
            search.from_ms = Some(from);
            search.until_ms = Some(from + DAY_MS);
        }
        Ok(search)
    }
}

impl OrderRow {
    fn of(page: &Page<'_>, line: &OrderLine) -> OrderRow {
        OrderRow {
            id: line.order.id.to_string(),
            buyer: line.buyer_email.clone(),
            product: line
                .product
                .as_ref()
                .map(|p| p.title.get(page.ctx.locale).to_owned())
                .unwrap_or_default(),
            total: page.tr.money(&line.order.total),
            refunded: if line.refunded.amount_minor > 0 {
                page.tr.money(&line.refunded)
            } else {
                String::new()
            },
            status: page.t(&format!("order-status-{}", line.order.status.as_str())),
            when: page.tr.datetime(line.order.created_at_ms),
            refundable: line.refundable(),
        }
    }
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(q): Query<OrdersQuery>,
) -> Result<Response, HttpError> {
    state.app.check_operator(&user)?;
    let page = Page::new(&state, &ctx, "orders-admin-title");
    let (found, report) = match q.search() {
        Ok(search) => (state.app.orders_for_operators(&user, &search).await?, None),
        Err(e) => (Vec::new(), Some(HttpError::from_app(&e))),
    };
    let rows = found.iter().map(|l| OrderRow::of(&page, l)).collect();
    let status = report.as_ref().map_or(StatusCode::OK, |r| r.status);
    let error = report.map(|r| r.message(&state.i18n, ctx.locale));
    Ok(render(
        status,
        &OrdersTemplate {
            refunded: q.refunded.is_some(),
            q,
            rows,
            error,
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
