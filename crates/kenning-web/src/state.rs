//! What every handler can reach.

use std::sync::Arc;

use kenning_app::Kenning;

use crate::i18n::I18n;

/// Web settings.
#[derive(Clone, Debug)]
pub struct WebConfig {
    /// Mark cookies `Secure` (serve behind HTTPS).
    pub secure_cookies: bool,
    /// Largest request body accepted, in bytes (uploads included).
    pub max_body_bytes: usize,
}

impl Default for WebConfig {
    fn default() -> Self {
        WebConfig {
            secure_cookies: false,
            max_body_bytes: 8 * 1024 * 1024,
        }
    }
}

#[derive(Clone)]
pub struct AppState {
    pub app: Kenning,
    pub i18n: Arc<I18n>,
    pub config: Arc<WebConfig>,
}
