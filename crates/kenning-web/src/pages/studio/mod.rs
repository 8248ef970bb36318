//! The creator studio, by resource: the dashboard (here), products and their form
//! (`products`), the product editor page (`editor`), chapters, lessons and lesson
//! prices (`lessons`), cover and lesson-file uploads (`uploads`), and what a product
//! sells or grants: bundles, membership tiers, sales and live sessions.

mod bundles;
mod editor;
mod lessons;
mod live;
mod memberships;
mod products;
mod profile;
mod sales;
pub(crate) mod students;
mod uploads;

pub use bundles::save_bundle;
pub(crate) use editor::after_change;
pub use editor::edit_product;
pub use lessons::{
    add_chapter, add_lesson, delete_chapter, delete_lesson, edit_lesson, edit_lesson_form,
    move_chapter, move_lesson, set_lesson_price,
};
pub use live::schedule_live;
pub use memberships::save_membership;
pub use products::{create_product, new_product, publish, unpublish, update_product};
pub use profile::{profile, save_profile};
pub use sales::{end_sale, start_sale};
pub use uploads::{upload_cover, upload_media};

use askama::Template;
use axum::extract::State;
use axum::response::{Redirect, Response};
use kenning_domain::ids::ProductId;

use crate::context::SignedIn;
use crate::error::HttpError;
use crate::pages::{Page, ok};
use crate::state::AppState;

/// A row of the dashboard.
pub struct Row {
    id: String,
    title: String,
    kind: String,
    status: String,
    price: String,
}

#[derive(Template)]
#[template(path = "studio.html")]
struct StudioTemplate<'a> {
    page: Page<'a>,
    rows: Vec<Row>,
}

/// After a studio form: back to the product's studio page.
pub(crate) fn back_to(id: ProductId) -> Redirect {
    Redirect::to(&format!("/studio/products/{id}"))
}

pub async fn dashboard(
    State(state): State<AppState>,
    SignedIn(user, ctx): SignedIn,
) -> Result<Response, HttpError> {
    let products = state.app.my_products(&user).await?;
    let page = Page::new(&state, &ctx, "studio-title");
    let rows = products
        .iter()
        .map(|p| Row {
            id: p.id.to_string(),
            title: p.title.get(ctx.locale).to_owned(),
            kind: page.kind(&p.kind),
            status: page.t(&format!("status-{}", p.status.as_str())),
            price: super::price_label(&page, p, &[]),
        })
        .collect();
    ok(&StudioTemplate { page, rows })
}
