//! Products: creating one from the form, changing its details, publishing.

use askama::Template;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use kenning_app::AppError;
use kenning_app::accounts::CurrentUser;
use kenning_domain::DomainError;
use kenning_domain::catalog::{PriceList, Product, ProductDraft, ProductKind};
use kenning_domain::ids::ProductId;
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::{Currency, Money};
use serde::Deserialize;

use super::back_to;
use super::editor::{after_change, refused_details};
use crate::api::path_id;
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::pages::forms::{CsrfForm, EmptyForm, KeptForm};
use crate::pages::{Labelled, Page, render};
use crate::state::AppState;

/// The product form's fields, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ProductForm {
    #[serde(default)]
    pub(super) kind: String,
    #[serde(default)]
    pub(super) title_en: String,
    #[serde(default)]
    pub(super) title_zh: String,
    #[serde(default)]
    pub(super) description_en: String,
    #[serde(default)]
    pub(super) description_zh: String,
    #[serde(default)]
    pub(super) price_cny: String,
    #[serde(default)]
    pub(super) price_usd: String,
    #[serde(default)]
    pub(super) tags: String,
}

impl ProductForm {
    pub(super) fn from_product(p: &Product) -> ProductForm {
        let price = |c: Currency| {
            p.prices
                .in_currency(c)
                .map(|m| m.major_digits())
                .unwrap_or_default()
        };
        ProductForm {
            kind: p.kind.as_str().to_owned(),
            title_en: p.title.exact(Locale::En).unwrap_or_default().to_owned(),
            title_zh: p.title.exact(Locale::ZhCn).unwrap_or_default().to_owned(),
            description_en: p
                .description
                .exact(Locale::En)
                .unwrap_or_default()
                .to_owned(),
            description_zh: p
                .description
                .exact(Locale::ZhCn)
                .unwrap_or_default()
                .to_owned(),
            price_cny: price(Currency::CNY),
            price_usd: price(Currency::USD),
            tags: p.tags.join(", "),
        }
    }

    fn draft(&self) -> Result<ProductDraft, DomainError> {
        let mut prices = Vec::new();
        for (text, currency) in [
            (&self.price_cny, Currency::CNY),
            (&self.price_usd, Currency::USD),
        ] {
            if !text.trim().is_empty() {
                prices.push(Money::parse_major(text, currency)?);
            }
        }
        Ok(ProductDraft {
            kind: self.kind.parse()?,
            title: LocalizedText::from_pairs([
                (Locale::En, self.title_en.as_str()),
                (Locale::ZhCn, self.title_zh.as_str()),
            ]),
            description: LocalizedText::from_pairs([
                (Locale::En, self.description_en.as_str()),
                (Locale::ZhCn, self.description_zh.as_str()),
            ]),
            prices: PriceList::new(prices)?,
            tags: self.tags.split(',').map(str::to_owned).collect(),
        })
    }
}

#[derive(Template)]
#[template(path = "product_form.html")]
struct ProductFormTemplate<'a> {
    page: Page<'a>,
    action: String,
    form: ProductForm,
    kinds: Vec<Labelled>,
    error: Option<String>,
}

fn form_page(
    state: &AppState,
    ctx: &RequestContext,
    action: String,
    form: ProductForm,
    status: StatusCode,
    error: Option<String>,
) -> Response {
    let title = if action.ends_with("/products") {
        "studio-new-product"
    } else {
        "studio-details"
    };
    let page = Page::new(state, ctx, title);
    let kinds = kind_options(&page);
    render(
        status,
        &ProductFormTemplate {
            page,
            action,
            form,
            kinds,
            error,
        },
    )
}

/// Every product kind, as the form's choices.
pub(super) fn kind_options(page: &Page<'_>) -> Vec<Labelled> {
    ProductKind::ALL
        .iter()
        .map(|k| Labelled::new(k.as_str(), page.kind(k)))
        .collect()
}

fn require_creator(user: &CurrentUser) -> Result<(), HttpError> {
    if user.account.role.can_create_products() {
        Ok(())
    } else {
        Err(AppError::Forbidden.into())
    }
}

pub async fn new_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    require_creator(&user)?;
    let form = ProductForm {
        kind: ProductKind::Course.as_str().to_owned(),
        ..ProductForm::default()
    };
    Ok(form_page(
        &state,
        &ctx,
        "/studio/products".into(),
        form,
        StatusCode::OK,
        None,
    ))
}

/// Shows an invalid form again with its message; other errors go to the error page.
fn invalid_form(
    state: &AppState,
    ctx: &RequestContext,
    action: String,
    form: ProductForm,
    error: AppError,
) -> Result<Response, HttpError> {
    match error {
        AppError::Invalid(_) => {
            let report = HttpError::from_app(&error);
            let message = report.message(&state.i18n, ctx.locale);
            Ok(form_page(
                state,
                ctx,
                action,
                form,
                report.status,
                Some(message),
            ))
        }
        other => Err(other.into()),
    }
}

pub async fn create_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, HttpError> {
    require_creator(&user)?;
    let action = "/studio/products".to_owned();
    let draft = match form.draft() {
        Ok(d) => d,
        Err(e) => return invalid_form(&state, &ctx, action, form, e.into()),
    };
    match state.app.create_product(&user, draft).await {
        Ok(p) => Ok(Redirect::to(&format!("/studio/products/{}", p.id)).into_response()),
        Err(e) => invalid_form(&state, &ctx, action, form, e),
    }
}

pub async fn update_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ProductForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    // Refused, the editor comes back whole, with the details as typed.
    let draft = match form.draft() {
        Ok(d) => d,
        Err(e) => return refused_details(&state, &ctx, &user, id, form, e.into()).await,
    };
    match state.app.update_product(&user, id, draft).await {
        Ok(p) => Ok(Redirect::to(&format!("/studio/products/{}", p.id)).into_response()),
        Err(e) => refused_details(&state, &ctx, &user, id, form, e.into()).await,
    }
}

pub async fn publish(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
    KeptForm(_, typed): KeptForm<EmptyForm>,
) -> Result<Response, HttpError> {
    let id: ProductId = path_id(&id)?;
    let done = state
        .app
        .publish(&user, id)
        .await
        .map(drop)
        .map_err(HttpError::from);
    after_change(&state, &ctx, &user, id, "publish", typed, done).await
}

pub async fn unpublish(
    State(state): State<AppState>,
    SignedIn(user, _): SignedIn,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Redirect, HttpError> {
    let id: ProductId = path_id(&id)?;
    state.app.unpublish(&user, id).await?;
    Ok(back_to(id))
}
