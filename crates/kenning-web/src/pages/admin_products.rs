//! The console's products: any product found by title, status or kind, with its
//! creator; an operator takes one off sale with a reason (its creator is told and
//! cannot publish it again) or allows it again.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{Redirect, Response};
use kenning_app::AppError;
use kenning_app::moderation::{ProductLine, ProductSearch};
use kenning_domain::catalog::ProductStatus;
use kenning_domain::ids::ProductId;
use serde::Deserialize;

use super::forms::{CsrfForm, EmptyForm};
use super::{Page, render};
use crate::api::path_id;
use crate::context::SignedIn;
use crate::error::HttpError;
use crate::state::AppState;

struct ProductRow {
    id: String,
    title: String,
    kind: String,
    status: String,
    creator: String,
    /// Why an operator holds it, when one does.
    held: Option<String>,
    published: bool,
}

impl ProductRow {
    fn of(page: &Page<'_>, line: &ProductLine) -> ProductRow {
        let p = &line.product;
        ProductRow {
            id: p.id.to_string(),
            title: p.title.get(page.ctx.locale).to_owned(),
            kind: page.t(&format!("kind-{}", p.kind.as_str())),
            status: page.t(&format!("status-{}", p.status.as_str())),
            creator: line.creator_email.clone(),
            held: line.hold.as_ref().map(|h| h.reason.clone()),
            published: p.is_published(),
        }
    }
}

#[derive(Template)]
#[template(path = "admin_products.html")]
struct ProductsTemplate<'a> {
    page: Page<'a>,
    q: ProductsQuery,
    rows: Vec<ProductRow>,
    error: Option<String>,
}

#[derive(Clone, Default, Deserialize)]
pub struct ProductsQuery {
    #[serde(default)]
    q: String,
    /// draft, published or unpublished; empty for any.
    #[serde(default)]
    status: String,
}

impl ProductsQuery {
    /// The search it asks for; an unknown status is refused, never ignored.
    fn search(&self) -> Result<ProductSearch, AppError> {
        let status = match self.status.trim() {
            "" => None,
            s => Some(s.parse::<ProductStatus>().map_err(AppError::from)?),
        };
        Ok(ProductSearch {
            words: Some(self.q.clone()),
            status,
            kind: None,
        })
    }
}

pub async fn page(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Query(q): Query<ProductsQuery>,
) -> Result<Response, HttpError> {
    state.app.check_operator(&user)?;
    let page = Page::new(&state, &ctx, "products-admin-title");
    let (found, report) = match q.search() {
        Ok(search) => (
            state.app.products_for_operators(&user, &search).await?,
            None,
        ),
        Err(e) => (Vec::new(), Some(HttpError::from_app(&e))),
    };
    let rows = found.iter().map(|l| ProductRow::of(&page, l)).collect();
    let status = report.as_ref().map_or(StatusCode::OK, |r| r.status);
    let error = report.map(|r| r.message(&state.i18n, ctx.locale));
    Ok(render(
        status,
        &ProductsTemplate {
            q,
            rows,
            error,
            page,
        },
    ))
}

#[derive(Deserialize)]
pub struct HoldForm {
    #[serde(default)]
    reason: String,
}

pub async fn hold(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<HoldForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state.app.hold_product(&user, id, &form.reason).await?;
    Ok(Redirect::to("/admin/products?status=unpublished"))
}

pub async fn release(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state.app.release_product(&user, id).await?;
    Ok(Redirect::to("/admin/products?status=unpublished"))
}
