//! What every handler can reach.

use std::sync::Arc;

use kenning_app::Kenning;

use crate::i18n::I18n;
use crate::markdown::Markdown;
use crate::pages::ProductPages;
use crate::site::Site;

/// Web settings.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    /// A reverse proxy fronts the server: the client's address is the last one in
    /// `X-Forwarded-For` (else the connection's peer).
    pub behind_proxy: bool,
    /// Largest request body accepted, in bytes (media uploads have their own limits).
    pub max_body_bytes: usize,
    /// The address people reach this server at (e.g. `https://learn.example.com`), for
    /// links used outside the browser such as podcast feeds and payment return
    /// addresses, and the origin forms must come from.
    pub public_url: Option<String>,
    /// Where the server listens: its loopback forms are hosts it answers to.
    pub listen_addr: Option<std::net::SocketAddr>,
    /// Further hosts (`host` or `host:port`) requests may name in `Host` and `Origin`.
    pub allowed_hosts: Vec<String>,
    /// Hosts whose images lesson Markdown may show; other external images become links.
    pub markdown_image_hosts: Vec<String>,
    /// Turns true when the server begins to shut down, so long-lived connections (live
    /// rooms) close instead of holding it open.
    pub closing: Option<tokio::sync::watch::Receiver<bool>>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            behind_proxy: false,
            max_body_bytes: 8 * 1024 * 1024,
            public_url: None,
            listen_addr: None,
            allowed_hosts: Vec::new(),
            markdown_image_hosts: Vec::new(),
            closing: None,
        }
    }
}

/// What every handler can reach: one pointer, so the clone each extractor and
/// middleware takes is a single reference count rather than one per part.
#[derive(Clone)]
pub struct AppState(Arc<Parts>);

impl AppState {
    pub fn new(parts: Parts) -> AppState {
        AppState(Arc::new(parts))
    }
}

impl std::ops::Deref for AppState {
    type Target = Parts;

    fn deref(&self) -> &Parts {
        &self.0
    }
}

/// The parts of [`AppState`].
pub struct Parts {
    pub app: Kenning,
    pub i18n: Arc<I18n>,
    pub config: Arc<WebConfig>,
    /// The server's own origins (from `config`).
    pub site: Arc<Site>,
    /// Lesson and product Markdown, with the operator's image hosts.
    pub markdown: Markdown,
    /// Product pages as rendered, kept while their page model holds.
    pub product_pages: ProductPages,
}
