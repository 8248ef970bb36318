use futures::{SinkExt, StreamExt};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};

use crate::helpers::{PASSWORD, TestApp, expect_error, json_of, token_of};
use crate::on_both_databases;

on_both_databases!(
    a_live_room_is_for_ticket_holders_and_its_chat_reaches_every_node,
    the_last_seats_go_to_as_many_buyers_as_there_are_seats,
    a_room_closes_on_its_holder_at_logout_and_at_a_refund,
    the_chat_limit_holds_across_nodes,
    ticket_holders_are_reminded_the_day_before_and_within_the_hour,
);

type Socket = WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>;

/// Creates and publishes a product with one lesson; returns (product id, lesson id).
async fn product(app: &TestApp, creator: &str, kind: &str, title: &str) -> (String, String) {
    let created = app
        .post(
            "/api/v1/products",
            Some(creator),
            json!({
                "kind": kind,
                "title": {"en": title},
                "prices": [{"amount_minor": 1999, "currency": "USD"}]
            }),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let id = json_of(created).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let lesson = app
        .post(
            &format!("/api/v1/products/{id}/lessons"),
            Some(creator),
            json!({"title": {"en": format!("{title}: replay")}}),
        )
        .await;
    let lesson = json_of(lesson).await["id"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let r = app
        .post(
            &format!("/api/v1/products/{id}/publish"),
            Some(creator),
            json!({}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    (id, lesson)
}

/// Opens the room's socket as this person (their session token as the page cookie).
async fn connect(
    base: &str,
    room: &str,
    token: Option<&str>,
    origin: Option<&str>,
) -> Result<Socket, u16> {
    let url = format!(
        "ws://{}/live/{room}/socket",
        base.trim_start_matches("http://")
    );
    let mut request = url.into_client_request().unwrap_or_else(|e| panic!("{e}"));
    if let Some(token) = token {
        let cookie = format!("kenning_session={token}")
            .parse()
            .unwrap_or_else(|e| panic!("{e}"));
        request.headers_mut().insert("cookie", cookie);
    }
    if let Some(origin) = origin {
        let origin = origin.parse().unwrap_or_else(|e| panic!("{e}"));
        request.headers_mut().insert("origin", origin);
    }
    match tokio_tungstenite::connect_async(request).await {
        Ok((socket, _)) => Ok(socket),
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            Err(response.status().as_u16())
        }
        Err(e) => panic!("connect: {e}"),
    }
}

/// The next JSON frame, within five seconds.
async fn next(socket: &mut Socket) -> Value {
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .unwrap_or_else(|_| panic!("no frame within 5 s"));
        match frame {
            Some(Ok(Message::Text(text))) => {
                return serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
            }
            Some(Ok(_)) => continue,
            other => panic!("socket ended: {other:?}"),
        }
    }
}

async fn say(socket: &mut Socket, request: Value) {
    socket
        .send(Message::Text(request.to_string().into()))
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}

async fn a_live_room_is_for_ticket_holders_and_its_chat_reaches_every_node(app: &TestApp) {
    let (_, creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let (course, _) = product(app, &creator, "course", "Async Rust").await;
    let (live, replay) = product(app, &creator, "live_session", "Ask me anything").await;
    let schedule = |url: &str, included_in: &str| {
        json!({
            "starts_at": "2099-01-01T12:00:00Z",
            "duration_minutes": 60,
            "capacity": 2,
            "stream_url": url,
            "included_in": included_in
        })
    };
    let path = format!("/api/v1/products/{live}/live");

    // Bad schedules and strangers change nothing.
    expect_error(
        app.put(
            &path,
            Some(&creator),
            schedule("javascript:alert(1)", &course),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_live_schedule",
    )
    .await;
    let (other_course, _, _) = app.published_course().await;
    expect_error(
        app.put(
            &path,
            Some(&creator),
            schedule("https://live.example.org/s.m3u8", &other_course),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_live_schedule",
    )
    .await;
    let stranger = app.learner().await;
    expect_error(
        app.put(
            &path,
            Some(&stranger),
            schedule("https://live.example.org/s.m3u8", &course),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_error(
        app.get(&path, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;

    let r = app
        .put(
            &path,
            Some(&creator),
            schedule("https://live.example.org/s.m3u8", &course),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let public = json_of(app.get(&path, None).await).await;
    assert_eq!(public["phase"], "upcoming");
    assert_eq!(public["ticket"], false);
    assert_eq!(public["seats_left"], 2);
    assert!(
        public["stream_url"].is_null(),
        "the stream is for ticket holders"
    );

    // A buys a ticket; B holds the course the session comes with; C holds nothing.
    let a = app.learner().await;
    app.buy(&a, &live).await;
    let b = app.learner().await;
    app.buy(&b, &course).await;
    let seen_by_b = json_of(app.get(&path, Some(&b)).await).await;
    assert_eq!(seen_by_b["ticket"], true);
    assert_eq!(seen_by_b["stream_url"], "https://live.example.org/s.m3u8");
    assert_eq!(seen_by_b["seats_left"], 1);

    // Who may open the room's socket.
    let node = app.second_node().await;
    // On PostgreSQL, B sits on another server process: the chat crosses via NOTIFY.
    let b_base = if app.database_url.starts_with("postgres") {
        node.url("")
    } else {
        app.url("")
    };
    let base = app.url("");
    // Anonymous visitors are sent to the login page, like every page that needs one.
    assert_eq!(connect(&base, &live, None, None).await.err(), Some(303));
    assert_eq!(
        connect(&base, &live, Some(&stranger), None).await.err(),
        Some(403)
    );
    assert_eq!(
        connect(&base, &live, Some(&a), Some("http://evil.example"))
            .await
            .err(),
        Some(403)
    );
    let mut sock_a = connect(&base, &live, Some(&a), Some(&base))
        .await
        .unwrap_or_else(|s| panic!("A refused: {s}"));
    let mut sock_b = connect(&b_base, &live, Some(&b), None)
        .await
        .unwrap_or_else(|s| panic!("B refused: {s}"));
    assert_eq!(next(&mut sock_a).await["type"], "history");
    assert_eq!(next(&mut sock_b).await["messages"], json!([]));

    say(
        &mut sock_a,
        json!({"type": "say", "body": "  hello from A  "}),
    )
    .await;
    for socket in [&mut sock_a, &mut sock_b] {
        let event = next(socket).await;
        assert_eq!(event["type"], "message");
        assert_eq!(event["message"]["body"], "hello from A");
        assert_eq!(event["message"]["question"], false);
    }
    say(
        &mut sock_b,
        json!({"type": "say", "body": "Will there be a replay?", "question": true}),
    )
    .await;
    let mut question_id = String::new();
    for socket in [&mut sock_a, &mut sock_b] {
        let event = next(socket).await;
        assert_eq!(event["message"]["question"], true);
        question_id = event["message"]["id"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
    }
    // A learner may not pin; a bad message is refused in the person's language.
    say(
        &mut sock_a,
        json!({"type": "moderate", "id": question_id, "action": "pin"}),
    )
    .await;
    assert_eq!(next(&mut sock_a).await["code"], "forbidden");
    say(&mut sock_a, json!({"type": "say", "body": "   "})).await;
    let refused = next(&mut sock_a).await;
    assert_eq!(refused["code"], "invalid_chat_message");
    assert!(refused["message"].as_str().is_some_and(|m| !m.is_empty()));

    // The creator pins and answers; every room sees it.
    let mut sock_creator = connect(&base, &live, Some(&creator), None)
        .await
        .unwrap_or_else(|s| panic!("creator refused: {s}"));
    let history = next(&mut sock_creator).await;
    assert_eq!(history["messages"].as_array().map(Vec::len), Some(2));
    say(
        &mut sock_creator,
        json!({"type": "moderate", "id": question_id, "action": "pin"}),
    )
    .await;
    for socket in [&mut sock_a, &mut sock_b, &mut sock_creator] {
        let event = next(socket).await;
        assert_eq!(event["type"], "updated");
        assert_eq!(event["message"]["pinned"], true);
    }
    let r = app
        .put(
            &format!("/api/v1/live/messages/{question_id}"),
            Some(&creator),
            json!({"action": "answered"}),
        )
        .await;
    assert_eq!(json_of(r).await["answered"], true);
    assert_eq!(next(&mut sock_b).await["message"]["answered"], true);
    // Operators may moderate any room; people without a ticket may not even try.
    let (_, admin) = app.with_role(kenning_domain::account::Role::Admin).await;
    let r = app
        .put(
            &format!("/api/v1/live/messages/{question_id}"),
            Some(&admin),
            json!({"action": "unpin"}),
        )
        .await;
    assert_eq!(json_of(r).await["pinned"], false);
    assert_eq!(next(&mut sock_b).await["message"]["pinned"], false);
    expect_error(
        app.put(
            &format!("/api/v1/live/messages/{question_id}"),
            Some(&stranger),
            json!({"action": "pin"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ticket_required",
    )
    .await;
    for socket in [sock_a, sock_b, sock_creator] {
        let mut socket = socket;
        let _ = socket.close(None).await;
    }

    // Messages persist, for ticket holders only.
    let kept = json_of(app.get(&format!("{path}/messages"), Some(&b)).await).await;
    assert_eq!(kept[0]["body"], "hello from A");
    assert_eq!(kept[1]["pinned"], false);
    assert_eq!(kept[1]["answered"], true);
    expect_error(
        app.get(&format!("{path}/messages"), Some(&stranger)).await,
        StatusCode::FORBIDDEN,
        "ticket_required",
    )
    .await;
    expect_error(
        app.post(
            &format!("{path}/messages"),
            Some(&stranger),
            json!({"body": "hi"}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "ticket_required",
    )
    .await;
    let r = app
        .post(
            &format!("{path}/messages"),
            Some(&a),
            json!({"body": "by API"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED);

    // The replay lesson is open to both kinds of ticket holder, not to strangers.
    for (token, status) in [(&a, 200), (&b, 200), (&stranger, 403)] {
        let r = app
            .get(&format!("/api/v1/lessons/{replay}"), Some(token))
            .await;
        assert_eq!(r.status().as_u16(), status);
    }

    // Two seats: the second ticket sells, the third does not.
    let d = app.learner().await;
    app.buy(&d, &live).await;
    // Flooding is held back: five messages in a moment, then a localized 429.
    for i in 0..5 {
        let r = app
            .post(
                &format!("{path}/messages"),
                Some(&d),
                json!({"body": format!("line {i}")}),
            )
            .await;
        assert_eq!(r.status(), StatusCode::CREATED);
    }
    expect_error(
        app.post(
            &format!("{path}/messages"),
            Some(&d),
            json!({"body": "one more"}),
        )
        .await,
        StatusCode::TOO_MANY_REQUESTS,
        "chat_too_fast",
    )
    .await;
    let e = app.learner().await;
    expect_error(
        app.order(&e, &live, "e-1").await,
        StatusCode::CONFLICT,
        "sold_out",
    )
    .await;
    node.stop().await;
}

async fn the_last_seats_go_to_as_many_buyers_as_there_are_seats(app: &TestApp) {
    let (_, creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let (live, _) = product(app, &creator, "live_session", "Office hours").await;
    let r = app
        .put(
            &format!("/api/v1/products/{live}/live"),
            Some(&creator),
            json!({
                "starts_at": "2099-01-01T12:00:00Z",
                "duration_minutes": 60,
                "capacity": 3,
                "stream_url": "https://stream.example/office-hours"
            }),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // A declined card holds no seat: its buyer can come back later.
    let declined = app.learner().await;
    let order = json_of(app.order(&declined, &live, "declined").await).await;
    let pay = |token: String, order: Value, card: &'static str| async move {
        let id = order["id"].as_str().unwrap_or_default().to_owned();
        app.post(
            &format!("/api/v1/orders/{id}/pay"),
            Some(&token),
            json!({"card_number": card}),
        )
        .await
    };
    let r = pay(declined.clone(), order, "4000 0000 0000 0002").await;
    assert_eq!(r.status(), StatusCode::PAYMENT_REQUIRED);

    // Ten buyers made their orders while seats were free, and all pay at once.
    let mut orders = Vec::new();
    for i in 0..10 {
        let buyer = app.learner().await;
        let order = json_of(app.order(&buyer, &live, &format!("seat-{i}")).await).await;
        orders.push((buyer, order));
    }
    let paid = futures::future::join_all(
        orders
            .iter()
            .map(|(b, o)| pay(b.clone(), o.clone(), "4242 4242 4242 4242")),
    )
    .await;
    let mut sold = 0;
    for r in paid {
        match r.status() {
            StatusCode::OK => sold += 1,
            StatusCode::CONFLICT => {
                assert_eq!(json_of(r).await["error"]["code"], "sold_out");
            }
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(sold, 3, "three seats, three tickets");
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM orders WHERE status = 'paid'")
            .await,
        3
    );
    assert_eq!(
        app.scalar("SELECT COUNT(*) FROM payments WHERE succeeded = TRUE")
            .await,
        3,
        "nobody turned away was charged"
    );
    let room = json_of(
        app.get(&format!("/api/v1/products/{live}/live"), None)
            .await,
    )
    .await;
    assert_eq!(room["seats_left"], 0, "{room}");
    // Sold out: new orders are refused too.
    expect_error(
        app.order(&declined, &live, "declined-again").await,
        StatusCode::CONFLICT,
        "sold_out",
    )
    .await;
}

/// The frames until the server closes the socket (within five seconds), JSON ones only.
async fn until_closed(socket: &mut Socket) -> Vec<Value> {
    let mut seen = Vec::new();
    loop {
        let frame = tokio::time::timeout(std::time::Duration::from_secs(5), socket.next())
            .await
            .unwrap_or_else(|_| panic!("still open after 5 s: {seen:?}"));
        match frame {
            Some(Ok(Message::Text(text))) => {
                seen.push(serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}")));
            }
            Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return seen,
            Some(Ok(_)) => {}
        }
    }
}

async fn a_room_closes_on_its_holder_at_logout_and_at_a_refund(app: &TestApp) {
    let (_, creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let (live, _) = product(app, &creator, "live_session", "Ask me anything").await;
    let r = app
        .put(
            &format!("/api/v1/products/{live}/live"),
            Some(&creator),
            json!({"starts_at": "2099-01-01T12:00:00Z", "duration_minutes": 60,
                   "stream_url": "https://stream.example/ama"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let base = app.url("");
    let origin = base.trim_end_matches('/').to_owned();

    // Logging out ends the room for that session.
    let leaver = app.learner().await;
    app.buy(&leaver, &live).await;
    let mut socket = connect(&base, &live, Some(&leaver), Some(&origin))
        .await
        .unwrap_or_else(|s| panic!("refused: {s}"));
    assert_eq!(next(&mut socket).await["type"], "history");
    let r = app
        .client
        .delete(app.url("/api/v1/sessions"))
        .bearer_auth(&leaver)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let frames = until_closed(&mut socket).await;
    assert!(
        frames.iter().any(|f| f["code"] == "unauthenticated"),
        "{frames:?}"
    );

    // A full refund ends it for the buyer, whose session stays open.
    let refunded = app.learner().await;
    let order = json_of(app.order(&refunded, &live, "ticket").await).await;
    app.pay(&refunded, &order).await;
    let mut socket = connect(&base, &live, Some(&refunded), Some(&origin))
        .await
        .unwrap_or_else(|s| panic!("refused: {s}"));
    assert_eq!(next(&mut socket).await["type"], "history");
    let id = order["id"].as_str().unwrap_or_default();
    let r = app
        .post(
            &format!("/api/v1/orders/{id}/refunds"),
            Some(&creator),
            json!({"reason": "changed my mind"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::CREATED, "{:?}", r.text().await);
    let frames = until_closed(&mut socket).await;
    assert!(
        frames.iter().any(|f| f["code"] == "ticket_required"),
        "{frames:?}"
    );
    // And it cannot be entered again.
    assert_eq!(
        connect(&base, &live, Some(&refunded), Some(&origin))
            .await
            .err(),
        Some(403)
    );
}

/// A sender spreading messages over two nodes is held to one flood limit: the count lives
/// in the database, not in each process.
async fn the_chat_limit_holds_across_nodes(app: &TestApp) {
    let (_, creator) = app.with_role(kenning_domain::account::Role::Creator).await;
    let (live, _) = product(app, &creator, "live_session", "Busy room").await;
    let r = app
        .put(
            &format!("/api/v1/products/{live}/live"),
            Some(&creator),
            json!({"starts_at": "2099-01-01T12:00:00Z", "duration_minutes": 60,
                   "stream_url": "https://stream.example/busy"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK, "{:?}", r.text().await);
    let sender = app.learner().await;
    app.buy(&sender, &live).await;
    let node = app.second_node().await;
    let post = |url: String, body: String| {
        let request = app
            .client
            .post(url)
            .bearer_auth(&sender)
            .json(&json!({ "body": body }));
        async move { request.send().await.unwrap_or_else(|e| panic!("{e}")) }
    };
    let path = format!("/api/v1/products/{live}/live/messages");
    // Five messages, alternating between the nodes, are all taken …
    for i in 0..5 {
        let url = if i % 2 == 0 {
            app.url(&path)
        } else {
            node.url(&path)
        };
        let r = post(url, format!("line {i}")).await;
        assert_eq!(r.status(), StatusCode::CREATED, "message {i}");
    }
    // … and the sixth is refused on either node, though each saw fewer than five.
    for url in [node.url(&path), app.url(&path)] {
        expect_error(
            post(url, "one more".into()).await,
            StatusCode::TOO_MANY_REQUESTS,
            "chat_too_fast",
        )
        .await;
    }
    // Another sender in the same room is not held back by it.
    let other = app.learner().await;
    app.buy(&other, &live).await;
    let r = app
        .client
        .post(node.url(&path))
        .bearer_auth(&other)
        .json(&json!({"body": "hello"}))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(r.status(), StatusCode::CREATED);
    node.stop().await;
}

async fn ticket_holders_are_reminded_the_day_before_and_within_the_hour(app: &TestApp) {
    use kenning_domain::account::Role;
    const HOUR: i64 = 60 * 60 * 1000;
    let (creator_user, creator) = app.with_role(Role::Creator).await;
    let (admin, _) = app.with_role(Role::Admin).await;
    let (course, _) = product(app, &creator, "course", "Rust course").await;
    let (live, _) = product(app, &creator, "live_session", "Office hours").await;
    let starts_at_ms = app.app.now_ms() + 47 * HOUR;
    app.app
        .schedule_live(
            &creator_user,
            live.parse().unwrap_or_else(|e| panic!("{e}")),
            kenning_domain::live::LiveSchedule {
                product_id: live.parse().unwrap_or_else(|e| panic!("{e}")),
                starts_at_ms,
                duration_minutes: 60,
                capacity: None,
                stream_url: "https://live.example.org/s.m3u8".into(),
                included_in: Some(course.parse().unwrap_or_else(|e| panic!("{e}"))),
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    // One holds a ticket, one holds the course it comes with, one holds neither.
    let (ticket, _) = app.with_role(Role::Learner).await;
    let (student, _) = app.with_role(Role::Learner).await;
    let (stranger, _) = app.with_role(Role::Learner).await;
    for (who, what) in [(&ticket, &live), (&student, &course)] {
        let token = token_of(app.login(who.account.email.as_str(), PASSWORD).await).await;
        app.buy(&token, what).await;
    }
    let reminders = |who: &kenning_app::accounts::CurrentUser| {
        let email = who.account.email.as_str().to_owned();
        async move {
            app.mails_to(&email)
                .await
                .into_iter()
                .filter(|m| m.subject.contains("Office hours") && m.subject.contains("soon"))
                .count()
        }
    };
    let advance = |hours: i64| {
        let admin = admin.clone();
        async move {
            app.app
                .advance_clock(&admin, hours * HOUR)
                .await
                .unwrap_or_else(|e| panic!("{e}"));
        }
    };

    // Two days ahead: nothing yet. The day before: one reminder each, once.
    advance(0).await;
    assert_eq!(reminders(&ticket).await, 0);
    advance(24).await;
    assert_eq!(reminders(&ticket).await, 1);
    assert_eq!(reminders(&student).await, 1);
    advance(1).await;
    assert_eq!(reminders(&ticket).await, 1, "once a day before");
    // Within the hour: the second one, with the room's link.
    advance(21).await;
    assert_eq!(reminders(&ticket).await, 2);
    assert_eq!(reminders(&student).await, 2);
    let mail = app
        .mail_to(ticket.account.email.as_str(), &format!("/live/{live}"))
        .await;
    assert!(mail.subject.contains("Starting soon"), "{}", mail.subject);
    advance(1).await;
    assert_eq!(reminders(&ticket).await, 2, "nothing once it started");
    assert_eq!(reminders(&stranger).await, 0);
}
