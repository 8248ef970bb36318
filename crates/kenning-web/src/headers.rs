//! Security headers on every response.
//!
//! Pages run no inline script and carry no inline style: scripts and the stylesheet are
//! files under `/assets`, so the policy allows only this origin for both. Images may
//! also come from the hosts the operator allows in lesson Markdown. The live room's
//! WebSocket is same-origin, which `connect-src 'self'` covers. Swagger UI at
//! `/api/docs` styles its elements inline and draws icons from `data:` URLs, so that
//! route alone gets a policy with `style-src 'unsafe-inline'` and `img-src data:`.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

use crate::state::WebConfig;

/// The headers, computed once from the settings.
#[derive(Clone, Debug)]
pub struct SecurityHeaders {
    page_policy: HeaderValue,
    docs_policy: HeaderValue,
    hsts: Option<HeaderValue>,
}

const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(self), camera=(), \
    display-capture=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), \
    midi=(), payment=(), publickey-credentials-get=(), usb=(), fullscreen=(self), \
    picture-in-picture=(self)";

const DOCS_POLICY: &str = "default-src 'self'; script-src 'self'; \
    style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; \
    font-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/// A host as it may appear in a CSP source list (no spaces, quotes or separators).
fn csp_host(host: &str) -> Option<String> {
    let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
    (!host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']')))
    .then_some(host)
}

impl SecurityHeaders {
    pub fn new(config: &WebConfig) -> SecurityHeaders {
        let mut images = String::from("'self'");
        for host in config
            .markdown_image_hosts
            .iter()
            .filter_map(|h| csp_host(h))
        {
            images.push_str(" https://");
            images.push_str(&host);
            images.push_str(" http://");
            images.push_str(&host);
        }
        let page = format!(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src {images}; \
             media-src 'self'; connect-src 'self'; font-src 'self'; object-src 'none'; \
             base-uri 'none'; frame-ancestors 'none'"
        );
        SecurityHeaders {
            page_policy: HeaderValue::from_str(&page)
                .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'")),
            docs_policy: HeaderValue::from_static(DOCS_POLICY),
            hsts: config
                .secure_cookies
                .then(|| HeaderValue::from_static("max-age=31536000")),
        }
    }
}

/// The middleware: sets each header unless the handler chose its own.
pub async fn apply(
    State(headers): State<Arc<SecurityHeaders>>,
    req: Request,
    next: Next,
) -> Response {
    let docs = {
        let path = req.uri().path();
        path == "/api/docs" || path.starts_with("/api/docs/")
    };
    let mut response = next.run(req).await;
    let out = response.headers_mut();
    let policy = if docs {
        &headers.docs_policy
    } else {
        &headers.page_policy
    };
    out.entry(header::CONTENT_SECURITY_POLICY)
        .or_insert_with(|| policy.clone());
    out.entry(HeaderName::from_static("permissions-policy"))
        .or_insert(HeaderValue::from_static(PERMISSIONS_POLICY));
    out.entry(header::X_CONTENT_TYPE_OPTIONS)
        .or_insert(HeaderValue::from_static("nosniff"));
    out.entry(header::X_FRAME_OPTIONS)
        .or_insert(HeaderValue::from_static("DENY"));
    out.entry(header::REFERRER_POLICY)
        .or_insert(HeaderValue::from_static("same-origin"));
    out.entry(HeaderName::from_static("cross-origin-opener-policy"))
        .or_insert(HeaderValue::from_static("same-origin"));
    if let Some(hsts) = &headers.hsts {
        out.entry(header::STRICT_TRANSPORT_SECURITY)
            .or_insert_with(|| hsts.clone());
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_hosts_join_the_page_policy_and_odd_ones_are_skipped() {
        let h = SecurityHeaders::new(&WebConfig {
            markdown_image_hosts: vec!["images.example.com".into(), "bad host; x".into()],
            ..WebConfig::default()
        });
        let policy = h.page_policy.to_str().unwrap_or_default();
        assert!(policy.contains("img-src 'self' https://images.example.com"));
        assert!(!policy.contains("bad"));
        assert!(!policy.contains("unsafe-inline"));
        assert!(h.hsts.is_none());
    }
}
