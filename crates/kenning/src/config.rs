//! Settings: defaults that work, then a TOML file, then `KENNING_*` environment
//! variables and command-line flags (clap reads both; flags win).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use secrecy::SecretString;
use serde::Deserialize;

/// The example configuration printed by `kenning default-config`.
pub const EXAMPLE: &str = include_str!("../kenning.example.toml");

/// Everything the binary can be configured with. Secrets (the database password, the
/// Stripe keys) never print: `Debug` and [`Settings::redacted`] show `***` in their place.
#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: DatabaseUrl,
    pub secure_cookies: bool,
    /// A reverse proxy (nginx …) fronts the server: a client's address is the last one
    /// in `X-Forwarded-For`, not the connection's (login throttling counts by it).
    pub behind_proxy: bool,
    /// Failed logins per account, and failed logins or registrations per client
    /// address, allowed in 15 minutes (0: not throttled).
    pub login_attempts_per_account: i64,
    pub attempts_per_address: i64,
    pub platform_fee_bps: u16,
    pub max_connections: u32,
    pub cache_ms: i64,
    /// A cap on every media upload, in MiB, below each kind's own limit.
    pub max_media_mb: Option<u64>,
    /// The largest PDF or EPUB accepted, in bytes (each buyer's copy is marked in
    /// memory); set in MiB as `max_document_mb`.
    pub max_document_bytes: u64,
    /// How many buyers' copies of documents are marked at once in this process.
    pub marking_jobs: usize,
    /// The address people reach the server at, for links used outside the browser.
    pub public_url: Option<String>,
    /// Hosts requests may name besides the listen address and the public URL's host
    /// (`Host` and `Origin`); any other host is never used in links.
    pub allowed_hosts: Vec<String>,
    /// Hosts whose images lesson and product Markdown may show; other external images
    /// are shown as links.
    pub markdown_image_hosts: Vec<String>,
    /// Media in an S3-compatible bucket instead of the data directory.
    pub s3: Option<S3Settings>,
    /// The signing secret of the Stripe webhook endpoint (`whsec_…`); unset: Stripe
    /// webhooks are not accepted.
    pub stripe_webhook_secret: Option<SecretString>,
    /// Take payments through Stripe instead of the sandbox.
    pub stripe: Option<StripeSettings>,
    /// The SMTP server mail goes through (`smtp://host:port`); unset: mail is written
    /// to `<data_dir>/mail` and shown in the log.
    pub smtp_url: Option<SecretString>,
    /// The sender of mail (`Name <address>`); unset: `Kenning <no-reply@HOST>` with
    /// the public URL's host.
    pub mail_from: Option<String>,
    /// A clock operators can move forward (to try renewals); for demos and tests only.
    pub test_clock: bool,
    /// The business named as seller on receipts (unset: the creator).
    pub merchant: Option<kenning_app::Merchant>,
    /// The font (TrueType / OpenType, or a .ttc collection) a subset of which PDFs
    /// embed for text Helvetica cannot show, Chinese above all. Unset: the first of
    /// `kenning_docs::DEFAULT_CJK_FONTS` found; none found: PDFs name STSong-Light
    /// without embedding it, and readers without it leave that text out.
    pub pdf_font: Option<PathBuf>,
    /// What this node runs: pages and the API, jobs, or both (`serve --role`).
    pub role: crate::NodeRole,
}

/// Stripe as the payment provider: buyers pay on Stripe Checkout.
#[derive(Clone, Debug)]
pub struct StripeSettings {
    /// The secret API key (`sk_live_…` / `sk_test_…`).
    pub secret_key: SecretString,
    /// Another address for Stripe's API (a proxy); unset: api.stripe.com.
    pub api_base: Option<String>,
}

/// Where media goes when it goes to S3 (or MinIO, Ceph, R2 …). Credentials come from
/// the standard `AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY` (/ `AWS_SESSION_TOKEN`)
/// variables, never from the configuration file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3Settings {
    pub bucket: String,
    /// For S3-compatible services; unset means AWS itself.
    pub endpoint: Option<String>,
    pub region: Option<String>,
}

/// A database URL. It prints (`Debug`, `Display`) with its password replaced by `***`;
/// only [`DatabaseUrl::expose`] gives the URL to connect with.
#[derive(Clone, PartialEq, Eq, Deserialize)]
#[serde(from = "String")]
pub struct DatabaseUrl(String);

impl DatabaseUrl {
    /// The URL itself, password included: for connecting, never for printing.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// The URL with the password (in the user part, or a `password=` parameter)
    /// replaced by `***`.
    pub fn redacted(&self) -> String {
        redact_url(&self.0)
    }
}

