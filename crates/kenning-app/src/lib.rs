//! Kenning's use cases.
//!
//! Each use case is a method on [`Kenning`], which holds the adapters behind ports
//! (traits in [`ports`]): storage, payments, media and the clock. The binary wires real
//! adapters in; tests may wire others. Handlers call these methods and render the result;
//! business rules live here and in `kenning-domain`, never in a handler or in SQL.

pub mod accounts;
pub mod audit_log;
pub mod cache;
pub mod catalog;
pub mod certificates;
pub mod changes;
pub mod checkout;
pub mod coupons;
pub mod error;
pub mod gifts;
pub mod jobs;
pub mod learning;
pub mod library;
pub mod live;
pub mod mail;
pub mod media;
pub mod memberships;
pub mod moderation;
pub mod notifications;
pub mod operators;
pub mod outline;
pub mod pages;
pub mod pay_per_use;
pub mod personal_data;
pub mod podcast;
pub mod ports;
pub mod profiles;
pub mod questions;
pub mod recommend;
pub mod records;
pub mod refunds;
mod reminders;
pub mod revenue;
pub mod reviews;
pub mod search;
pub mod settlement;
pub mod students;
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod two_factor;

use std::sync::Arc;

pub use error::AppError;
use ports::{
    Clock, Documents, MailComposer, MailTransport, MediaStore, PaymentProvider,
    RecommendationEngine, SearchEngine, Store, WebhookVerifier,
};

/// The adapters behind the ports, as the binary (or a test) wires them.
pub struct Adapters {
    pub store: Arc<dyn Store>,
    pub payments: Arc<dyn PaymentProvider>,
    pub media: Arc<dyn MediaStore>,
    pub recommender: Arc<dyn RecommendationEngine>,
    pub search: Arc<dyn SearchEngine>,
    pub documents: Arc<dyn Documents>,
    /// Payment providers whose webhooks are accepted.
    pub webhooks: Vec<Arc<dyn WebhookVerifier>>,
    pub clock: Arc<dyn Clock>,
    /// Writes mail in its reader's language.
    pub composer: Arc<dyn MailComposer>,
    /// Hands mail to a server (or to files, when none is configured).
    pub mail: Arc<dyn MailTransport>,
}

/// Operator settings the use cases need.
#[derive(Clone, Debug)]
pub struct AppSettings {
    /// The platform's share of every sale, in basis points.
    pub platform_fee_bps: u16,
    /// How long a login lasts.
    pub session_days: i64,
    /// Largest cover image accepted, in bytes.
    pub max_cover_bytes: usize,
    /// How long catalog pages, sessions and holdings may be served from memory (0: never).
    pub cache_ms: i64,
    /// The largest media file accepted, whatever its kind allows.
    pub max_media_bytes: u64,
    /// How long a signed media link works.
    pub media_link_ms: i64,
    /// How many days after payment a creator may refund an order (operators: always).
    pub refund_window_days: i64,
    /// Who sells on receipts, when the operator is the merchant of record (it collects
    /// and remits the tax); unset: receipts name the creator as seller.
    pub merchant: Option<Merchant>,
    /// Failed logins one account may take per window (0: no throttling).
    pub login_attempts_per_account: i64,
    /// Failed logins and registrations one client address may make per window (0: no
    /// throttling by address).
    pub attempts_per_address: i64,
    /// The largest PDF or EPUB accepted, in bytes: each buyer's copy is marked in
    /// memory, so larger originals are refused at upload (`document_too_large`).
    pub max_marked_document_bytes: u64,
    /// How many marking jobs run at once in this process; more downloads wait.
    pub marking_jobs: usize,
    /// Where links in mail point (`https://school.example`); unset: the address this
    /// node serves on ([`Kenning::serving_at`]).
    pub public_url: Option<String>,
}

/// The default cap on PDF and EPUB originals: 64 MiB.
pub const DEFAULT_MAX_MARKED_DOCUMENT_BYTES: u64 = 64 * 1024 * 1024;
/// The default number of marking jobs at once.
pub const DEFAULT_MARKING_JOBS: usize = 2;

/// The business named as seller on receipts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Merchant {
    pub name: String,
    /// A postal address, on one line.
    pub address: Option<String>,
    /// A VAT / GST / tax registration number.
    pub tax_id: Option<String>,
}

