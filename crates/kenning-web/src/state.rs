//! What every handler can reach.

use std::sync::Arc;

use kenning_app::Kenning;

use crate::i18n::I18n;

/// Web settings.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes (media uploads have their own limits).
    pub max_body_bytes: usize,
    /// The address people reach this server at (e.g. `https://learn.example.com`), for
    /// links used outside the browser such as podcast feeds; None uses the Host header.
    pub public_url: Option<String>,
    /// Turns true when the server begins to shut down, so long-lived connections (live
    /// rooms) close instead of holding it open.
    pub closing: Option<tokio::sync::watch::Receiver<bool>>,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            max_body_bytes: 8 * 1024 * 1024,
            public_url: None,
            closing: None,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: Kenning,
    pub i18n: Arc<I18n>,
    pub config: Arc<WebConfig>,
}
