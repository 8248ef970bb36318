//! Starting a test server and talking to it.

use std::net::SocketAddr;
use std::path::PathBuf;

use kenning::{Settings, build_app, open_store};
use kenning_app::Kenning;
use kenning_app::accounts::{CurrentUser, Registration};
use kenning_domain::account::Role;
use reqwest::{Client, Response, StatusCode, redirect};
use serde_json::{Value, json};
use sqlx::AnyPool;
use tokio::sync::oneshot;

/// Generates one test per backend from a scenario `async fn(TestApp)`.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let app = $crate::helpers::TestApp::spawn($crate::helpers::Backend::Sqlite).await;
                    super::$name(&app).await;
                    app.finish().await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $name() {
                    let Some(app) = $crate::helpers::TestApp::spawn_postgres().await else { return };
                    super::$name(&app).await;
                    app.finish().await;
                }
            )*
        }
    };
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub const PASSWORD: &str = "correct horse battery";
/// The Stripe webhook signing secret test servers are configured with.
pub const STRIPE_TEST_SECRET: &str = "whsec_kenning_test_fixture";

/// A running server with its own database.
pub struct TestApp {
    pub addr: SocketAddr,
    pub client: Client,
    /// A client that does not follow redirects (for pages).
    pub browser: Client,
    pub app: Kenning,
    pub db: AnyPool,
    pub database_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    server: Option<tokio::task::JoinHandle<()>>,
    data_dir: PathBuf,
    pg_database: Option<(String, String)>,
}

pub fn unique(prefix: &str) -> String {
    format!("{prefix}{}", uuid::Uuid::new_v4().simple())
}

impl TestApp {
    pub async fn spawn(backend: Backend) -> TestApp {
        TestApp::spawn_with(backend, |_| {}).await
    }

    /// A server with settings changed from the tests' usual ones (media in a bucket,
    /// Stripe as the provider …).
    pub async fn spawn_with(backend: Backend, configure: impl FnOnce(&mut Settings)) -> TestApp {
        // KENNING_TEST_LOG=warn (or any filter) shows the servers' logs.
        if let Ok(filter) = std::env::var("KENNING_TEST_LOG") {
            let _ = tracing_subscriber::fmt()
                .with_env_filter(filter)
                .with_test_writer()
                .try_init();
        }
        let data_dir = std::env::temp_dir().join(unique("kenning-test-"));
        let (database_url, pg_database) = match backend {
            Backend::Sqlite => (
                format!("sqlite://{}", data_dir.join("kenning.db").display()),
                None,
            ),
            Backend::Postgres => {
                let admin = std::env::var("KENNING_TEST_DATABASE_URL")
                    .unwrap_or_else(|_| panic!("KENNING_TEST_DATABASE_URL"));
                let name = unique("kenning_test_");
                let admin_pool = AnyPool::connect(&admin)
                    .await
                    .unwrap_or_else(|e| panic!("{e}"));
                sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                    .execute(&admin_pool)
                    .await
                    .unwrap_or_else(|e| panic!("create database: {e}"));
                admin_pool.close().await;
                (replace_database(&admin, &name), Some((admin, name)))
            }
        };
        let (app, addr, shutdown, server) = start_server(&data_dir, &database_url, configure).await;
        let db = AnyPool::connect(&database_url)
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        TestApp {
            addr,
            client: Client::new(),
            browser: Client::builder()
                .redirect(redirect::Policy::none())
                .build()
                .unwrap_or_else(|e| panic!("{e}")),
            app,
            db,
            database_url,
            shutdown: Some(shutdown),
            server: Some(server),
            data_dir,
            pg_database,
        }
    }

    /// A PostgreSQL test app, or None (skipped) when no database is configured outside CI.
    pub async fn spawn_postgres() -> Option<TestApp> {
        TestApp::spawn_postgres_with(|_| {}).await
    }

    /// [`TestApp::spawn_postgres`] with changed settings.
    pub async fn spawn_postgres_with(configure: impl FnOnce(&mut Settings)) -> Option<TestApp> {
        sqlx::any::install_default_drivers();
        if !postgres_configured() {
            return None;
        }
        Some(TestApp::spawn_with(Backend::Postgres, configure).await)
    }

