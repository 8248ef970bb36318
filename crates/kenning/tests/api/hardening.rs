//! Web hardening: redirects after login stay on the site, paths the router cannot serve
//! are 404s, links are never built on a forged Host, pages carry a script policy
//! without inline script, Markdown shows no tracking pixels, and forms are bound to
//! the session and refused from sibling sites.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use kenning::config::StripeSettings;
use kenning_domain::account::Role;
use reqwest::{StatusCode, header};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{Backend, PASSWORD, TestApp, json_of};
use crate::on_both_databases;

on_both_databases!(
    a_login_never_sends_the_browser_to_another_site,
    paths_the_router_cannot_serve_are_not_found,
    links_are_never_built_on_a_forged_host,
    pages_carry_a_script_policy_and_no_inline_script,
    lesson_markdown_shows_no_foreign_images,
    forms_are_bound_to_the_session_and_sibling_sites_are_foreign,
);

/// A cookie-keeping browser that does not follow redirects, sending the headers
/// Chromium sends on a same-origin form post.
pub(crate) struct Browser<'a> {
    app: &'a TestApp,
    cookies: HashMap<String, String>,
}

pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) location: Option<String>,
    pub(crate) headers: header::HeaderMap,
    pub(crate) body: String,
}

impl Page {
    pub(crate) fn csrf(&self) -> String {
        let marker = "name=\"csrf\" value=\"";
        let start = self
            .body
            .find(marker)
            .map(|i| i + marker.len())
            .unwrap_or_else(|| panic!("no form token in page:\n{}", self.body));
        self.body[start..]
            .split('"')
            .next()
            .unwrap_or_default()
            .to_owned()
    }
}

impl<'a> Browser<'a> {
    pub(crate) fn new(app: &'a TestApp) -> Self {
        Browser {
            app,
            cookies: HashMap::new(),
        }
    }

    fn cookie_header(&self) -> String {
        self.cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect::<Vec<_>>()
            .join("; ")
    }

    async fn send(&mut self, req: reqwest::RequestBuilder) -> Page {
        let r = req
            .header(header::COOKIE, self.cookie_header())
            .send()
            .await
            .unwrap_or_else(|e| panic!("{e}"));
        for set in r.headers().get_all(header::SET_COOKIE) {
            let pair = set
                .to_str()
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((k, v)) = pair.split_once('=') {
                if v.is_empty() {
                    self.cookies.remove(k);
                } else {
                    self.cookies.insert(k.to_owned(), v.to_owned());
                }
            }
        }
        let status = r.status();
        let headers = r.headers().clone();
        let location = headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        Page {
            status,
            location,
            headers,
            body: r.text().await.unwrap_or_default(),
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        let req = self.app.browser.get(self.app.url(path));
        self.send(req).await
    }

    /// A form post from this site's own page.
    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        let origin = format!("http://{}", self.app.addr);
        self.post_from(
            path,
            form,
            &[("origin", &origin), ("sec-fetch-site", "same-origin")],
        )
        .await
    }

    async fn post_from(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        extra: &[(&str, &str)],
    ) -> Page {
        let mut req = self.app.browser.post(self.app.url(path)).form(form);
        for (name, value) in extra {
            req = req.header(*name, *value);
        }
        self.send(req).await
    }

    pub(crate) async fn log_in(&mut self, email: &str, next: &str) -> Page {
        let page = self.get("/login").await;
        let csrf = page.csrf();
        self.post(
            "/login",
            &[
                ("csrf", &csrf),
                ("email", email),
                ("password", PASSWORD),
                ("next", next),
            ],
        )
        .await
    }
}

// ---------------------------------------------------------------- point 2