impl From<String> for DatabaseUrl {
    fn from(url: String) -> DatabaseUrl {
        DatabaseUrl(url)
    }
}

impl From<&str> for DatabaseUrl {
    fn from(url: &str) -> DatabaseUrl {
        DatabaseUrl(url.to_owned())
    }
}

impl std::fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.redacted())
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "DatabaseUrl({:?})", self.redacted())
    }
}

const HIDDEN: &str = "***";

/// `scheme://user:password@host/db?password=…` with both passwords replaced by `***`.
fn redact_url(url: &str) -> String {
    let (head, rest) = match url.find("://") {
        Some(i) => url.split_at(i + 3),
        None => ("", url),
    };
    // The authority ends at the first `/`, `?` or `#`; the user part at its last `@`.
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(authority_end);
    let authority = match authority.rfind('@') {
        Some(at) => {
            let (userinfo, host) = authority.split_at(at);
            match userinfo.find(':') {
                Some(colon) => format!("{}:{HIDDEN}{host}", userinfo.get(..colon).unwrap_or("")),
                None => authority.to_owned(),
            }
        }
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let query: Vec<String> = query
                .split('&')
                .map(|pair| match pair.split_once('=') {
                    Some((key, _)) if key.eq_ignore_ascii_case("password") => {
                        format!("{key}={HIDDEN}")
                    }
                    _ => pair.to_owned(),
                })
                .collect();
            format!("{path}?{}", query.join("&"))
        }
        None => tail.to_owned(),
    };
    format!("{head}{authority}{tail}")
}

/// A secret from the command line or the environment.
fn secret(value: &str) -> Result<SecretString, std::convert::Infallible> {
    Ok(SecretString::from(value))
}

fn database_url(value: &str) -> Result<DatabaseUrl, std::convert::Infallible> {
    Ok(DatabaseUrl::from(value))
}

/// A TOML string, quoted and escaped.
fn quoted(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn quoted_list(items: &[String]) -> String {
    let items: Vec<String> = items.iter().map(|i| quoted(i)).collect();
    format!("[{}]", items.join(", "))
}

impl Settings {
    /// The effective configuration as TOML (the keys of the configuration file), every
    /// secret shown as `***`: what `kenning config` prints. Unset keys are comments.
    pub fn redacted(&self) -> String {
        let mut lines = vec![
            format!("addr = {}", quoted(&self.addr.to_string())),
            format!(
                "data_dir = {}",
                quoted(&self.data_dir.display().to_string())
            ),
            format!("database_url = {}", quoted(&self.database_url.redacted())),
            format!("secure_cookies = {}", self.secure_cookies),
            format!("behind_proxy = {}", self.behind_proxy),
            format!(
                "login_attempts_per_account = {}",
                self.login_attempts_per_account
            ),
            format!("attempts_per_address = {}", self.attempts_per_address),
            format!("platform_fee_bps = {}", self.platform_fee_bps),
            format!("max_connections = {}", self.max_connections),
            format!("cache_ms = {}", self.cache_ms),
        ];
        let mut optional = |key: &str, value: Option<String>| {
            lines.push(match value {
                Some(v) => format!("{key} = {v}"),
                None => format!("# {key} is not set"),
            });
        };
        optional("max_media_mb", self.max_media_mb.map(|mb| mb.to_string()));
        optional(
            "max_document_mb",
            Some((self.max_document_bytes / (1024 * 1024)).to_string()),
        );
        optional("marking_jobs", Some(self.marking_jobs.to_string()));
        optional("public_url", self.public_url.as_deref().map(quoted));
        optional("allowed_hosts", Some(quoted_list(&self.allowed_hosts)));
        optional(
            "markdown_image_hosts",
            Some(quoted_list(&self.markdown_image_hosts)),
        );
        optional("s3_bucket", self.s3.as_ref().map(|s3| quoted(&s3.bucket)));
        optional(
            "s3_endpoint",
            self.s3
                .as_ref()
                .and_then(|s3| s3.endpoint.as_deref())
                .map(quoted),
        );
        optional(
            "s3_region",
            self.s3
                .as_ref()
                .and_then(|s3| s3.region.as_deref())
                .map(quoted),
        );
        optional(
            "stripe_webhook_secret",
            self.stripe_webhook_secret.as_ref().map(|_| quoted(HIDDEN)),
        );
        optional(
            "stripe_secret_key",
            self.stripe.as_ref().map(|_| quoted(HIDDEN)),
        );
        optional("smtp_url", self.smtp_url.as_ref().map(|_| quoted(HIDDEN)));
        optional("mail_from", self.mail_from.as_deref().map(quoted));
        optional(
            "stripe_api_base",
            self.stripe
                .as_ref()
                .and_then(|s| s.api_base.as_deref())
                .map(quoted),
        );
        optional("test_clock", Some(self.test_clock.to_string()));
        optional(
            "merchant_name",
            self.merchant.as_ref().map(|m| quoted(&m.name)),
        );
        optional(
            "merchant_address",
            self.merchant
                .as_ref()
                .and_then(|m| m.address.as_deref())
                .map(quoted),
        );
        optional(
            "merchant_tax_id",
            self.merchant
                .as_ref()
                .and_then(|m| m.tax_id.as_deref())
                .map(quoted),
        );
        optional(
            "pdf_font",
            self.pdf_font
                .as_ref()
                .map(|path| quoted(&path.display().to_string())),
        );
        lines.push(String::new());
        lines.join("\n")
    }
}

/// The file form: every key optional; unknown keys are an error so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileSettings {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<DatabaseUrl>,
    pub secure_cookies: Option<bool>,
    pub behind_proxy: Option<bool>,
    pub login_attempts_per_account: Option<i64>,
    pub attempts_per_address: Option<i64>,
    pub platform_fee_bps: Option<u16>,
    pub max_connections: Option<u32>,
    pub cache_ms: Option<i64>,
    pub max_media_mb: Option<u64>,
    pub max_document_mb: Option<u64>,
    pub marking_jobs: Option<usize>,
    pub public_url: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
    pub markdown_image_hosts: Option<Vec<String>>,
    pub s3_bucket: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub stripe_webhook_secret: Option<SecretString>,
    pub stripe_secret_key: Option<SecretString>,
    pub stripe_api_base: Option<String>,
    pub smtp_url: Option<SecretString>,
    pub mail_from: Option<String>,
    pub test_clock: Option<bool>,
    pub merchant_name: Option<String>,
    pub merchant_address: Option<String>,
    pub merchant_tax_id: Option<String>,
    pub pdf_font: Option<PathBuf>,
}