    /// Checks invariants, stops the server and removes the database.
    pub async fn finish(mut self) {
        let books = self
            .app
            .verify_books()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(books.is_clean(), "books do not verify: {books:?}");
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(server) = self.server.take() {
            let _ = server.await;
        }
        self.db.close().await;
        if let Some((admin, name)) = self.pg_database.take()
            && let Ok(pool) = AnyPool::connect(&admin).await
        {
            let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&pool)
            .await;
            pool.close().await;
        }
        let _ = std::fs::remove_dir_all(&self.data_dir);
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    /// Sends the mail queued so far and answers every mail delivered to `email`,
    /// oldest first (waiting a little for mail another worker is sending).
    pub async fn mails_to(&self, email: &str) -> Vec<crate::mailbox::ReceivedMail> {
        let mut found = Vec::new();
        // Until no mail is left to send: up to 30 s, as the server's own workers may hold
        // a mail job for a while when the machine runs many tests at once.
        for _ in 0..300 {
            self.app
                .drain_jobs("test-mail")
                .await
                .unwrap_or_else(|e| panic!("{e}"));
            found = crate::mailbox::mail_to(&self.data_dir, email);
            let queued = self
                .scalar("SELECT COUNT(*) FROM jobs WHERE kind = 'send_mail' AND status <> 'done'")
                .await;
            // The SMTP server writes a mail to its mailbox after accepting it: done is
            // not yet delivered until as many mails to this address are there.
            if queued == 0 && found.len() >= self.mails_sent_to(email).await {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        found
    }

    /// The newest mail to `email` whose text contains `containing` (a link's path, a
    /// phrase); fails the test when there is none. Mail is sent by concurrent jobs, so
    /// two queued together may arrive in either order.
    /// The SMTP server writes a mail to its mailbox after accepting it, so a mail whose
    /// job is done may land a moment later: look again for up to 10 s.
    pub async fn mail_to(&self, email: &str, containing: &str) -> crate::mailbox::ReceivedMail {
        for _ in 0..100 {
            let found = (self.mails_to(email).await.into_iter().rev())
                .find(|mail| mail.text.contains(containing));
            if let Some(mail) = found {
                return mail;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        panic!("no mail to {email} with {containing:?}")
    }

    pub fn data_dir(&self) -> &std::path::Path {
        &self.data_dir
    }

    /// A single integer from SQL (test-side checks of what was written).
    /// How many mail jobs to `email` are done (sent to the SMTP server).
    async fn mails_sent_to(&self, email: &str) -> usize {
        let row = sqlx::query(
            "SELECT COUNT(*) FROM jobs WHERE kind = 'send_mail' AND status = 'done' \
             AND payload LIKE $1",
        )
        .bind(format!("%\"to\":\"{email}\"%"))
        .fetch_one(&self.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
        let n = sqlx::Row::try_get::<i64, _>(&row, 0).unwrap_or_else(|e| panic!("{e}"));
        usize::try_from(n).unwrap_or(0)
    }

    pub async fn scalar(&self, sql: &'static str) -> i64 {
        let row = sqlx::query(sql)
            .fetch_one(&self.db)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        sqlx::Row::try_get::<i64, _>(&row, 0).unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn register(&self, email: &str) -> Response {
        self.client
            .post(self.url("/api/v1/accounts"))
            .json(&json!({"email": email, "password": PASSWORD, "display_name": "Test"}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn login(&self, email: &str, password: &str) -> Response {
        self.client
            .post(self.url("/api/v1/sessions"))
            .json(&json!({"email": email, "password": password}))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Registers a learner and returns a bearer token.
    pub async fn learner(&self) -> String {
        let email = format!("{}@example.com", unique("l"));
        assert_eq!(self.register(&email).await.status(), StatusCode::CREATED);
        token_of(self.login(&email, PASSWORD).await).await
    }

    /// An account with a role (as `kenning admin create` makes), and its token.
    pub async fn with_role(&self, role: Role) -> (CurrentUser, String) {
        let email = format!("{}@example.com", unique("r"));
        let account = self
            .app
            .upsert_account(
                Registration {
                    email: email.clone(),
                    password: PASSWORD.into(),
                    display_name: format!("{role:?}"),
                },
                role,
            )
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        let token = token_of(self.login(&email, PASSWORD).await).await;
        (CurrentUser { account }, token)
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap_or_else(|e| panic!("{e}"))
    }

    /// The body of an anonymous GET, as text (pages).
    pub async fn text(&self, path: &str) -> String {
        self.client
            .get(self.url(path))
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
            .text()
            .await
            .unwrap_or_default()
    }

    pub async fn post(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        let mut req = self.client.post(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn put(&self, path: &str, token: Option<&str>, body: Value) -> Response {
        let mut req = self.client.put(self.url(path)).json(&body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Response {
        let mut req = self.client.delete(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap_or_else(|e| panic!("{e}"))
    }

    pub async fn order(&self, token: &str, product_id: &str, key: &str) -> Response {
        self.order_with(token, key, json!({"product_id": product_id}))
            .await
    }

    /// `POST /api/v1/orders` with any body and an idempotency key.
    pub async fn order_with(&self, token: &str, key: &str, body: Value) -> Response {
        self.client
            .post(self.url("/api/v1/orders"))
            .bearer_auth(token)
            .header("Idempotency-Key", key)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    /// Buys a product with the sandbox's good card.
    pub async fn buy(&self, token: &str, product: &str) {
        let order = json_of(self.order(token, product, &unique("k")).await).await;
        self.pay(token, &order).await;
    }

    /// Pays an order (as the API returned it) with the sandbox's good card.
    pub async fn pay(&self, token: &str, order: &Value) {
        let id = order["id"].as_str().unwrap_or_default();
        let paid = self
            .post(
                &format!("/api/v1/orders/{id}/pay"),
                Some(token),
                json!({"card_number": "4242 4242 4242 4242"}),
            )
            .await;
        assert_eq!(paid.status(), StatusCode::OK);
    }

    /// Creates a product (`body` as `POST /api/v1/products` takes it) and returns its id.
    pub async fn create_product(&self, creator: &str, body: Value) -> String {
        let created = self.post("/api/v1/products", Some(creator), body).await;
        assert_eq!(created.status(), StatusCode::CREATED);
        id_of(created).await
    }

    /// Adds a lesson with this title to a product and returns its id.
    pub async fn add_lesson(&self, creator: &str, product: &str, title: &str) -> String {
        let created = self
            .post(
                &format!("/api/v1/products/{product}/lessons"),
                Some(creator),
                json!({"title": {"en": title}}),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        id_of(created).await
    }

    /// Publishes a product, which must succeed.
    pub async fn publish(&self, creator: &str, product: &str) {
        let r = self
            .post(
                &format!("/api/v1/products/{product}/publish"),
                Some(creator),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
    }

    /// A published course by a new creator: one preview lesson and two locked ones,
    /// priced at CNY 99.00 and USD 14.99. Returns (product id, [lesson ids], creator token).
    pub async fn published_course(&self) -> (String, Vec<String>, String) {
        let (_, creator) = self.with_role(Role::Creator).await;
        let created = self
            .post(
                "/api/v1/products",
                Some(&creator),
                json!({
                    "kind": "course",
                    "title": {"en": "Rust in Practice", "zh-CN": "Rust 实战"},
                    "description": {"en": "Build services.", "zh-CN": "构建服务。"},
                    "prices": [
                        {"amount_minor": 9900, "currency": "CNY"},
                        {"amount_minor": 1499, "currency": "USD"}
                    ],
                    "tags": ["rust"]
                }),
            )
            .await;
        assert_eq!(created.status(), StatusCode::CREATED);
        let product = json_of(created).await["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let mut lessons = Vec::new();
        for (i, title) in ["Welcome", "Ownership", "Async"].iter().enumerate() {
            let r = self
                .post(
                    &format!("/api/v1/products/{product}/lessons"),
                    Some(&creator),
                    json!({
                        "title": {"en": title, "zh-CN": format!("第{}课", i + 1)},
                        "content": {"en": format!("# {title}\n\nSecret text {i}."), "zh-CN": format!("正文 {i}")},
                        "preview": i == 0
                    }),
                )
                .await;
            assert_eq!(r.status(), StatusCode::CREATED);
            lessons.push(
                json_of(r).await["id"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            );
        }
        let r = self
            .post(
                &format!("/api/v1/products/{product}/publish"),
                Some(&creator),
                json!({}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::OK);
        (product, lessons, creator)
    }
}

/// Starts a server over a database (migrating it if needed) on a random loopback port.
async fn start_server(
    data_dir: &std::path::Path,
    database_url: &str,
    configure: impl FnOnce(&mut Settings),
) -> (
    Kenning,
    SocketAddr,
    oneshot::Sender<()>,
    tokio::task::JoinHandle<()>,
) {
    let mut settings = Settings {
        addr: SocketAddr::from(([127, 0, 0, 1], 0)),
        data_dir: data_dir.to_path_buf(),
        database_url: database_url.into(),
        secure_cookies: false,
        behind_proxy: false,
        login_attempts_per_account: kenning_domain::throttle::LOGIN_PER_ACCOUNT.attempts,
        attempts_per_address: kenning_domain::throttle::PER_ADDRESS.attempts,
        platform_fee_bps: 1000,
        max_connections: 8,
        cache_ms: 1000,
        // Small, so that the upload limit can be tested with a small file.
        max_media_mb: Some(1),
        // Smaller still for documents, to test their own cap.
        max_document_bytes: 512 * 1024,
        marking_jobs: 2,
        public_url: None,
        allowed_hosts: Vec::new(),
        markdown_image_hosts: Vec::new(),
        s3: None,
        stripe_webhook_secret: Some(STRIPE_TEST_SECRET.into()),
        stripe: None,
        smtp_url: crate::mailbox::server()
            .map(|server| format!("smtp://127.0.0.1:{}", server.port).into()),
        mail_from: Some("Kenning Test <no-reply@kenning.test>".into()),
        test_clock: true,
        // The machine's CJK font, if it has one (as when unset in production).
        pdf_font: None,
        // The operator as merchant of record (the demo leaves it unset: creators sell).
        merchant: Some(kenning_app::Merchant {
            name: "Example Learning Ltd".into(),
            address: Some("1 Example Street, London".into()),
            tax_id: Some("GB123456789".into()),
        }),
        role: kenning::NodeRole::All,
    };
    configure(&mut settings);
    let store = open_store(&settings)
        .await
        .unwrap_or_else(|e| panic!("{e:#}"));
    let app = build_app(store, &settings).unwrap_or_else(|e| panic!("{e:#}"));
    let listener = tokio::net::TcpListener::bind(settings.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    let (tx, rx) = oneshot::channel::<()>();
    let served = app.clone();
    let server = tokio::spawn(async move {
        let shutdown = async move {
            let _ = rx.await;
        };
        if let Err(e) = kenning::serve(listener, served, &settings, shutdown).await {
            eprintln!("server stopped: {e:#}");
        }
    });
    (app, addr, tx, server)
}

/// Another server process over the same database and files, as in a deployment with
/// several nodes.
pub struct Node {
    pub addr: SocketAddr,
    shutdown: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<()>,
}

impl Node {
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.addr, path)
    }

    pub async fn stop(self) {
        let _ = self.shutdown.send(());
        let _ = self.server.await;
    }
}

impl TestApp {
    pub async fn second_node(&self) -> Node {
        let (_, addr, shutdown, server) =
            start_server(&self.data_dir, &self.database_url, |_| {}).await;
        Node {
            addr,
            shutdown,
            server,
        }
    }
}

/// Whether KENNING_TEST_DATABASE_URL names a PostgreSQL server. When it does not, the
/// test is skipped and says so ([`skipped`]); with CI=true it fails instead.
pub fn postgres_configured() -> bool {
    if std::env::var("KENNING_TEST_DATABASE_URL").is_ok_and(|url| !url.trim().is_empty()) {
        return true;
    }
    skipped("PostgreSQL not configured (set KENNING_TEST_DATABASE_URL)");
    false
}

/// Says on the test output that the running test is skipped and why: written past the
/// harness's capture, so it shows without --nocapture, and named by the test's thread.
/// With CI=true nothing may be skipped: the test fails.
pub fn skipped(why: &str) {
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("a test");
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true: {test} cannot be skipped: {why}");
    }
    let _ = std::io::Write::write_fmt(
        &mut std::io::stderr().lock(),
        format_args!("skipped: {why}: {test}\n"),
    );
}

/// Replaces the database name in a PostgreSQL URL.
fn replace_database(url: &str, name: &str) -> String {
    let (base, query) = match url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let path_start = base[scheme_end..].find('/').map(|i| i + scheme_end);
    let host = match path_start {
        Some(i) => &base[..i],
        None => base,
    };
    match query {
        Some(q) => format!("{host}/{name}?{q}"),
        None => format!("{host}/{name}"),
    }
}

/// The `id` of the JSON object a response carries.
pub async fn id_of(response: Response) -> String {
    json_of(response).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

pub async fn json_of(response: Response) -> Value {
    response.json().await.unwrap_or_else(|e| panic!("{e}"))
}

pub async fn token_of(response: Response) -> String {
    assert_eq!(response.status(), StatusCode::OK);
    json_of(response).await["token"]
        .as_str()
        .unwrap_or_else(|| panic!("no token"))
        .to_owned()
}

/// Asserts an error status and code, returning the body.
pub async fn expect_error(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status, "expected {code}");
    let body = json_of(response).await;
    assert_eq!(body["error"]["code"], code, "{body}");
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    body
}

/// A small but real WAV file of `samples` 16-bit mono samples.
pub fn wav(samples: u32) -> Vec<u8> {
    let data_len = samples * 2;
    let mut out = Vec::new();
    out.extend_from_slice(b"RIFF");
    out.extend_from_slice(&(36 + data_len).to_le_bytes());
    out.extend_from_slice(b"WAVEfmt ");
    out.extend_from_slice(&16u32.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&1u16.to_le_bytes());
    out.extend_from_slice(&8_000u32.to_le_bytes());
    out.extend_from_slice(&16_000u32.to_le_bytes());
    out.extend_from_slice(&2u16.to_le_bytes());
    out.extend_from_slice(&16u16.to_le_bytes());
    out.extend_from_slice(b"data");
    out.extend_from_slice(&data_len.to_le_bytes());
    for i in 0..samples {
        out.extend_from_slice(&((i % 251) as i16 * 64).to_le_bytes());
    }
    out
}
