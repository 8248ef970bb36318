//! Server-rendered pages. Templates live in `templates/` (askama, checked at compile
//! time); every string in them comes from `locales/` through [`Page`].

mod account;
mod admin_orders;
mod admin_products;
mod apply;
pub(crate) mod certificates;
mod checkout;
mod console;
mod coupons;
mod earnings;
mod forms;
mod jobs;
mod live;
mod notifications;
mod payouts;
mod people;
mod questions;
mod rates;
mod receipts;
mod recovery;
mod sales;
mod settings;
mod storefront;
pub(crate) mod studio;

pub(crate) use receipts::receipt_text;
pub use storefront::ProductPages;

use askama::Template;
use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use kenning_domain::catalog::{Product, ProductKind};
use kenning_domain::fx::{self, ExchangeRate};
use kenning_domain::locale::Locale;
use kenning_domain::money::Money;
use kenning_domain::review::RatingSummary;

use crate::context::RequestContext;
use crate::error::{ErrorReport, HttpError};
use crate::i18n::Tr;
use crate::state::AppState;
use crate::zone::Zone;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/", get(storefront::home))
        .route("/catalog", get(storefront::catalog))
        .route("/search", get(storefront::search))
        .route("/products/{id}", get(storefront::product))
        .route("/creators/{id}", get(storefront::creator))
        .route("/products/{id}/buy", post(checkout::buy))
        .route("/products/{id}/claim", post(checkout::claim))
        .route("/products/{id}/review", post(storefront::write_review))
        .route("/products/{id}/ask", post(storefront::ask_as_member))
        .route("/lessons/{id}", get(storefront::lesson))
        .route("/orders", get(receipts::history))
        .route("/orders/{id}", get(checkout::order))
        .route(
            "/orders/{id}/pay",
            get(checkout::back_to_order).post(checkout::pay),
        )
        .route(
            "/orders/{id}/hosted",
            get(checkout::back_to_order).post(checkout::pay_hosted),
        )
        .route("/library", get(checkout::library))
        .route("/library/{id}/feed/rotate", post(checkout::rotate_feed))
        .route(
            "/library/memberships/{id}/cancel",
            post(checkout::cancel_membership),
        )
        .route(
            "/library/memberships/{id}/resume",
            post(checkout::resume_membership),
        )
        .route(
            "/register",
            get(account::register_form).post(account::register),
        )
        .route("/login", get(account::login_form).post(account::login))
        .route("/logout", post(account::logout))
        .route(
            "/forgot-password",
            get(recovery::forgot_form).post(recovery::forgot),
        )
        .route(
            "/reset-password/{token}",
            get(recovery::reset_form).post(recovery::reset),
        )
        .route("/verify-email/{token}", get(recovery::verify))
        .route(
            "/confirm-email/{token}",
            get(recovery::confirm_email_form).post(recovery::confirm_email),
        )
        .route("/account", get(settings::page))
        .route("/notifications", get(notifications::page))
        .route("/notifications/unread", get(notifications::unread))
        .route("/notifications/read", post(notifications::mark_read))
        .route("/notifications/mail", post(notifications::save_mail))
        .route("/studio/lessons/{id}/move", post(studio::move_lesson))
        .route("/studio/lessons/{id}/delete", post(studio::delete_lesson))
        .route(
            "/studio/lessons/{id}/edit",
            get(studio::edit_lesson_form).post(studio::edit_lesson),
        )
        .route(
            "/studio/products/{id}/chapters/{chapter}/move",
            post(studio::move_chapter),
        )
        .route(
            "/studio/products/{id}/chapters/{chapter}/delete",
            post(studio::delete_chapter),
        )
        .route(
            "/studio/products/{id}/students",
            get(studio::students::page),
        )
        .route(
            "/studio/products/{id}/students.csv",
            get(studio::students::csv),
        )
        .route(
            "/studio/products/{id}/announce",
            post(notifications::announce),
        )
        .route("/account/profile", post(settings::save_profile))
        .route("/account/export", get(settings::export))
        .route(
            "/account/two-factor/start",
            post(settings::start_two_factor),
        )
        .route(
            "/account/two-factor/confirm",
            post(settings::confirm_two_factor),
        )
        .route(
            "/account/two-factor/disable",
            post(settings::disable_two_factor),
        )
        .route("/login/code", post(account::login_code))
        .route("/account/delete", post(settings::delete))
        .route("/account/password", post(settings::change_password))
        .route("/account/email", post(settings::change_email))
        .route("/account/verification", post(settings::resend_verification))
        .route(
            "/account/sessions/end-others",
            post(settings::end_other_sessions),
        )
        .route("/preferences", post(account::preferences))
        .route("/preferences/time-zone", post(account::time_zone))
        .route("/studio", get(studio::dashboard))
        .route("/studio/products/new", get(studio::new_product))
        .route("/studio/products", post(studio::create_product))
        .route(
            "/studio/products/{id}",
            get(studio::edit_product).post(studio::update_product),
        )
        .route("/studio/products/{id}/cover", post(studio::upload_cover))
        .route("/studio/products/{id}/chapters", post(studio::add_chapter))
        .route("/studio/products/{id}/lessons", post(studio::add_lesson))
        .route("/studio/products/{id}/publish", post(studio::publish))
        .route("/studio/products/{id}/unpublish", post(studio::unpublish))
        .route("/media/{*key}", get(storefront::media))
        .route("/assets/style.css", get(stylesheet))
        .route(
            "/assets/player.js",
            get(|| script(include_str!("../../assets/player.js"))),
        )
        .route(
            "/assets/live.js",
            get(|| script(include_str!("../../assets/live.js"))),
        )
        .route(
            "/assets/site.js",
            get(|| script(include_str!("../../assets/site.js"))),
        )
        .route("/live/{id}", get(live::room))
        .route("/certificates/{code}", get(certificates::page))
        .route("/certificates/{code}/pdf", get(certificates::pdf))
        .route("/orders/{id}/receipt", get(receipts::page))
        .route(
            "/studio/lessons/{id}/prices",
            post(studio::set_lesson_price),
        )
        .route("/earnings", get(earnings::page))
        .route("/admin", get(console::home))
        .route("/admin/audit", get(console::audit))
        .route("/admin/audit.csv", get(console::audit_export))
        .route("/admin/users", get(people::users))
        .route("/admin/users/{id}", get(people::user))
        .route("/admin/users/{id}/role", post(people::set_role))
        .route("/admin/users/{id}/suspend", post(people::suspend))
        .route("/admin/users/{id}/restore", post(people::restore))
        .route("/admin/applications", get(people::applications))
        .route("/admin/applications/{id}/decision", post(people::decide))
        .route("/become-a-creator", get(apply::page).post(apply::apply))
        .route("/admin/products", get(admin_products::page))
        .route("/admin/products/{id}/hold", post(admin_products::hold))
        .route(
            "/admin/products/{id}/release",
            post(admin_products::release),
        )
        .route("/admin/orders", get(admin_orders::page))
        .route("/admin/orders/{id}/refund", post(admin_orders::refund))
        .route("/admin/payouts", get(payouts::page).post(payouts::approve))
        .route("/admin/jobs", get(jobs::page))
        .route("/admin/jobs/{id}/retry", post(jobs::retry))
        .route("/admin/rates", get(rates::page))
        .route("/admin/rates/tax", post(rates::save_tax))
        .route("/admin/rates/currency", post(rates::save_currency))
        .route("/questions", get(questions::page))
        .route("/questions/{id}/answer", post(questions::answer))
        .route("/earnings.csv", get(earnings::csv))
        .route("/earnings/affiliate-program", post(earnings::save_program))
        .route("/earnings/payouts", post(earnings::run_payouts))
        .route(
            "/studio/products/{id}/cocreators",
            post(earnings::save_cocreators),
        )
        .route("/orders/{id}/receipt.pdf", get(receipts::pdf))
        .route("/studio/products/{id}/live", post(studio::schedule_live))
        .route(
            "/studio/profile",
            get(studio::profile).post(studio::save_profile),
        )
        .route("/studio/coupons", get(coupons::list).post(coupons::create))
        .route("/studio/coupons/{code}", post(coupons::update))
        .route("/studio/coupons/{code}/end", post(coupons::end))
        .route("/studio/coupons/{code}/delete", post(coupons::delete))
        .route("/studio/sales", get(sales::list))
        .route("/studio/sales/{id}/refund", post(sales::refund))
        .route("/gifts/{code}", get(checkout::gift))
        .route("/studio/products/{id}/bundle", post(studio::save_bundle))
        .route("/studio/products/{id}/sale", post(studio::start_sale))
        .route("/studio/products/{id}/sale/end", post(studio::end_sale))
        .route("/gifts/{code}/claim", post(checkout::claim_gift))
        .route(
            "/studio/products/{id}/membership",
            post(studio::save_membership),
        )
        .route("/lessons/{id}/progress", post(storefront::save_progress))
        .fallback(|| async { ErrorReport::not_found() })
}

