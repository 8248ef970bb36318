//! The Kenning program: wires the adapters into the application and serves it. No
//! business rules live here.

pub mod background;
pub mod config;
pub mod demo;

use std::future::Future;
use std::sync::Arc;

use anyhow::Context as _;
use kenning_app::ports::WebhookVerifier;
use kenning_app::ports::{SystemClock, TestClock};
use kenning_app::{Adapters, AppSettings, Kenning};
use kenning_docs::DocumentWriter;
use kenning_media::ObjectMedia;
use kenning_payments::Sandbox;
use kenning_payments::stripe::{self, StripeWebhooks};
use kenning_payments::stripe_api::StripeApi;
use kenning_store::{SqlStore, StoreOptions};
use kenning_web::WebConfig;
use secrecy::ExposeSecret as _;
use tokio::net::TcpListener;

pub use background::NodeRole;
pub use config::Settings;

/// Opens the database (creating the data directory for SQLite) and migrates it.
pub async fn open_store(settings: &Settings) -> anyhow::Result<SqlStore> {
    if settings.database_url.expose().starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating {}", settings.data_dir.display()))?;
    }
    let store = SqlStore::connect(
        settings.database_url.expose(),
        &StoreOptions {
            max_connections: settings.max_connections,
        },
    )
    .await
    .context("connecting to the database")?;
    store.migrate().await.context("migrating the database")?;
    Ok(store)
}

/// The application over real adapters.
pub fn build_app(store: SqlStore, settings: &Settings) -> anyhow::Result<Kenning> {
    let media = match &settings.s3 {
        Some(s3) => ObjectMedia::s3(&s3.bucket, s3.endpoint.as_deref(), s3.region.as_deref())
            .map_err(|e| anyhow::anyhow!("S3 media bucket: {e}"))?,
        None => ObjectMedia::local(&settings.data_dir.join("media"))
            .map_err(|e| anyhow::anyhow!("media directory: {e}"))?,
    };
    let search =
        kenning_search::CatalogSearch::new().map_err(|e| anyhow::anyhow!("search index: {e}"))?;
    let pdf_font = kenning_docs::CjkFont::find(settings.pdf_font.as_deref())
        .map_err(|e| anyhow::anyhow!("PDF font: {e}"))?;
    match &pdf_font {
        Some(font) => tracing::debug!(
            font = %font.path().display(),
            face = font.face_index(),
            "PDF font embedded for CJK text"
        ),
        None => tracing::warn!(
            "no CJK font for PDFs (set pdf_font or install fonts-noto-cjk): \
             STSong-Light is named, not embedded"
        ),
    }
    Ok(Kenning::new(
        Adapters {
            store: Arc::new(store),
            payments: match &settings.stripe {
                Some(stripe) => Arc::new(
                    StripeApi::new(
                        stripe.secret_key.expose_secret(),
                        stripe.api_base.as_deref(),
                    )
                    .map_err(|e| anyhow::anyhow!("Stripe client: {e}"))?,
                ) as Arc<dyn kenning_app::ports::PaymentProvider>,
                None => Arc::new(Sandbox),
            },
            media: Arc::new(media),
            recommender: Arc::new(kenning_recommender::HybridRecommender::default()),
            search: Arc::new(search),
            documents: Arc::new(DocumentWriter::new(pdf_font)),
            webhooks: settings
                .stripe_webhook_secret
                .iter()
                .map(|secret| {
                    Arc::new(StripeWebhooks::new(
                        secret.expose_secret(),
                        stripe::DEFAULT_TOLERANCE_S,
                    )) as Arc<dyn WebhookVerifier>
                })
                .collect(),
            composer: Arc::new(
                kenning_web::mail::MailWriter::load()
                    .map_err(|e| anyhow::anyhow!("loading translations: {e}"))?,
            ),
            mail: Arc::new(mailer(settings)?),
            clock: if settings.test_clock {
                tracing::warn!("the test clock is on: operators can move time forward");
                Arc::new(TestClock::default())
            } else {
                Arc::new(SystemClock)
            },
        },
        AppSettings {
            platform_fee_bps: settings.platform_fee_bps,
            cache_ms: settings.cache_ms,
            max_media_bytes: settings
                .max_media_mb
                .map_or(u64::MAX, |mb| mb.saturating_mul(1024 * 1024)),
            merchant: settings.merchant.clone(),
            login_attempts_per_account: settings.login_attempts_per_account,
            attempts_per_address: settings.attempts_per_address,
            max_marked_document_bytes: settings.max_document_bytes,
            marking_jobs: settings.marking_jobs,
            public_url: settings.public_url.clone(),
            ..AppSettings::default()
        },
    ))
}

/// Mail through the configured SMTP server, or into `<data_dir>/mail`.
fn mailer(settings: &Settings) -> anyhow::Result<kenning_mail::Mailer> {
    let from = match &settings.mail_from {
        Some(from) => from.clone(),
        None => {
            let host = settings
                .public_url
                .as_deref()
                .and_then(|u| url::Url::parse(u).ok())
                .and_then(|u| u.host_str().map(str::to_owned))
                .filter(|h| h.contains('.'))
                .unwrap_or_else(|| "kenning.localhost".to_owned());
            format!("Kenning <no-reply@{host}>")
        }
    };
    match &settings.smtp_url {
        Some(url) => kenning_mail::Mailer::smtp(url.expose_secret(), &from),
        None => kenning_mail::Mailer::files(&settings.data_dir.join("mail"), &from),
    }
    .map_err(|e| anyhow::anyhow!("mail: {e}"))
}

/// Serves on an already-bound listener until `shutdown` completes.
pub async fn serve(
    listener: TcpListener,
    app: Kenning,
    settings: &Settings,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> anyhow::Result<()> {
    let app_for_refresh = app.clone();
    if let Ok(addr) = listener.local_addr() {
        app.serving_at(format!("http://{addr}"));
    }
    let (closing, closing_rx) = tokio::sync::watch::channel(false);
    let router = kenning_web::router(
        app,
        WebConfig {
            secure_cookies: settings.secure_cookies,
            behind_proxy: settings.behind_proxy,
            public_url: settings.public_url.clone(),
            listen_addr: listener.local_addr().ok(),
            allowed_hosts: settings.allowed_hosts.clone(),
            markdown_image_hosts: settings.markdown_image_hosts.clone(),
            closing: Some(closing_rx),
            ..WebConfig::default()
        },
    )
    .map_err(|e| anyhow::anyhow!("loading translations: {e}"))?;
    let live = match app_for_refresh
        .open_live_channel()
        .await
        .context("listening for live rooms")?
    {
        Some(channel) => {
            let app = app_for_refresh.clone();
            Some(tokio::spawn(async move { app.follow_live(channel).await }))
        }
        None => None,
    };
    let background = background::start(&app_for_refresh, settings.role).await?;
    // The peer's address reaches handlers (login throttling counts by it).
    let router = router.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            shutdown.await;
            // Open live-room sockets end too, or they would hold the server open.
            let _ = closing.send(true);
        })
        .await
        .context("serving HTTP");
    drop(background);
    if let Some(live) = live {
        live.abort();
    }
    served
}
