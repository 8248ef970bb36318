//! Persistence for Kenning with sqlx, on SQLite (the default, embedded) or PostgreSQL.
//!
//! One set of queries runs on both through sqlx's `Any` driver: placeholders are `$N`,
//! times are BIGINT milliseconds, ids are TEXT UUIDs, localized text is JSON in TEXT.
//! The dialects differ only in the migrations (`migrations/sqlite`, `migrations/postgres`,
//! same file names) — see docs/architecture.md for why `Any` rather than generics.
//! This crate is the only place in Kenning with SQL in it.

mod accounts;
mod audit_log;
mod catalog;
mod certificates;
mod coupons;
mod discovery;
mod gifts;
mod jobs;
mod learning;
mod live;
mod memberships;
mod moderation;
mod notifications;
mod operators;
mod orders;
mod pages;
mod personal_data;
mod questions;
mod revenue;
mod reviews;
#[cfg(feature = "round-trips")]
pub mod round_trips;
mod rows;
mod throttle;
mod two_factor;
mod webhooks;

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use kenning_app::ports::StoreError;
use sqlx::any::{AnyPoolOptions, install_default_drivers};
use sqlx::migrate::{Migration, MigrationType, Migrator};
use sqlx::{AnyPool, Executor};

/// Which database is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

impl Backend {
    /// Chosen by the URL scheme: `postgres://` or `postgresql://` is PostgreSQL,
    /// `sqlite:` is SQLite.
    pub fn from_url(url: &str) -> Result<Backend, StoreError> {
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else {
            Err(StoreError::Backend(
                "database URL must start with sqlite: or postgres://".into(),
            ))
        }
    }
}

/// The migrations, embedded in the binary. Each backend has the same versions and names.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../migrations/sqlite/0001_foundation.sql"),
        include_str!("../migrations/postgres/0001_foundation.sql"),
    ),
    (
        2,
        "discovery",
        include_str!("../migrations/sqlite/0002_discovery.sql"),
        include_str!("../migrations/postgres/0002_discovery.sql"),
    ),
    (
        3,
        "learning",
        include_str!("../migrations/sqlite/0003_learning.sql"),
        include_str!("../migrations/postgres/0003_learning.sql"),
    ),
    (
        4,
        "delivery",
        include_str!("../migrations/sqlite/0004_delivery.sql"),
        include_str!("../migrations/postgres/0004_delivery.sql"),
    ),
    (
        5,
        "money",
        include_str!("../migrations/sqlite/0005_money.sql"),
        include_str!("../migrations/postgres/0005_money.sql"),
    ),
    (
        6,
        "memberships",
        include_str!("../migrations/sqlite/0006_memberships.sql"),
        include_str!("../migrations/postgres/0006_memberships.sql"),
    ),
    (
        7,
        "gifts",
        include_str!("../migrations/sqlite/0007_gifts.sql"),
        include_str!("../migrations/postgres/0007_gifts.sql"),
    ),
    (
        8,
        "bundles",
        include_str!("../migrations/sqlite/0008_bundles.sql"),
        include_str!("../migrations/postgres/0008_bundles.sql"),
    ),
    (
        9,
        "sales",
        include_str!("../migrations/sqlite/0009_sales.sql"),
        include_str!("../migrations/postgres/0009_sales.sql"),
    ),
    (
        10,
        "revenue",
        include_str!("../migrations/sqlite/0010_revenue.sql"),
        include_str!("../migrations/postgres/0010_revenue.sql"),
    ),
    (
        11,
        "pay_per_use",
        include_str!("../migrations/sqlite/0011_pay_per_use.sql"),
        include_str!("../migrations/postgres/0011_pay_per_use.sql"),
    ),
    (
        12,
        "questions",
        include_str!("../migrations/sqlite/0012_questions.sql"),
        include_str!("../migrations/postgres/0012_questions.sql"),
    ),
    (
        13,
        "checkout_pages",
        include_str!("../migrations/sqlite/0013_checkout_pages.sql"),
        include_str!("../migrations/postgres/0013_checkout_pages.sql"),
    ),
    (
        14,
        "receipts",
        include_str!("../migrations/sqlite/0014_receipts.sql"),
        include_str!("../migrations/postgres/0014_receipts.sql"),
    ),
    (
        15,
        "held_once",
        include_str!("../migrations/sqlite/0015_held_once.sql"),
        include_str!("../migrations/postgres/0015_held_once.sql"),
    ),
    (
        16,
        "throttle",
        include_str!("../migrations/sqlite/0016_throttle.sql"),
        include_str!("../migrations/postgres/0016_throttle.sql"),
    ),
    (
        17,
        "jobs",
        include_str!("../migrations/sqlite/0017_jobs.sql"),
        include_str!("../migrations/postgres/0017_jobs.sql"),
    ),
    (
        18,
        "account_mail",
        include_str!("../migrations/sqlite/0018_account_mail.sql"),
        include_str!("../migrations/postgres/0018_account_mail.sql"),
    ),
    (
        19,
        "audit_log",
        include_str!("../migrations/sqlite/0019_audit_log.sql"),
        include_str!("../migrations/postgres/0019_audit_log.sql"),
    ),
    (
        20,
        "operators",
        include_str!("../migrations/sqlite/0020_operators.sql"),
        include_str!("../migrations/postgres/0020_operators.sql"),
    ),
    (
        21,
        "erasure",
        include_str!("../migrations/sqlite/0021_erasure.sql"),
        include_str!("../migrations/postgres/0021_erasure.sql"),
    ),
    (
        22,
        "notifications",
        include_str!("../migrations/sqlite/0022_notifications.sql"),
        include_str!("../migrations/postgres/0022_notifications.sql"),
    ),
    (
        23,
        "two_factor",
        include_str!("../migrations/sqlite/0023_two_factor.sql"),
        include_str!("../migrations/postgres/0023_two_factor.sql"),
    ),
    (
        24,
        "reminders",
        include_str!("../migrations/sqlite/0024_reminders.sql"),
        include_str!("../migrations/postgres/0024_reminders.sql"),
    ),
    (
        25,
        "product_holds",
        include_str!("../migrations/sqlite/0025_product_holds.sql"),
        include_str!("../migrations/postgres/0025_product_holds.sql"),
    ),
    (
        26,
        "creator_profiles",
        include_str!("../migrations/sqlite/0026_creator_profiles.sql"),
        include_str!("../migrations/postgres/0026_creator_profiles.sql"),
    ),
    (
        27,
        "time_zone",
        include_str!("../migrations/sqlite/0027_time_zone.sql"),
        include_str!("../migrations/postgres/0027_time_zone.sql"),
    ),
    (
        28,
        "member_questions",
        include_str!("../migrations/sqlite/0028_member_questions.sql"),
        include_str!("../migrations/postgres/0028_member_questions.sql"),
    ),
];