async fn script(source: &'static str) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/javascript; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        source,
    )
        .into_response()
}

async fn stylesheet() -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/css; charset=utf-8"),
            ),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=3600"),
            ),
        ],
        include_str!("../../assets/style.css"),
    )
        .into_response()
}

/// What every template knows: the translator, the person and the request.
/// A choice in a filter or a select: its value in the address, its label, and whether
/// it is the one chosen.
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// Something to choose in a form: the value it sends and its label.
pub struct Labelled {
    pub value: String,
    pub label: String,
}

impl Labelled {
    pub fn new(value: impl std::fmt::Display, label: impl Into<String>) -> Labelled {
        Labelled {
            value: value.to_string(),
            label: label.into(),
        }
    }
}

pub struct Page<'a> {
    pub tr: Tr<'a>,
    pub ctx: &'a RequestContext,
    pub title: String,
}

impl<'a> Page<'a> {
    pub fn new(state: &'a AppState, ctx: &'a RequestContext, title_id: &str) -> Page<'a> {
        let tr = Tr::new(&state.i18n, ctx.locale).in_zone(ctx.zone.as_deref());
        Page {
            tr,
            ctx,
            title: tr.t(title_id),
        }
    }

    pub fn with_title(mut self, title: impl Into<String>) -> Self {
        self.title = title.into();
        self
    }

    pub fn t(&self, id: &str) -> String {
        self.tr.t(id)
    }

    pub fn t_n(&self, id: &str, name: &'static str, n: impl std::borrow::Borrow<i64>) -> String {
        self.tr.t_with(id, name, *n.borrow())
    }

    pub fn t_s(&self, id: &str, name: &'static str, s: &str) -> String {
        self.tr.t_with(id, name, s.to_owned())
    }

    /// A message with several text arguments.
    pub fn t_args(&self, id: &str, pairs: &[(&'static str, String)]) -> String {
        self.tr.t_args(
            id,
            pairs
                .iter()
                .map(|(name, value)| (*name, value.clone().into()))
                .collect(),
        )
    }

    pub fn money(&self, m: &Money) -> String {
        self.tr.money(m)
    }

    /// A price as this visitor pays it: with their country's tax added where prices in
    /// its currency are shown before tax (see [`fx::paid_price`]).
    pub fn with_tax(&self, price: Money) -> Money {
        fx::paid_price(price, &self.ctx.rates, self.ctx.tax_bps)
    }

    pub fn date(&self, ms: &i64) -> String {
        self.tr.date(*ms)
    }

    pub fn datetime(&self, ms: &i64) -> String {
        self.tr.datetime(*ms)
    }

    pub fn kind(&self, kind: &ProductKind) -> String {
        self.tr.t(&format!("kind-{}", kind.as_str()))
    }

    pub fn lang(&self) -> &'static str {
        self.ctx.locale.tag()
    }

    pub fn csrf(&self) -> &str {
        &self.ctx.csrf
    }

    pub fn path(&self) -> &str {
        &self.ctx.path
    }

    pub fn user_name(&self) -> Option<&str> {
        self.ctx
            .user
            .as_ref()
            .map(|u| u.account.display_name.as_str())
    }

    pub fn is_creator(&self) -> bool {
        self.ctx
            .user
            .as_ref()
            .is_some_and(|u| u.account.role.can_create_products())
    }

    pub fn is_admin(&self) -> bool {
        self.ctx
            .user
            .as_ref()
            .is_some_and(|u| u.account.role == kenning_domain::account::Role::Admin)
    }

    /// The zone this page's times are shown in ("UTC" until one is known).
    pub fn zone_name(&self) -> &str {
        self.ctx.zone.as_deref().map_or("UTC", Zone::name)
    }

    pub fn locales(&self) -> Vec<Choice> {
        Locale::ALL
            .iter()
            .map(|l| Choice {
                value: l.tag().to_owned(),
                label: self.tr.t(&format!("locale-{}", l.tag())),
                selected: *l == self.ctx.locale,
            })
            .collect()
    }

    /// Every currency a visitor may choose: those the rate table can price (a product
    /// without a price in one is shown converted).
    pub fn currencies(&self) -> Vec<Choice> {
        self.ctx
            .rates
            .iter()
            .map(|r| r.currency)
            .map(|c| Choice {
                value: c.code().to_owned(),
                label: c.code().to_owned(),
                selected: c == self.ctx.currency,
            })
            .collect()
    }
}