impl FileSettings {
    pub fn load(path: &Path) -> anyhow::Result<FileSettings> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("reading configuration {}", path.display()))?;
        toml::from_str(&text).with_context(|| format!("parsing configuration {}", path.display()))
    }
}

/// Overrides from the command line or the environment.
#[derive(Clone, Debug, Default, clap::Args)]
pub struct Overrides {
    /// Configuration file (TOML).
    #[arg(long, env = "KENNING_CONFIG", global = true)]
    pub config: Option<PathBuf>,
    /// Address to listen on.
    #[arg(long, env = "KENNING_ADDR", global = true)]
    pub addr: Option<SocketAddr>,
    /// Directory for the SQLite database and uploaded media.
    #[arg(long, env = "KENNING_DATA_DIR", global = true)]
    pub data_dir: Option<PathBuf>,
    /// sqlite://… or postgres://… (default: SQLite in the data directory).
    #[arg(
        long,
        env = "KENNING_DATABASE_URL",
        global = true,
        hide_env_values = true,
        value_parser = database_url
    )]
    pub database_url: Option<DatabaseUrl>,
    /// Mark cookies Secure (when served over HTTPS).
    #[arg(long, env = "KENNING_SECURE_COOKIES", global = true)]
    pub secure_cookies: Option<bool>,
    /// Behind a reverse proxy: take the client's address from X-Forwarded-For.
    #[arg(long, env = "KENNING_BEHIND_PROXY", global = true)]
    pub behind_proxy: Option<bool>,
    /// Failed logins one account may take in 15 minutes (0: no limit).
    #[arg(long, env = "KENNING_LOGIN_ATTEMPTS_PER_ACCOUNT", global = true)]
    pub login_attempts_per_account: Option<i64>,
    /// Failed logins or registrations one client address may make in 15 minutes.
    #[arg(long, env = "KENNING_ATTEMPTS_PER_ADDRESS", global = true)]
    pub attempts_per_address: Option<i64>,
    /// Platform fee in basis points of each sale (1000 = 10%).
    #[arg(long, env = "KENNING_PLATFORM_FEE_BPS", global = true)]
    pub platform_fee_bps: Option<u16>,
    /// How long catalog pages, sessions and holdings may be served from memory, in ms (0:
    /// never).
    #[arg(long, env = "KENNING_CACHE_MS", global = true)]
    pub cache_ms: Option<i64>,
    /// Largest media upload in MiB (each kind also has its own limit).
    #[arg(long, env = "KENNING_MAX_MEDIA_MB", global = true)]
    pub max_media_mb: Option<u64>,
    /// Largest PDF or EPUB upload in MiB: each buyer's copy is marked in memory.
    #[arg(long, env = "KENNING_MAX_DOCUMENT_MB", global = true)]
    pub max_document_mb: Option<u64>,
    /// How many buyers' copies of documents are marked at once (more downloads wait).
    #[arg(long, env = "KENNING_MARKING_JOBS", global = true)]
    pub marking_jobs: Option<usize>,
    /// Public address of the server (e.g. https://learn.example.com) for podcast feeds.
    #[arg(long, env = "KENNING_PUBLIC_URL", global = true)]
    pub public_url: Option<String>,
    /// Further hosts the server answers to (comma-separated, `host` or `host:port`),
    /// e.g. behind a proxy without a public URL.
    #[arg(
        long,
        env = "KENNING_ALLOWED_HOSTS",
        global = true,
        value_delimiter = ','
    )]
    pub allowed_hosts: Option<Vec<String>>,
    /// Hosts whose images lesson Markdown may show (comma-separated); other external
    /// images become links.
    #[arg(
        long,
        env = "KENNING_MARKDOWN_IMAGE_HOSTS",
        global = true,
        value_delimiter = ','
    )]
    pub markdown_image_hosts: Option<Vec<String>>,
    /// Keep media in this S3 bucket (credentials from AWS_ACCESS_KEY_ID and
    /// AWS_SECRET_ACCESS_KEY).
    #[arg(long, env = "KENNING_S3_BUCKET", global = true)]
    pub s3_bucket: Option<String>,
    /// Endpoint of an S3-compatible service (e.g. http://127.0.0.1:9000).
    #[arg(long, env = "KENNING_S3_ENDPOINT", global = true)]
    pub s3_endpoint: Option<String>,
    /// Region of the bucket.
    #[arg(long, env = "KENNING_S3_REGION", global = true)]
    pub s3_region: Option<String>,
    /// Signing secret of the Stripe webhook endpoint (/api/v1/webhooks/stripe).
    #[arg(
        long,
        env = "KENNING_STRIPE_WEBHOOK_SECRET",
        global = true,
        hide_env_values = true,
        value_parser = secret
    )]
    pub stripe_webhook_secret: Option<SecretString>,
    /// SMTP server for mail: smtp://HOST:PORT (plain), add ?tls=required for
    /// STARTTLS, smtps:// for TLS, user:password@ for login. Unset: mail is written to
    /// the data directory's mail/ folder and shown in the log.
    #[arg(
        long,
        env = "KENNING_SMTP_URL",
        global = true,
        hide_env_values = true,
        value_parser = secret
    )]
    pub smtp_url: Option<SecretString>,
    /// Sender of mail, e.g. "My School <hello@school.example>".
    #[arg(long, env = "KENNING_MAIL_FROM", global = true)]
    pub mail_from: Option<String>,
    /// Stripe secret API key: take payments on Stripe Checkout instead of the sandbox.
    #[arg(
        long,
        env = "KENNING_STRIPE_SECRET_KEY",
        global = true,
        hide_env_values = true,
        value_parser = secret
    )]
    pub stripe_secret_key: Option<SecretString>,
    /// Another address for Stripe's API (a proxy).
    #[arg(long, env = "KENNING_STRIPE_API_BASE", global = true)]
    pub stripe_api_base: Option<String>,
    /// Let operators move the clock forward (POST /api/v1/admin/clock) to try renewals
    /// and expiries. Never in production.
    #[arg(long, env = "KENNING_TEST_CLOCK", global = true)]
    pub test_clock: Option<bool>,
    /// The business named as seller on receipts (the operator, as merchant of record).
    #[arg(long, env = "KENNING_MERCHANT_NAME", global = true)]
    pub merchant_name: Option<String>,
    /// The merchant's address, on one line, for receipts.
    #[arg(long, env = "KENNING_MERCHANT_ADDRESS", global = true)]
    pub merchant_address: Option<String>,
    /// The merchant's VAT / GST / tax number, for receipts.
    #[arg(long, env = "KENNING_MERCHANT_TAX_ID", global = true)]
    pub merchant_tax_id: Option<String>,
    /// Font embedded (as a subset) for Chinese and other text Helvetica cannot show in
    /// PDFs (default: Noto Sans CJK or WenQuanYi Micro Hei from /usr/share/fonts).
    #[arg(long, env = "KENNING_PDF_FONT", global = true)]
    pub pdf_font: Option<PathBuf>,
}

