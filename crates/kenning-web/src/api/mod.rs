//! The JSON API under `/api/v1`, described by an OpenAPI 3 document generated from the
//! same handler annotations that route the requests.

mod accounts;
pub(crate) mod admin;
mod catalog;
pub(crate) mod coupons;
pub(crate) mod creators;
mod errors_doc;
mod feeds;
mod gifts;
mod lessons;
mod library;
pub(crate) mod live;
pub(crate) mod media;
pub(crate) mod memberships;
mod moderation;
mod notifications;
mod orders;
pub(crate) mod questions;
mod receipts;
pub mod recommendations;
mod records;
mod refunds;
pub(crate) mod revenue;
mod reviews;
mod sales;
pub mod search;
mod students;
pub mod types;
mod webhooks;

use std::str::FromStr;

use axum::Router;
use axum::http::StatusCode;
use utoipa::openapi::OpenApi as OpenApiDoc;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use utoipa_swagger_ui::SwaggerUi;

use crate::error::HttpError;
use crate::state::AppState;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Kenning API",
        description = "Knowledge commerce: catalog, accounts, orders and learning. \
            Errors are `{\"error\": {\"code\", \"message\"}}` with a stable code and a \
            message in the caller's language (`?lang=` or Accept-Language)."
    ),
    modifiers(&BearerAuth),
    // Uploads stream past the body limit every other route has, so they are routed
    // apart (see `crate::router`) and listed here.
    paths(media::upload_media),
    tags(
        (name = "accounts", description = "Registration, sessions, mailed links (address confirmation, password reset) and one's own account"),
        (name = "admin", description = "The operator console: people, creator applications and the audit log"),
        (name = "catalog", description = "Products, chapters and lessons"),
        (name = "orders", description = "Buying and the library"),
        (name = "reviews", description = "Ratings and reviews from buyers"),
        (name = "learning", description = "Learning records (xAPI)"),
        (name = "live", description = "Live sessions: schedule and room chat"),
        (name = "money", description = "Tax, exchange rates, revenue shares, statements and payouts"),
    )
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut OpenApiDoc) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// The API routes and their OpenAPI document, with the error answers every operation
/// shares declared once (see [`errors_doc`]).
pub fn router() -> (Router<AppState>, OpenApiDoc) {
    let (router, mut doc) = routes();
    errors_doc::CommonErrors.modify(&mut doc);
    (router, doc)
}