/// A product as a card in a grid.
pub struct Card {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub summary: String,
    pub price: String,
    pub creator: String,
    pub cover_url: Option<String>,
    /// "★ 4.5 (12)", when rated.
    pub rating: Option<String>,
}

/// A product's average and number of ratings, when it has any.
pub fn rating_label(page: &Page<'_>, rating: &RatingSummary) -> Option<String> {
    let average = rating.average_display()?;
    Some(page.tr.t_args(
        "product-rating",
        vec![("average", average.into()), ("count", rating.count.into())],
    ))
}

impl Card {
    pub fn new(page: &Page<'_>, p: &Product, rates: &[ExchangeRate]) -> Card {
        let description = p.description.get(page.ctx.locale);
        let summary = crate::markdown::plain_summary(description, 140);
        Card {
            id: p.id.to_string(),
            kind: page.kind(&p.kind),
            title: p.title.get(page.ctx.locale).to_owned(),
            summary,
            price: price_label(page, p, rates),
            creator: p.creator_name.clone(),
            cover_url: p.cover_key.as_ref().map(|k| format!("/media/{k}")),
            rating: rating_label(page, &p.rating),
        }
    }
}

/// A product's price in the viewer's currency: its own price there, or its first price
/// converted with `rates` (pass none to show the prices as the creator set them).
pub fn price_label(page: &Page<'_>, p: &Product, rates: &[ExchangeRate]) -> String {
    if p.is_free() {
        return page.t("price-free");
    }
    fx::shown_price(&p.prices, page.ctx.currency, rates)
        .map(|m| page.money(&page.with_tax(m)))
        .unwrap_or_default()
}