impl Default for AppSettings {
    fn default() -> Self {
        AppSettings {
            platform_fee_bps: kenning_domain::ledger::DEFAULT_PLATFORM_FEE_BPS,
            session_days: 30,
            max_cover_bytes: 5 * 1024 * 1024,
            cache_ms: 1000,
            max_media_bytes: u64::MAX,
            media_link_ms: 2 * 60 * 60 * 1000,
            refund_window_days: 14,
            merchant: None,
            login_attempts_per_account: kenning_domain::throttle::LOGIN_PER_ACCOUNT.attempts,
            attempts_per_address: kenning_domain::throttle::PER_ADDRESS.attempts,
            max_marked_document_bytes: DEFAULT_MAX_MARKED_DOCUMENT_BYTES,
            marking_jobs: DEFAULT_MARKING_JOBS,
            public_url: None,
        }
    }
}

/// The application: every use case, over its ports.
#[derive(Clone)]
pub struct Kenning {
    store: Arc<dyn Store>,
    payments: Arc<dyn PaymentProvider>,
    media: Arc<dyn MediaStore>,
    recommender: Arc<dyn RecommendationEngine>,
    search: Arc<dyn SearchEngine>,
    documents: Arc<dyn Documents>,
    webhooks: Arc<Vec<Arc<dyn WebhookVerifier>>>,
    clock: Arc<dyn Clock>,
    settings: AppSettings,
    catalog_cache: Arc<cache::CatalogCache>,
    session_cache: Arc<cache::SessionCache>,
    composer: Arc<dyn MailComposer>,
    mail: Arc<dyn MailTransport>,
    /// The address this node serves on, for links in mail when no public URL is set.
    serving_at: Arc<std::sync::OnceLock<String>>,
    holdings_cache: Arc<cache::HoldingsCache>,
    signal_debounce: Arc<cache::SignalDebounce>,
    /// The media link key, read from the store on first use.
    media_key: Arc<tokio::sync::OnceCell<Vec<u8>>>,
    /// Where this node stands in the change feed; held while its search index changes,
    /// so a rebuild and a change never interleave.
    feed: Arc<tokio::sync::Mutex<kenning_domain::jobs::FeedPosition>>,
    /// New signals arrived since the recommendations were last trained.
    signals_waiting: Arc<std::sync::atomic::AtomicBool>,
    /// This process's open live rooms.
    live_hub: Arc<live::LiveHub>,
    /// People whose access just changed on this node (logged out, refunded, a
    /// membership ended): their open live-room sockets check again at once.
    access_changes: tokio::sync::broadcast::Sender<kenning_domain::ids::AccountId>,
    /// Marking jobs running in this process: at most `settings.marking_jobs`.
    marking: Arc<tokio::sync::Semaphore>,
}

impl Kenning {
    pub fn new(adapters: Adapters, settings: AppSettings) -> Kenning {
        let Adapters {
            store,
            payments,
            media,
            recommender,
            search,
            documents,
            webhooks,
            clock,
            composer,
            mail,
        } = adapters;
        Kenning {
            store,
            payments,
            media,
            recommender,
            search,
            documents,
            webhooks: Arc::new(webhooks),
            clock,
            composer,
            mail,
            serving_at: Arc::new(std::sync::OnceLock::new()),
            marking: Arc::new(tokio::sync::Semaphore::new(settings.marking_jobs.max(1))),
            catalog_cache: Arc::new(cache::CatalogCache::new(settings.cache_ms)),
            session_cache: Arc::new(cache::SessionCache::new(settings.cache_ms)),
            holdings_cache: Arc::new(cache::HoldingsCache::new(settings.cache_ms)),
            media_key: Arc::new(tokio::sync::OnceCell::new()),
            signal_debounce: Arc::new(cache::SignalDebounce::new(recommend::SIGNAL_WINDOW_MS)),
            feed: Arc::new(tokio::sync::Mutex::new(Default::default())),
            signals_waiting: Arc::new(std::sync::atomic::AtomicBool::new(false)),
            live_hub: Arc::new(live::LiveHub::default()),
            access_changes: tokio::sync::broadcast::channel(256).0,
            settings,
        }
    }

    /// Accounts whose access changes on this node from now on.
    pub fn access_changes(
        &self,
    ) -> tokio::sync::broadcast::Receiver<kenning_domain::ids::AccountId> {
        self.access_changes.subscribe()
    }

    /// Says that what `account` may open changed (nobody listening is fine).
    pub(crate) fn access_changed(&self, account: kenning_domain::ids::AccountId) {
        let _ = self.access_changes.send(account);
        self.holdings_changed();
    }

    /// Something someone holds changed (bought, claimed, refunded, earned): product pages
    /// read holdings afresh ([`cache::HoldingsCache`]).
    pub(crate) fn holdings_changed(&self) {
        self.holdings_cache.changed();
    }

    pub fn settings(&self) -> &AppSettings {
        &self.settings
    }

    /// The time now (the test clock's, when one runs).
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }
}