fn migrator(backend: Backend) -> Migrator {
    let migrations = MIGRATIONS
        .iter()
        .map(|&(version, name, sqlite, postgres)| {
            let sql = match backend {
                Backend::Sqlite => sqlite,
                Backend::Postgres => postgres,
            };
            Migration::new(
                version,
                Cow::Borrowed(name),
                MigrationType::Simple,
                sqlx::SqlSafeStr::into_sql_str(sql),
                false,
            )
        })
        .collect();
    Migrator::with_migrations(migrations)
}

/// Pool settings.
#[derive(Clone, Debug)]
pub struct StoreOptions {
    pub max_connections: u32,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            max_connections: 16,
        }
    }
}

/// The store: implements every storage port of `kenning-app`.
#[derive(Clone, Debug)]
pub struct SqlStore {
    pool: AnyPool,
    backend: Backend,
    /// Kept for connections outside the pool (PostgreSQL LISTEN).
    url: String,
}

impl SqlStore {
    /// Connects (creating a SQLite file if missing). Does not migrate.
    pub async fn connect(url: &str, options: &StoreOptions) -> Result<SqlStore, StoreError> {
        install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_owned(),
        };
        let pool = AnyPoolOptions::new()
            .max_connections(options.max_connections)
            .acquire_timeout(Duration::from_secs(10))
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the writer; busy_timeout makes a
                        // writer wait for the lock instead of failing at once.
                        conn.execute(sqlx::raw_sql(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 10000;",
                        ))
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect(&url)
            .await
            .map_err(db_error)?;
        Ok(SqlStore { pool, backend, url })
    }

    /// Applies pending migrations.
    pub async fn migrate(&self) -> Result<(), StoreError> {
        migrator(self.backend)
            .run(&self.pool)
            .await
            .map_err(|e| StoreError::Backend(format!("migration failed: {e}")))
    }

    /// The pool every query goes through (one call per statement, which is what
    /// [`round_trips`] counts when the feature is on).
    pub(crate) fn pool(&self) -> &AnyPool {
        #[cfg(feature = "round-trips")]
        round_trips::note();
        &self.pool
    }
}

/// Translates sqlx errors into the port's vocabulary.
pub(crate) fn db_error(e: sqlx::Error) -> StoreError {
    match e {
        sqlx::Error::RowNotFound => StoreError::NotFound,
        sqlx::Error::Database(ref db) if db.is_unique_violation() => StoreError::Duplicate,
        other => StoreError::Backend(other.to_string()),
    }
}

/// Parses a stored value, reporting a corrupt row instead of panicking.
pub(crate) fn parse_col<T: FromStr>(value: &str, what: &str) -> Result<T, StoreError> {
    value
        .parse()
        .map_err(|_| StoreError::Corrupt(format!("{what}: {value:?}")))
}