fn routes() -> (Router<AppState>, OpenApiDoc) {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(accounts::create_account))
        .routes(routes!(accounts::create_session, accounts::delete_session))
        .routes(routes!(
            accounts::me,
            accounts::update_me,
            accounts::delete_me
        ))
        .routes(routes!(accounts::export_me))
        .routes(routes!(
            accounts::start_two_factor,
            accounts::disable_two_factor
        ))
        .routes(routes!(accounts::confirm_two_factor))
        .routes(routes!(accounts::request_password_reset))
        .routes(routes!(accounts::reset_password))
        .routes(routes!(accounts::verify_email))
        .routes(routes!(accounts::resend_verification))
        .routes(routes!(accounts::change_password))
        .routes(routes!(accounts::change_email))
        .routes(routes!(accounts::confirm_email_change))
        .routes(routes!(accounts::my_sessions, accounts::end_other_sessions))
        .routes(routes!(admin::audit))
        .routes(routes!(admin::users))
        .routes(routes!(admin::user_detail))
        .routes(routes!(admin::set_role))
        .routes(routes!(admin::suspend, admin::restore))
        .routes(routes!(admin::applications))
        .routes(routes!(admin::decide))
        .routes(routes!(moderation::products))
        .routes(routes!(moderation::hold, moderation::release))
        .routes(routes!(creators::apply))
        .routes(routes!(creators::mine))
        .routes(routes!(creators::profile))
        .routes(routes!(creators::set_bio))
        .routes(routes!(notifications::list))
        .routes(routes!(notifications::unread))
        .routes(routes!(notifications::mark_read))
        .routes(routes!(notifications::settings))
        .routes(routes!(notifications::announce))
        .routes(routes!(students::students))
        .routes(routes!(catalog::list_products, catalog::create_product))
        .routes(routes!(catalog::get_product))
        .routes(routes!(catalog::add_chapter))
        .routes(routes!(catalog::add_lesson))
        .routes(routes!(catalog::publish_product))
        .routes(routes!(catalog::unpublish_product))
        .routes(routes!(
            catalog::get_lesson,
            lessons::update_lesson,
            lessons::delete_lesson
        ))
        .routes(routes!(lessons::move_lesson))
        .routes(routes!(lessons::move_chapter))
        .routes(routes!(lessons::delete_chapter))
        .routes(routes!(catalog::set_lesson_release))
        .routes(routes!(
            catalog::get_lesson_prices,
            catalog::set_lesson_prices
        ))
        .routes(routes!(catalog::get_bundle, catalog::set_bundle))
        .routes(routes!(catalog::set_sale, catalog::end_sale))
        .routes(routes!(recommendations::recommendations))
        .routes(routes!(recommendations::also_bought))
        .routes(routes!(media::save_progress))
        .routes(routes!(records::my_records))
        .routes(routes!(records::product_records))
        .routes(routes!(records::verify_certificate))
        .routes(routes!(records::my_certificates))
        .routes(routes!(reviews::list_reviews))
        .routes(routes!(reviews::write_review))
        .routes(routes!(search::search))
        .routes(routes!(search::reindex))
        .routes(routes!(orders::create_order, orders::list_orders))
        .routes(routes!(orders::get_order))
        .routes(routes!(receipts::get_receipt))
        .routes(routes!(orders::pay_order))
        .routes(routes!(orders::checkout_session))
        .routes(routes!(sales::my_sales))
        .routes(routes!(questions::my_questions))
        .routes(routes!(questions::question_inbox))
        .routes(routes!(questions::answer))
        .routes(routes!(questions::ask_as_member))
        .routes(routes!(refunds::refund_order))
        .routes(routes!(webhooks::webhook))
        .routes(routes!(gifts::my_gifts))
        .routes(routes!(gifts::get_gift))
        .routes(routes!(gifts::claim_gift))
        .routes(routes!(memberships::get_plan, memberships::set_plan))
        .routes(routes!(memberships::list_subscriptions))
        .routes(routes!(memberships::cancel))
        .routes(routes!(memberships::resume))
        .routes(routes!(memberships::advance_clock))
        .routes(routes!(library::library))
        .routes(routes!(feeds::rotate_feed))
        .routes(routes!(coupons::create_coupon, coupons::list_coupons))
        .routes(routes!(coupons::update_coupon, coupons::delete_coupon))
        .routes(routes!(live::get_live, live::schedule_live))
        .routes(routes!(live::list_messages, live::post_message))
        .routes(routes!(live::moderate_message))
        .routes(routes!(revenue::list_tax_rates))
        .routes(routes!(revenue::set_tax_rate))
        .routes(routes!(revenue::list_exchange_rates))
        .routes(routes!(revenue::set_exchange_rate))
        .routes(routes!(revenue::quote))
        .routes(routes!(revenue::get_cocreators, revenue::set_cocreators))
        .routes(routes!(revenue::create_contract))
        .routes(routes!(revenue::my_contracts))
        .routes(routes!(
            revenue::get_affiliate_program,
            revenue::set_affiliate_program
        ))
        .routes(routes!(revenue::my_referral))
        .routes(routes!(revenue::my_statements))
        .routes(routes!(revenue::run_payouts, revenue::list_payouts))
        .split_for_parts()
}

/// `/api/openapi.json` and the docs page at `/api/docs`, with Swagger UI's assets
/// compiled into the binary (nothing is fetched at run time).
pub fn docs(openapi: OpenApiDoc) -> Router {
    SwaggerUi::new("/api/docs")
        .url("/api/openapi.json", openapi)
        .into()
}

/// The server's own address for links used outside the browser such as feeds: the
/// configured public URL, else the request's host only when it is one this server is
/// configured for (see [`crate::site::Site::base`]).
pub fn public_base(state: &AppState, headers: &axum::http::HeaderMap) -> String {
    state.site.base(headers)
}

/// Parses an id from the path; a malformed id names nothing, so it is "not found".
pub fn path_id<T: FromStr>(raw: &str) -> Result<T, HttpError> {
    raw.parse()
        .map_err(|_| HttpError::new(StatusCode::NOT_FOUND, "not_found"))
}
