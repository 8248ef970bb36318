//! Who this server is: the origin links are built on, the hosts it answers to, and
//! whether a request's `Origin` is its own.
//!
//! A request's `Host` header is chosen by whoever sends it, so it is never trusted as
//! such: links that leave the browser (feeds, e-mails, payment return addresses) use
//! the configured public URL, else the request's host only when it is one this server
//! is configured for (its listen address in its loopback forms, or `--allowed-hosts`),
//! else the listen address.

use std::collections::HashSet;

use axum::http::{HeaderMap, header};

use crate::state::WebConfig;

/// The server's own origins, resolved once from the settings.
#[derive(Clone, Debug)]
pub struct Site {
    /// `scheme://host[:port]` of the public URL, when configured.
    public_origin: Option<String>,
    /// The public URL without its trailing slash.
    public_url: Option<String>,
    /// Hosts (lower case, with or without a port) requests may name.
    hosts: HashSet<String>,
    /// The base used when the request names no allowed host and no public URL is set.
    fallback: String,
}

/// The host of `host[:port]`, lower-cased (IPv6 literals keep their brackets).
fn host_part(authority: &str) -> String {
    let lower = authority.to_ascii_lowercase();
    if let Some(end) = lower.find(']') {
        return lower[..=end].to_owned();
    }
    match lower.rsplit_once(':') {
        Some((host, port)) if port.bytes().all(|b| b.is_ascii_digit()) => host.to_owned(),
        _ => lower,
    }
}

/// A plausible `host[:port]` (what may follow `http://` in a link).
fn is_authority(value: &str) -> bool {
    !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
}

impl Site {
    pub fn new(config: &WebConfig) -> Site {
        let public_url = config
            .public_url
            .as_deref()
            .map(|u| u.trim().trim_end_matches('/').to_owned())
            .filter(|u| !u.is_empty());
        let parsed = public_url.as_deref().and_then(|u| url::Url::parse(u).ok());
        let public_origin = parsed
            .as_ref()
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null");
        let mut hosts = HashSet::new();
        if let Some(u) = &parsed
            && let Some(host) = u.host_str()
        {
            hosts.insert(host.to_ascii_lowercase());
        }
        for host in &config.allowed_hosts {
            let host = host.trim().trim_end_matches('.').to_ascii_lowercase();
            if is_authority(&host) {
                hosts.insert(host);
            }
        }
        let fallback = match config.listen_addr {
            Some(addr) => {
                let port = addr.port();
                let mut names = vec![addr.ip().to_string()];
                if addr.ip().is_loopback() || addr.ip().is_unspecified() {
                    names.extend(["localhost".into(), "127.0.0.1".into(), "::1".into()]);
                }
                for name in names {
                    let name = if name.contains(':') {
                        format!("[{name}]")
                    } else {
                        name
                    };
                    hosts.insert(format!("{name}:{port}"));
                    if port == 80 {
                        hosts.insert(name);
                    }
                }
                if addr.ip().is_unspecified() {
                    format!("http://localhost:{port}")
                } else {
                    format!("http://{addr}")
                }
            }
            None => {
                hosts.insert("localhost".into());
                "http://localhost".into()
            }
        };
        Site {
            public_origin,
            public_url,
            hosts,
            fallback,
        }
    }

    /// Whether `authority` (`host[:port]`, from a Host header or an Origin) is one this
    /// server answers to. An allowed host written without a port allows any port.
    pub fn is_own_host(&self, authority: &str) -> bool {
        if !is_authority(authority) {
            return false;
        }
        let lower = authority.to_ascii_lowercase();
        if self.hosts.contains(&lower) {
            return true;
        }
        self.hosts.contains(&host_part(authority))
    }

    /// The server's address for links that leave the browser: the public URL, else the
    /// request's host if it is an allowed one (over http), else the listen address.
    pub fn base(&self, headers: &HeaderMap) -> String {
        if let Some(url) = &self.public_url {
            return url.clone();
        }
        match headers
            .get(header::HOST)
            .and_then(|h| h.to_str().ok())
            .filter(|h| self.is_own_host(h))
        {
            Some(host) => format!("http://{}", host.to_ascii_lowercase()),
            None => self.fallback.clone(),
        }
    }

    /// Whether an `Origin` header names this server.
    pub fn is_own_origin(&self, origin: &str) -> bool {
        let Ok(parsed) = url::Url::parse(origin) else {
            return false;
        };
        let serialized = parsed.origin().ascii_serialization();
        if self.public_origin.as_deref() == Some(serialized.as_str()) {
            return true;
        }
        if !matches!(parsed.scheme(), "http" | "https") {
            return false;
        }
        let Some(host) = parsed.host_str() else {
            return false;
        };
        let authority = match parsed.port() {
            Some(port) => format!("{host}:{port}"),
            None => host.to_owned(),
        };
        self.is_own_host(&authority)
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use super::*;

    fn site(public_url: Option<&str>, allowed: &[&str]) -> Site {
        Site::new(&WebConfig {
            public_url: public_url.map(str::to_owned),
            allowed_hosts: allowed.iter().map(|h| (*h).to_owned()).collect(),
            listen_addr: Some(SocketAddr::from(([127, 0, 0, 1], 8080))),
            ..WebConfig::default()
        })
    }

    fn host(value: &'static str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(header::HOST, axum::http::HeaderValue::from_static(value));
        h
    }

    #[test]
    fn a_forged_host_falls_back_to_the_listen_address() {
        let s = site(None, &[]);
        assert_eq!(s.base(&host("evil.example")), "http://127.0.0.1:8080");
        assert_eq!(s.base(&host("localhost:8080")), "http://localhost:8080");
        assert_eq!(s.base(&host("127.0.0.1:8080")), "http://127.0.0.1:8080");
        assert_eq!(s.base(&host("127.0.0.1:9999")), "http://127.0.0.1:8080");
    }

    #[test]
    fn allowed_hosts_and_the_public_url_are_own() {
        let s = site(None, &["learn.example.com"]);
        assert_eq!(
            s.base(&host("Learn.Example.com")),
            "http://learn.example.com"
        );
        assert!(s.is_own_origin("https://learn.example.com"));
        assert!(!s.is_own_origin("https://evil.example"));
        let s = site(Some("https://learn.example.com/"), &[]);
        assert_eq!(s.base(&host("evil.example")), "https://learn.example.com");
        assert!(s.is_own_origin("https://learn.example.com"));
        assert!(s.is_own_origin("http://127.0.0.1:8080"));
        assert!(!s.is_own_origin("https://sub.learn.example.com"));
        assert!(!s.is_own_origin("null"));
    }
}