/// A file to download: its type, the name to save it under, and the bytes.
pub fn attachment(content_type: &'static str, file_name: &str, body: Vec<u8>) -> Response {
    let disposition = format!("attachment; filename=\"{file_name}\"");
    (
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CONTENT_DISPOSITION,
                HeaderValue::from_str(&disposition)
                    .unwrap_or_else(|_| HeaderValue::from_static("attachment")),
            ),
        ],
        body,
    )
        .into_response()
}

/// A template's HTML; a failure (a bug) is logged and gives none.
pub fn html_of(template: &impl Template) -> Option<String> {
    (template.render())
        .inspect_err(|e| tracing::error!(error = %e, "template rendering failed"))
        .ok()
}

/// Renders a template with a status.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match html_of(template) {
        Some(html) => (status, Html(html)).into_response(),
        None => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
    }
}

pub fn ok(template: &impl Template) -> Result<Response, HttpError> {
    Ok(render(StatusCode::OK, template))
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorTemplate<'a> {
    page: Page<'a>,
    status: u16,
    message: String,
}

/// The page shown for any error on the site.
pub fn render_error_page(state: &AppState, ctx: &RequestContext, report: &ErrorReport) -> Response {
    let page = Page::new(state, ctx, "error-title");
    let message = report.message(&state.i18n, ctx.locale);
    render(
        report.status,
        &ErrorTemplate {
            page,
            status: report.status.as_u16(),
            message,
        },
    )
}
