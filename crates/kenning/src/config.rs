//! Settings: defaults that work, then a TOML file, then `KENNING_*` environment
//! variables and command-line flags (clap reads both; flags win).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use serde::Deserialize;

/// The example configuration printed by `kenning default-config`.
pub const EXAMPLE: &str = include_str!("../kenning.example.toml");

/// Everything the binary can be configured with.
#[derive(Clone, Debug)]
pub struct Settings {
    pub addr: SocketAddr,
    pub data_dir: PathBuf,
    pub database_url: String,
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
    pub stripe_webhook_secret: Option<String>,
    /// Take payments through Stripe instead of the sandbox.
    pub stripe: Option<StripeSettings>,
    /// A clock operators can move forward (to try renewals); for demos and tests only.
    pub test_clock: bool,
    /// The business named as seller on receipts (unset: the creator).
    pub merchant: Option<kenning_app::Merchant>,
    /// What this node runs: pages and the API, jobs, or both (`serve --role`).
    pub role: crate::NodeRole,
}

/// Stripe as the payment provider: buyers pay on Stripe Checkout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StripeSettings {
    /// The secret API key (`sk_live_…` / `sk_test_…`).
    pub secret_key: String,
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

/// The file form: every key optional; unknown keys are an error so typos are caught.
#[derive(Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct FileSettings {
    pub addr: Option<SocketAddr>,
    pub data_dir: Option<PathBuf>,
    pub database_url: Option<String>,
    pub secure_cookies: Option<bool>,
    pub behind_proxy: Option<bool>,
    pub login_attempts_per_account: Option<i64>,
    pub attempts_per_address: Option<i64>,
    pub platform_fee_bps: Option<u16>,
    pub max_connections: Option<u32>,
    pub cache_ms: Option<i64>,
    pub max_media_mb: Option<u64>,
    pub public_url: Option<String>,
    pub allowed_hosts: Option<Vec<String>>,
    pub markdown_image_hosts: Option<Vec<String>>,
    pub s3_bucket: Option<String>,
    pub s3_endpoint: Option<String>,
    pub s3_region: Option<String>,
    pub stripe_webhook_secret: Option<String>,
    pub stripe_secret_key: Option<String>,
    pub stripe_api_base: Option<String>,
    pub test_clock: Option<bool>,
    pub merchant_name: Option<String>,
    pub merchant_address: Option<String>,
    pub merchant_tax_id: Option<String>,
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
        hide_env_values = true
    )]
    pub database_url: Option<String>,
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
    /// How long catalog pages and sessions may be served from memory, in ms (0: never).
    #[arg(long, env = "KENNING_CACHE_MS", global = true)]
    pub cache_ms: Option<i64>,
    /// Largest media upload in MiB (each kind also has its own limit).
    #[arg(long, env = "KENNING_MAX_MEDIA_MB", global = true)]
    pub max_media_mb: Option<u64>,
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
        hide_env_values = true
    )]
    pub stripe_webhook_secret: Option<String>,
    /// Stripe secret API key: take payments on Stripe Checkout instead of the sandbox.
    #[arg(
        long,
        env = "KENNING_STRIPE_SECRET_KEY",
        global = true,
        hide_env_values = true
    )]
    pub stripe_secret_key: Option<String>,
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
            .unwrap_or_else(|| format!("sqlite://{}", data_dir.join("kenning.db").display()));
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
            role: crate::NodeRole::All,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_need_no_configuration() {
        let s = Settings::resolve(&Overrides::default()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.addr.to_string(), "127.0.0.1:8080");
        assert!(s.database_url.starts_with("sqlite://"));
        assert!(s.database_url.ends_with("kenning.db"));
    }

    #[test]
    fn the_example_file_parses() {
        let parsed: Result<FileSettings, _> = toml::from_str(EXAMPLE);
        assert!(parsed.is_ok(), "{parsed:?}");
    }

    #[test]
    fn unknown_keys_are_refused() {
        let parsed: Result<FileSettings, _> = toml::from_str("adress = \"127.0.0.1:1\"");
        assert!(parsed.is_err());
    }

    #[test]
    fn flags_win_over_the_file() {
        let dir = std::env::temp_dir().join(format!("kenning-cfg-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let file = dir.join("k.toml");
        let _ = std::fs::write(&file, "addr = \"127.0.0.1:9000\"\nplatform_fee_bps = 500\n");
        let overrides = Overrides {
            config: Some(file),
            addr: Some(SocketAddr::from(([127, 0, 0, 1], 9100))),
            ..Overrides::default()
        };
        let s = Settings::resolve(&overrides).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(s.addr.port(), 9100);
        assert_eq!(s.platform_fee_bps, 500);
        let _ = std::fs::remove_dir_all(dir);
    }
}
