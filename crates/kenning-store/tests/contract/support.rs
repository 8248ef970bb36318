//! A fresh database per test, on SQLite (always) or PostgreSQL (when
//! KENNING_TEST_DATABASE_URL names a server), and the macro that runs one case on both.

use std::future::Future;
use std::io::Write;
use std::path::PathBuf;

use kenning_store::{SqlStore, StoreOptions};
use sqlx::AnyPool;

/// The variable naming the PostgreSQL server the tests may create databases on.
pub const PG_ENV: &str = "KENNING_TEST_DATABASE_URL";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// Generates, for every case `async fn(SqlStore)`, a test on SQLite (`sqlite::case`) and
/// one on PostgreSQL (`postgres::case`).
macro_rules! on_both_databases {
    ($($case:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    $crate::support::run(
                        $crate::support::Backend::Sqlite,
                        concat!(module_path!(), "::", stringify!($case)),
                        super::$case,
                    )
                    .await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $case() {
                    $crate::support::run(
                        $crate::support::Backend::Postgres,
                        concat!(module_path!(), "::", stringify!($case)),
                        super::$case,
                    )
                    .await;
                }
            )*
        }
    };
}

/// The PostgreSQL server to test on. Without one the test is skipped, and says so on the
/// test output (written past the harness's capture, so it shows without --nocapture);
/// with CI=true a missing server fails the test instead.
pub fn postgres_url(test: &str) -> Option<String> {
    if let Ok(url) = std::env::var(PG_ENV)
        && !url.trim().is_empty()
    {
        return Some(url);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true requires {PG_ENV} (PostgreSQL), so {test} cannot be skipped");
    }
    let _ = writeln!(
        std::io::stderr().lock(),
        "skipped: PostgreSQL not configured (set {PG_ENV}): {test}"
    );
    None
}

/// A migrated database of its own, removed by [`TestDb::close`].
pub struct TestDb {
    pub store: SqlStore,
    /// What to connect to for test-side reads (schema, counts).
    pub url: String,
    cleanup: Cleanup,
}

enum Cleanup {
    File(PathBuf),
    Database { admin: String, name: String },
}

fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

impl TestDb {
    /// A new database on `backend`; `None` when PostgreSQL is not configured (skipped).
    pub async fn open(backend: Backend, test: &str) -> Option<TestDb> {
        sqlx::any::install_default_drivers();
        let (url, cleanup) = match backend {
            Backend::Sqlite => {
                let file = std::env::temp_dir().join(unique("kenning-contract-") + ".db");
                (format!("sqlite://{}", file.display()), Cleanup::File(file))
            }
            Backend::Postgres => {
                let admin = postgres_url(test)?;
                let name = unique("kenning_contract_");
                let pool = AnyPool::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("{PG_ENV}: {e}"));
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&pool)
                    .await
                    .unwrap_or_else(|e| panic!("create database: {e}"));
                pool.close().await;
                (
                    replace_database(&admin, &name),
                    Cleanup::Database { admin, name },
                )
            }
        };
        let store = SqlStore::connect(
            &url,
            &StoreOptions {
                max_connections: 12,
            },
        )
        .await
        .unwrap_or_else(|e| panic!("connect {url}: {e}"));
        store
            .migrate()
            .await
            .unwrap_or_else(|e| panic!("migrate: {e}"));
        Some(TestDb {
            store,
            url,
            cleanup,
        })
    }

    /// A pool of its own on the database, for reads the ports do not offer.
    pub async fn pool(&self) -> AnyPool {
        AnyPool::connect(&self.url)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Closes the store and removes the database.
    pub async fn close(self) {
        drop(self.store);
        match self.cleanup {
            Cleanup::File(file) => {
                for suffix in ["", "-wal", "-shm"] {
                    let mut name = file.clone().into_os_string();
                    name.push(suffix);
                    let _ = std::fs::remove_file(PathBuf::from(name));
                }
            }
            Cleanup::Database { admin, name } => {
                if let Ok(pool) = AnyPool::connect(&admin).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(&pool)
                    .await;
                    pool.close().await;
                }
            }
        }
    }
}

/// Runs a case on a fresh database of `backend`, removing the database afterwards even
/// when the case fails.
pub async fn run<F, Fut>(backend: Backend, test: &str, case: F)
where
    F: FnOnce(SqlStore) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let Some(db) = TestDb::open(backend, test).await else {
        return;
    };
    let outcome = tokio::spawn(case(db.store.clone())).await;
    db.close().await;
    if let Err(e) = outcome {
        if e.is_panic() {
            std::panic::resume_unwind(e.into_panic());
        }
        panic!("{test}: {e}");
    }
}

/// Replaces the database name in a PostgreSQL URL.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let host = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{host}/{name}?{q}"),
        None => format!("{host}/{name}"),
    }
}