async fn a_login_never_sends_the_browser_to_another_site(app: &TestApp) {
    let email = "traveller@example.com";
    assert_eq!(app.register(email).await.status(), StatusCode::CREATED);

    // A path on this site is followed.
    let mut b = Browser::new(app);
    let done = b.log_in(email, "/library").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert_eq!(done.location.as_deref(), Some("/library"));

    // Anything a browser could read as another host goes home instead, and a value
    // that cannot be a header at all is refused cleanly (never a 500).
    for next in [
        "/\t/evil.example",
        "/%09/evil.example",
        "/\n/evil.example",
        "/\r\nSet-Cookie: kenning_session=x",
        "//evil.example",
        "/\\evil.example",
        "/%2F%2Fevil.example",
        "/%5C%5Cevil.example",
        "https://evil.example",
        "javascript:alert(1)",
    ] {
        let mut b = Browser::new(app);
        let done = b.log_in(email, next).await;
        assert_eq!(
            done.status,
            StatusCode::SEE_OTHER,
            "{next:?}: {}",
            done.body
        );
        assert_eq!(done.location.as_deref(), Some("/"), "{next:?}");
        assert!(b.cookies.contains_key("kenning_session"), "{next:?}");
    }

    // The login page does not carry the value into its form either.
    let mut b = Browser::new(app);
    let page = b.get("/login?next=%2F%09%2Fevil.example").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("name=\"next\" value=\"/\""),
        "{}",
        page.body
    );

    // Choosing a language goes back to a page on this site only.
    let page = b.get("/").await;
    let back = b
        .post(
            "/preferences",
            &[
                ("csrf", &page.csrf()),
                ("lang", "en"),
                ("back", "/\t/evil.example"),
            ],
        )
        .await;
    assert_eq!(back.status, StatusCode::SEE_OTHER);
    assert_eq!(back.location.as_deref(), Some("/"));
}

// ---------------------------------------------------------------- point 5

/// A request sent byte for byte, so the path reaches the server as written (HTTP
/// clients would tidy `./` away). Answers the status code.
async fn raw_status(app: &TestApp, path: &str) -> u16 {
    let mut stream = tokio::net::TcpStream::connect(app.addr)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n",
        app.addr
    );
    stream
        .write_all(request.as_bytes())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer).await;
    let text = String::from_utf8_lossy(&answer);
    text.split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status in {text}"))
}

async fn paths_the_router_cannot_serve_are_not_found(app: &TestApp) {
    for path in [
        "/media/covers//x",
        "/media/covers/./x",
        "/media/covers/../x",
        "/media/covers/a/./b",
        "/media/covers/a//b",
        "/media/covers/a/b/c",
        "/media/covers/a/b",
        "/media/lessons/a/b",
        "/media/",
        "/covers/./x",
        "/covers//x",
        "/./x",
        "/a/../../x",
    ] {
        assert_eq!(raw_status(app, path).await, 404, "{path}");
    }
    let through_client = app.get("/media/covers//x", None).await;
    assert_eq!(through_client.status(), StatusCode::NOT_FOUND);
}

// ---------------------------------------------------------------- point 7