impl Settings {
    pub fn resolve(overrides: &Overrides) -> anyhow::Result<Settings> {
        let file = match &overrides.config {
            Some(path) => FileSettings::load(path)?,
            None => FileSettings::default(),
        };
        let data_dir = overrides
            .data_dir
            .clone()
            .or(file.data_dir)
            .unwrap_or_else(|| PathBuf::from("kenning-data"));
        let database_url = overrides
            .database_url
            .clone()
            .or(file.database_url)
            .unwrap_or_else(|| {
                DatabaseUrl::from(format!(
                    "sqlite://{}",
                    data_dir.join("kenning.db").display()
                ))
            });
        let platform_fee_bps = overrides
            .platform_fee_bps
            .or(file.platform_fee_bps)
            .unwrap_or(kenning_domain::ledger::DEFAULT_PLATFORM_FEE_BPS);
        anyhow::ensure!(
            platform_fee_bps <= 10_000,
            "platform_fee_bps must be between 0 and 10000"
        );
        Ok(Settings {
            addr: overrides
                .addr
                .or(file.addr)
                .unwrap_or_else(|| SocketAddr::from(([127, 0, 0, 1], 8080))),
            data_dir,
            database_url,
            secure_cookies: overrides
                .secure_cookies
                .or(file.secure_cookies)
                .unwrap_or(false),
            behind_proxy: overrides
                .behind_proxy
                .or(file.behind_proxy)
                .unwrap_or(false),
            login_attempts_per_account: overrides
                .login_attempts_per_account
                .or(file.login_attempts_per_account)
                .unwrap_or(kenning_domain::throttle::LOGIN_PER_ACCOUNT.attempts)
                .max(0),
            attempts_per_address: overrides
                .attempts_per_address
                .or(file.attempts_per_address)
                .unwrap_or(kenning_domain::throttle::PER_ADDRESS.attempts)
                .max(0),
            platform_fee_bps,
            max_connections: file.max_connections.unwrap_or(16),
            cache_ms: overrides.cache_ms.or(file.cache_ms).unwrap_or(1000).max(0),
            max_media_mb: overrides.max_media_mb.or(file.max_media_mb),
            max_document_bytes: overrides
                .max_document_mb
                .or(file.max_document_mb)
                .map_or(kenning_app::DEFAULT_MAX_MARKED_DOCUMENT_BYTES, |mb| {
                    mb.saturating_mul(1024 * 1024)
                }),
            marking_jobs: overrides
                .marking_jobs
                .or(file.marking_jobs)
                .unwrap_or(kenning_app::DEFAULT_MARKING_JOBS)
                .max(1),
            public_url: overrides.public_url.clone().or(file.public_url),
            allowed_hosts: overrides
                .allowed_hosts
                .clone()
                .or(file.allowed_hosts)
                .unwrap_or_default(),
            markdown_image_hosts: overrides
                .markdown_image_hosts
                .clone()
                .or(file.markdown_image_hosts)
                .unwrap_or_default(),
            s3: overrides
                .s3_bucket
                .clone()
                .or(file.s3_bucket)
                .map(|bucket| S3Settings {
                    bucket,
                    endpoint: overrides.s3_endpoint.clone().or(file.s3_endpoint),
                    region: overrides.s3_region.clone().or(file.s3_region),
                }),
            stripe_webhook_secret: overrides
                .stripe_webhook_secret
                .clone()
                .or(file.stripe_webhook_secret),
            stripe: overrides
                .stripe_secret_key
                .clone()
                .or(file.stripe_secret_key)
                .map(|secret_key| StripeSettings {
                    secret_key,
                    api_base: overrides.stripe_api_base.clone().or(file.stripe_api_base),
                }),
            smtp_url: overrides.smtp_url.clone().or(file.smtp_url),
            mail_from: overrides.mail_from.clone().or(file.mail_from),
            test_clock: overrides.test_clock.or(file.test_clock).unwrap_or(false),
            merchant: overrides
                .merchant_name
                .clone()
                .or(file.merchant_name)
                .filter(|name| !name.trim().is_empty())
                .map(|name| kenning_app::Merchant {
                    name,
                    address: overrides.merchant_address.clone().or(file.merchant_address),
                    tax_id: overrides.merchant_tax_id.clone().or(file.merchant_tax_id),
                }),
            pdf_font: overrides.pdf_font.clone().or(file.pdf_font),
            role: crate::NodeRole::All,
        })
    }
}

#[cfg(test)]
mod tests;
