//! Kenning over HTTP: server-rendered pages, the JSON API under `/api/v1` with its
//! OpenAPI document, locale negotiation and translations.
//!
//! Handlers are thin: they take the request apart, call a use case of
//! [`kenning_app::Kenning`] and render the answer.

mod api;
mod client;
mod context;
mod delivery;
mod error;
mod headers;
pub mod i18n;
mod live;
pub mod mail;
mod markdown;
mod pages;
mod qr;
mod rendered;
mod sheet;
mod site;
mod state;
pub mod zone;

use std::sync::Arc;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::routing::{get, post};
use kenning_app::Kenning;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::trace::TraceLayer;

pub use state::{AppState, WebConfig};

/// The OpenAPI document the server serves at `/api/openapi.json`.
pub fn openapi() -> utoipa::openapi::OpenApi {
    api::router().1
}

/// HTML kept of product pages, at most, for visitors and again for signed-in people
/// (about a thousand pages each).
const PRODUCT_PAGES_BYTES: usize = 16 * 1024 * 1024;

/// Builds the whole HTTP application.
pub fn router(app: Kenning, config: WebConfig) -> Result<Router, String> {
    let i18n = Arc::new(i18n::I18n::load()?);
    let body_limit = config.max_body_bytes;
    let security = Arc::new(headers::SecurityHeaders::new(&config));
    let state = AppState::new(state::Parts {
        app,
        i18n,
        site: Arc::new(site::Site::new(&config)),
        markdown: markdown::Markdown::new(&config.markdown_image_hosts),
        product_pages: pages::ProductPages::new(PRODUCT_PAGES_BYTES),
        config: Arc::new(config),
    });
    let (api_router, openapi) = api::router();
    let limited = Router::new()
        .route("/healthz", get(|| async { "ok" }))
        .route("/stream/{id}", get(delivery::stream))
        .route("/feeds/{token}", get(delivery::podcast))
        .route("/live/{id}/socket", get(live::socket))
        .merge(pages::router())
        .merge(api_router)
        // Inside the context middleware, so an oversize body gets a localized error.
        .layer(RequestBodyLimitLayer::new(body_limit))
        .layer(DefaultBodyLimit::max(body_limit));
    // Media uploads stream to storage with a limit per kind of file instead.
    let uploads = Router::new()
        .route("/api/v1/lessons/{id}/media", post(api::media::upload_media))
        .route(
            "/studio/lessons/{id}/media",
            post(pages::studio::upload_media),
        )
        .layer(DefaultBodyLimit::disable());
    let router = limited
        .merge(uploads)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            context::resolve,
        ))
        .with_state(state)
        .merge(api::docs(openapi))
        .layer(TraceLayer::new_for_http())
        .layer(CatchPanicLayer::new())
        // Outermost, so even a recovered panic's answer carries them.
        .layer(axum::middleware::from_fn_with_state(
            security,
            headers::apply,
        ));
    Ok(router)
}