async fn links_are_never_built_on_a_forged_host(app: &TestApp) {
    let own = format!("http://{}", app.addr);
    let learner = app.learner().await;

    // The referral link.
    let referral = app
        .client
        .get(app.url("/api/v1/me/referral"))
        .bearer_auth(&learner)
        .header(header::HOST, "evil.example")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(referral.status(), StatusCode::OK);
    let link = json_of(referral).await["link"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(link.starts_with(&format!("{own}/")), "{link}");

    // The podcast feed's address, and the links inside the feed.
    let (series, _) = crate::media::audio_series(app).await;
    app.buy(&learner, &series).await;
    let library = app
        .client
        .get(app.url("/api/v1/library"))
        .bearer_auth(&learner)
        .header(header::HOST, "evil.example")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let library = json_of(library).await;
    let feed = library["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .find_map(|i| i["feed_url"].as_str().map(String::from))
        .unwrap_or_else(|| panic!("no feed in {library}"));
    assert!(feed.starts_with(&format!("{own}/feeds/")), "{feed}");
    let xml = app
        .client
        .get(&feed)
        .header(header::HOST, "evil.example")
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"))
        .text()
        .await
        .unwrap_or_default();
    assert!(xml.contains(&own), "{xml}");
    assert!(!xml.contains("evil.example"), "{xml}");

    // The host the server listens on is still used as asked (localhost form).
    let local = app
        .client
        .get(app.url("/api/v1/me/referral"))
        .bearer_auth(&learner)
        .header(header::HOST, format!("localhost:{}", app.addr.port()))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let link = json_of(local).await["link"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        link.starts_with(&format!("http://localhost:{}/", app.addr.port())),
        "{link}"
    );
}

// ---------------------------------------------------------------- point 8

fn header_of(page: &Page, name: &str) -> String {
    page.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_owned()
}

/// Inline script in a page: a `<script>` without `src`, or an `on…=` attribute.
fn inline_script(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    for (i, _) in lower.match_indices("<script") {
        let tag_end = lower[i..].find('>').map_or(lower.len(), |e| i + e);
        if !lower[i..tag_end].contains(" src=") {
            return Some(lower[i..tag_end].to_owned());
        }
    }
    lower
        .match_indices(" on")
        .map(|(i, _)| &lower[i + 3..])
        .find(|rest| {
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_lowercase())
                .collect();
            !name.is_empty() && rest[name.len()..].starts_with('=')
        })
        .map(|rest| rest.chars().take(40).collect())
}

async fn pages_carry_a_script_policy_and_no_inline_script(app: &TestApp) {
    let (product, lessons, _) = app.published_course().await;
    let learner = app.learner().await;
    app.buy(&learner, &product).await;
    let email = "reader@example.com";
    assert_eq!(app.register(email).await.status(), StatusCode::CREATED);

    let mut b = Browser::new(app);
    let home = b.get("/").await;
    let policy = header_of(&home, "content-security-policy");
    for part in [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ] {
        assert!(policy.contains(part), "{part} in {policy}");
    }
    assert!(!policy.contains("unsafe-inline"), "{policy}");
    assert!(!policy.contains("unsafe-eval"), "{policy}");
    assert!(header_of(&home, "permissions-policy").contains("camera=()"));
    assert_eq!(header_of(&home, "x-content-type-options"), "nosniff");
    assert_eq!(header_of(&home, "referrer-policy"), "same-origin");
    assert_eq!(
        header_of(&home, "strict-transport-security"),
        "",
        "no HSTS without secure cookies"
    );

    // Every kind of page, signed out and in, runs no inline script.
    let mut paths = vec![
        "/".to_owned(),
        "/catalog".to_owned(),
        "/search?q=rust".to_owned(),
        "/login".to_owned(),
        "/register".to_owned(),
        format!("/products/{product}"),
        format!("/lessons/{}", lessons[0]),
        "/no/such/page".to_owned(),
    ];
    for path in &paths {
        let page = b.get(path).await;
        assert!(
            inline_script(&page.body).is_none(),
            "{path}: {:?}",
            inline_script(&page.body)
        );
        assert!(header_of(&page, "content-security-policy").contains("script-src 'self'"));
    }
    let done = b.log_in(email, "/").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    paths.extend(["/library".to_owned(), "/orders".to_owned()]);
    for path in &paths {
        let page = b.get(path).await;
        assert!(
            inline_script(&page.body).is_none(),
            "{path}: {:?}",
            inline_script(&page.body)
        );
    }

    // The scripts the pages load are served, as scripts.
    for script in ["/assets/player.js", "/assets/live.js"] {
        let page = b.get(script).await;
        assert_eq!(page.status, StatusCode::OK, "{script}");
        assert!(header_of(&page, "content-type").starts_with("text/javascript"));
    }

    // Swagger UI has its own, relaxed policy; the API keeps the strict one.
    let docs = b.get("/api/docs/").await;
    assert_eq!(docs.status, StatusCode::OK);
    let docs_policy = header_of(&docs, "content-security-policy");
    assert!(docs_policy.contains("script-src 'self'"), "{docs_policy}");
    assert!(
        docs_policy.contains("style-src 'self' 'unsafe-inline'"),
        "{docs_policy}"
    );
    assert!(inline_script(&docs.body).is_none());
    let api = b.get("/api/v1/products").await;
    assert!(!header_of(&api, "content-security-policy").contains("unsafe-inline"));
}

// ------------------------------------------------------- point 8 (Markdown)

/// A creator's product with one lesson written in `markdown`: (lesson id, creator).
async fn lesson_with(app: &TestApp, markdown: &str) -> (String, String) {
    let (_, creator) = app.with_role(Role::Creator).await;
    let product = app
        .post(
            "/api/v1/products",
            Some(&creator),
            json!({
                "kind": "course",
                "title": {"en": "Pictures"},
                "description": {"en": "With images."},
                "prices": [{"amount_minor": 500, "currency": "USD"}]
            }),
        )
        .await;
    assert_eq!(product.status(), StatusCode::CREATED);
    let product = json_of(product).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let lesson = app
        .post(
            &format!("/api/v1/products/{product}/lessons"),
            Some(&creator),
            json!({"title": {"en": "Look"}, "content": {"en": markdown}, "preview": true}),
        )
        .await;
    assert_eq!(lesson.status(), StatusCode::CREATED);
    let lesson = json_of(lesson).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let published = app
        .post(
            &format!("/api/v1/products/{product}/publish"),
            Some(&creator),
            json!({}),
        )
        .await;
    assert_eq!(published.status(), StatusCode::OK);
    (lesson, creator)
}

const PICTURES: &str = "Here: ![pixel](https://tracker.example/p.gif)\n\n\
    <img src=\"https://tracker.example/q.gif\" alt=\"raw\">\n\n\
    ![allowed](https://images.example.test/a.png)\n\n![cover](/media/covers/a/b)";

async fn lesson_html(app: &TestApp, lesson: &str, creator: &str) -> String {
    let read = app
        .get(&format!("/api/v1/lessons/{lesson}"), Some(creator))
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    json_of(read).await["content_html"]
        .as_str()
        .unwrap_or_default()
        .to_owned()
}

async fn lesson_markdown_shows_no_foreign_images(app: &TestApp) {
    let (lesson, creator) = lesson_with(app, PICTURES).await;
    let html = lesson_html(app, &lesson, &creator).await;
    assert!(!html.contains("src=\"https://tracker.example"), "{html}");
    assert!(
        html.contains("<a href=\"https://tracker.example/p.gif\""),
        "a link instead: {html}"
    );
    assert!(html.contains(">pixel</a>"), "{html}");
    assert!(html.contains("alt=\"raw\""), "{html}");
    // No operator allow-list here: the other host is foreign too.
    assert!(
        !html.contains("src=\"https://images.example.test"),
        "{html}"
    );
    assert!(html.contains("<img src=\"/media/covers/a/b\""), "{html}");
}

// ---------------------------------------------------------------- point 9

async fn forms_are_bound_to_the_session_and_sibling_sites_are_foreign(app: &TestApp) {
    let email = "victim@example.com";
    assert_eq!(app.register(email).await.status(), StatusCode::CREATED);
    let sibling = format!("http://shop.localhost:{}", app.addr.port());

    // A sibling site (same-site, another origin) cannot log anyone in.
    let mut b = Browser::new(app);
    let login = b.get("/login").await;
    let visitor_token = login.csrf();
    let from_sibling = b
        .post_from(
            "/login",
            &[
                ("csrf", &visitor_token),
                ("email", email),
                ("password", PASSWORD),
                ("next", "/"),
            ],
            &[("sec-fetch-site", "same-site"), ("origin", &sibling)],
        )
        .await;
    assert_eq!(from_sibling.status, StatusCode::FORBIDDEN);
    assert!(!b.cookies.contains_key("kenning_session"));
    // Nor without saying where it posts from.
    let unnamed = b
        .post_from(
            "/login",
            &[
                ("csrf", &visitor_token),
                ("email", email),
                ("password", PASSWORD),
            ],
            &[("sec-fetch-site", "same-site")],
        )
        .await;
    assert_eq!(unnamed.status, StatusCode::FORBIDDEN);

    // The signed-out form works from our own page.
    let done = b.log_in(email, "/library").await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    assert!(b.cookies.contains_key("kenning_session"));

    // Signed in, the token is another one: the one from before login is worthless.
    let home = b.get("/").await;
    let session_token = home.csrf();
    assert_ne!(session_token, visitor_token);
    let stale = b.post("/logout", &[("csrf", &visitor_token)]).await;
    assert_eq!(stale.status, StatusCode::FORBIDDEN);

    // A token equal to a cookie someone planted is not the session's token.
    let planted = "p".repeat(43);
    b.cookies.insert("kenning_csrf".into(), planted.clone());
    let forged = b.post("/logout", &[("csrf", &planted)]).await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    assert!(b.cookies.contains_key("kenning_session"));
    // The session's own token does not depend on that cookie.
    assert_eq!(b.get("/").await.csrf(), session_token);

    // A same-site post naming our own origin is ours.
    let own = format!("http://{}", app.addr);
    let prefs = b
        .post_from(
            "/preferences",
            &[("csrf", &session_token), ("lang", "en"), ("back", "/")],
            &[("sec-fetch-site", "same-site"), ("origin", &own)],
        )
        .await;
    assert_eq!(prefs.status, StatusCode::SEE_OTHER);

    // Logging out with the session's token works, and the token changes again.
    let out = b.post("/logout", &[("csrf", &session_token)]).await;
    assert_eq!(out.status, StatusCode::SEE_OTHER);
    assert!(!b.cookies.contains_key("kenning_session"));
    assert_ne!(b.get("/").await.csrf(), session_token);
}

// ------------------------------------- a server with hosts and HTTPS configured

/// The forms of the checkout sessions the stand-in for Stripe was asked for.
type Seen = Arc<Mutex<Vec<HashMap<String, String>>>>;

/// The stand-in for Stripe's API: records the return addresses of checkout sessions.
async fn start_fake_stripe() -> (Seen, String) {
    let seen: Seen = Arc::default();
    let router = axum::Router::new()
        .route(
            "/v1/checkout/sessions",
            axum::routing::post(
                |axum::extract::State(seen): axum::extract::State<Seen>,
                 axum::Form(form): axum::Form<HashMap<String, String>>| async move {
                    if let Ok(mut seen) = seen.lock() {
                        seen.push(form);
                    }
                    axum::Json(json!({
                        "id": "cs_test_1",
                        "object": "checkout.session",
                        "url": "https://checkout.stripe.test/c/pay/cs_test_1"
                    }))
                },
            ),
        )
        .with_state(seen.clone());
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let addr = listener.local_addr().unwrap_or_else(|e| panic!("{e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    (seen, format!("http://{addr}"))
}

fn configured(stripe: String) -> impl FnOnce(&mut kenning::Settings) {
    move |settings| {
        settings.secure_cookies = true;
        settings.allowed_hosts = vec!["learn.example.test".into()];
        settings.markdown_image_hosts = vec!["images.example.test".into()];
        settings.stripe = Some(StripeSettings {
            secret_key: "sk_test_kenning_fixture".into(),
            api_base: Some(stripe),
        });
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_server_uses_its_hosts_and_https_headers_on_sqlite() {
    let (seen, stripe) = start_fake_stripe().await;
    let app = TestApp::spawn_with(Backend::Sqlite, configured(stripe)).await;
    configured_server(&app, &seen).await;
    app.finish().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_configured_server_uses_its_hosts_and_https_headers_on_postgres() {
    let (seen, stripe) = start_fake_stripe().await;
    let Some(app) = TestApp::spawn_postgres_with(configured(stripe)).await else {
        return;
    };
    configured_server(&app, &seen).await;
    app.finish().await;
}

async fn checkout_success_url(
    app: &TestApp,
    seen: &Seen,
    token: &str,
    order: &Value,
    host: &str,
) -> String {
    let id = order["id"].as_str().unwrap_or_default();
    let session = app
        .client
        .post(app.url(&format!("/api/v1/orders/{id}/checkout-session")))
        .bearer_auth(token)
        .header(header::HOST, host)
        .json(&json!({}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(session.status(), StatusCode::OK, "{}", host);
    seen.lock()
        .ok()
        .and_then(|s| s.last().and_then(|f| f.get("success_url").cloned()))
        .unwrap_or_default()
}

async fn configured_server(app: &TestApp, seen: &Seen) {
    // HTTPS headers, and the allowed image host in the policy.
    let mut b = Browser::new(app);
    let home = b.get("/").await;
    assert!(header_of(&home, "strict-transport-security").starts_with("max-age="));
    assert!(
        header_of(&home, "content-security-policy").contains("https://images.example.test"),
        "{}",
        header_of(&home, "content-security-policy")
    );

    // The operator's image host is shown; others still are not.
    let (lesson, creator) = lesson_with(app, PICTURES).await;
    let html = lesson_html(app, &lesson, &creator).await;
    assert!(
        html.contains("<img src=\"https://images.example.test/a.png\""),
        "{html}"
    );
    assert!(!html.contains("src=\"https://tracker.example"), "{html}");

    // The hosted checkout comes back to this server, never to a forged host; an
    // allowed host is used as asked.
    let (product, _, _) = app.published_course().await;
    let learner = app.learner().await;
    let order = json_of(app.order(&learner, &product, "hardening-1").await).await;
    let forged = checkout_success_url(app, seen, &learner, &order, "evil.example").await;
    assert!(
        forged.starts_with(&format!("http://{}/orders/", app.addr)),
        "{forged}"
    );
    let learner = app.learner().await;
    let order = json_of(app.order(&learner, &product, "hardening-2").await).await;
    let allowed = checkout_success_url(app, seen, &learner, &order, "learn.example.test").await;
    assert!(
        allowed.starts_with("http://learn.example.test/orders/"),
        "{allowed}"
    );

    // A form posted from the allowed host's origin is the server's own.
    let email = "configured@example.com";
    assert_eq!(app.register(email).await.status(), StatusCode::CREATED);
    let login = b.get("/login").await;
    let done = b
        .post_from(
            "/login",
            &[
                ("csrf", &login.csrf()),
                ("email", email),
                ("password", PASSWORD),
            ],
            &[
                ("sec-fetch-site", "same-site"),
                ("origin", "https://learn.example.test"),
            ],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
}
