//! The product editor: a product with everything its creator edits around it.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use kenning_app::accounts::CurrentUser;
use kenning_app::pages::studio::ProductEditor;
use kenning_domain::catalog::{ProductKind, ProductStatus};
use kenning_domain::ids::ProductId;
use kenning_domain::media::Media;
use kenning_domain::money::bps_to_percent;

use super::back_to;
use super::live::LiveForm;
use super::products::{ProductForm, kind_options};
use crate::api::path_id;
use crate::context::{RequestContext, SignedIn};
use crate::error::HttpError;
use crate::pages::forms::{Refused, Typed};
use crate::pages::storefront::{FileLine, Section, mark_sold_alone, sections};
use crate::pages::{Labelled, Page, render};
use crate::state::AppState;

#[derive(Template)]
#[template(path = "studio_product.html")]
struct EditTemplate<'a> {
    page: Page<'a>,
    id: String,
    status: String,
    published: bool,
    /// Why an operator took it off sale, while they hold it.
    held: Option<String>,
    form: ProductForm,
    kinds: Vec<Labelled>,
    chapters: Vec<Labelled>,
    sections: Vec<Section>,
    cover_url: Option<String>,
    max_cover_mb: i64,
    /// The schedule form, for live-session products.
    live: Option<LiveForm>,
    /// The creator's other products (a live session may come with one of them).
    other_products: Vec<Labelled>,
    /// For a membership tier.
    membership: Option<MembershipFields>,
    /// For a bundle: the ids of the products it holds.
    bundle: Option<Vec<String>>,
    /// The running sale.
    sale: Option<SaleShown>,
    /// Co-creators as the form shows them: one "e-mail percent" per line.
    cocreators: String,
    /// A form of the page refused: `publish`, `cover`, `chapter`, `lesson`, `sale`,
    /// `announce`, `cocreators`, `bundle`, `membership`, `live` or `price-{lesson id}`.
    refused: Refused,
}

/// A membership tier's plan as its form shows it.
struct MembershipFields {
    interval: String,
    all_of_creator: bool,
    /// The ids of the products it grants.
    granted: Vec<String>,
}

/// The sale running now.
struct SaleShown {
    percent: i64,
    /// When it ends, as shown, and as the change form's field holds it.
    ends: String,
    ends_value: String,
}

pub async fn edit_product(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
    Path(id): Path<String>,
) -> Result<Response, HttpError> {
    editor_page(&state, &ctx, &user, path_id(&id)?, Refused::default()).await
}

/// After a change made from the editor: back to it when it worked; the editor again,
/// with what was typed and why it was refused beside `form`, when the person can put
/// it right.
pub(crate) async fn after_change(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: ProductId,
    form: impl Into<String>,
    typed: Typed,
    done: Result<(), HttpError>,
) -> Result<Response, HttpError> {
    match done {
        Ok(()) => Ok(back_to(id).into_response()),
        Err(e) => {
            let refused = Refused::of(state, ctx, form, e, typed)?;
            editor_page(state, ctx, user, id, refused).await
        }
    }
}

/// The editor again after its details form was refused, with the details as typed.
pub(super) async fn refused_details(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: ProductId,
    form: ProductForm,
    error: HttpError,
) -> Result<Response, HttpError> {
    let refused = Refused::of(state, ctx, "details", error, Typed::default())?;
    editor_page_with(state, ctx, user, id, refused, Some(form)).await
}

async fn editor_page(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: ProductId,
    refused: Refused,
) -> Result<Response, HttpError> {
    editor_page_with(state, ctx, user, id, refused, None).await
}

/// The editor; `details` are the details form's values when they were refused.
async fn editor_page_with(
    state: &AppState,
    ctx: &RequestContext,
    user: &CurrentUser,
    id: ProductId,
    refused: Refused,
    details: Option<ProductForm>,
) -> Result<Response, HttpError> {
    let model = state.app.product_editor(user, id).await?;
    let p = model.product();
    let page = Page::new(state, ctx, "studio-title").with_title(p.title.get(ctx.locale));
    let template = EditTemplate {
        refused,
        cocreators: cocreator_lines(&model),
        sale: model.detail.sale.map(|s| SaleShown {
            percent: i64::from(s.bps / 100),
            ends: page.datetime(&s.ends_at_ms),
            ends_value: crate::pages::forms::minute_value(s.ends_at_ms),
        }),
        bundle: model
            .bundle
            .as_ref()
            .map(|b| b.iter().map(|p| p.id.to_string()).collect()),
        membership: model.membership.as_ref().map(|plan| MembershipFields {
            interval: plan.interval.as_str().to_owned(),
            all_of_creator: plan.all_of_creator,
            granted: plan.products.iter().map(ToString::to_string).collect(),
        }),
        live: (p.kind == ProductKind::LiveSession).then(|| {
            model
                .schedule
                .as_ref()
                .map(LiveForm::from_schedule)
                .unwrap_or_default()
        }),
        other_products: model
            .grantable
            .iter()
            .map(|o| Labelled::new(o.id, o.title.get(ctx.locale)))
            .collect(),
        id: p.id.to_string(),
        status: page.t(&format!("status-{}", p.status.as_str())),
        published: p.status == ProductStatus::Published,
        held: model.hold.as_ref().map(|h| h.reason.clone()),
        form: details.unwrap_or_else(|| ProductForm::from_product(p)),
        kinds: kind_options(&page),
        chapters: (model.detail.chapters.iter())
            .map(|c| Labelled::new(c.id, c.title.get(ctx.locale)))
            .collect(),
        sections: editor_sections(&page, &model),
        cover_url: p.cover_key.as_ref().map(|k| format!("/media/{k}")),
        max_cover_mb: i64::try_from(state.app.settings().max_cover_bytes / (1024 * 1024))
            .unwrap_or(0),
        page,
    };
    Ok(render(template.refused.status(), &template))
}

/// The table of contents, each lesson with its files and its price alone.
fn editor_sections(page: &Page<'_>, model: &ProductEditor) -> Vec<Section> {
    let mut sections = sections(page, &model.detail);
    for line in sections.iter_mut().flat_map(|s| s.lessons.iter_mut()) {
        line.files = (model.files.iter())
            .filter(|m| m.lesson_id.to_string() == line.id)
            .map(|m| file_line(page, m))
            .collect();
    }
    let prices: Vec<_> = (model.lesson_prices.iter())
        .map(|l| (l.lesson_id, l.price))
        .collect();
    mark_sold_alone(page, &mut sections, &prices, &[]);
    sections
}

/// A lesson file: its kind, name and size in words.
fn file_line(page: &Page<'_>, m: &Media) -> FileLine {
    let kib = m.bytes.div_ceil(1024);
    let size = if kib >= 1024 {
        let tenths = m.bytes.saturating_mul(10) / 1_048_576;
        page.t_s(
            "file-size-mb",
            "size",
            &format!("{}.{}", tenths / 10, tenths % 10),
        )
    } else {
        page.t_s("file-size-kb", "size", &kib.to_string())
    };
    FileLine {
        kind: m.kind.as_str(),
        name: m.file_name.clone(),
        size,
    }
}

/// Co-creators as the form shows them: one "e-mail percent" per line.
fn cocreator_lines(model: &ProductEditor) -> String {
    (model.cocreators.iter())
        .map(|c| format!("{} {}", c.email, bps_to_percent(c.bps)))
        .collect::<Vec<_>>()
        .join("\n")
}
