//! Live sessions: the schedule reads back, seats are counted from tickets, unclaimed gifts
//! and running holds, and concurrent takers never get more seats than there are.

use kenning_app::ports::*;
use kenning_domain::account::Role;
use kenning_domain::catalog::ProductKind;
use kenning_domain::ids::LiveMessageId;
use kenning_domain::live::{ChatMessage, LiveSchedule};
use kenning_store::SqlStore;

use crate::fixtures::{DAY, MINUTE, NOW, account, all_at_once, cny, order, product};

on_both_databases!(
    a_schedule_reads_back_and_is_replaced,
    concurrent_takers_never_exceed_the_seats,
    seats_are_freed_and_holds_run_out,
    chat_messages_keep_their_order_and_flags,
);

async fn a_schedule_reads_back_and_is_replaced(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let session = product(&store, &creator, ProductKind::LiveSession, &[cny(1900)]).await;
    let course = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let schedule = LiveSchedule {
        product_id: session.id,
        starts_at_ms: NOW + DAY,
        duration_minutes: 90,
        capacity: Some(3),
        stream_url: "https://live.example.com/a.m3u8".into(),
        included_in: None,
    };
    store.set_live_schedule(&schedule).await.unwrap();
    assert_eq!(
        store.live_schedule(session.id).await.unwrap().as_ref(),
        Some(&schedule)
    );
    let moved = LiveSchedule {
        starts_at_ms: NOW + 2 * DAY,
        capacity: None,
        included_in: Some(course.id),
        ..schedule.clone()
    };
    store.set_live_schedule(&moved).await.unwrap();
    assert_eq!(
        store.live_schedule(session.id).await.unwrap(),
        Some(moved.clone())
    );
    assert_eq!(store.live_sessions_in(course.id).await.unwrap(), [moved]);
    assert!(store.live_schedule(course.id).await.unwrap().is_none());
}

async fn concurrent_takers_never_exceed_the_seats(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let session = product(&store, &creator, ProductKind::LiveSession, &[cny(1900)]).await;
    store
        .set_live_schedule(&LiveSchedule {
            product_id: session.id,
            starts_at_ms: NOW + DAY,
            duration_minutes: 60,
            capacity: Some(3),
            stream_url: "https://live.example.com/b.m3u8".into(),
            included_in: None,
        })
        .await
        .unwrap();
    // One seat is a ticket already held.
    let holder = account(&store, Role::Learner).await;
    store
        .grant_entitlement(holder.id, session.id, "free", NOW)
        .await
        .unwrap();
    let mut orders = Vec::new();
    for _ in 0..10 {
        let buyer = account(&store, Role::Learner).await;
        orders.push(order(&store, &buyer, &session, cny(1900)).await);
    }
    let orders = std::sync::Arc::new(orders);
    let taken = all_at_once(10, |i| {
        let store = store.clone();
        let orders = orders.clone();
        async move {
            store
                .hold_seat(orders[i].id, session.id, 3, NOW, NOW + 15 * MINUTE)
                .await
                .unwrap()
        }
    })
    .await;
    assert_eq!(taken.iter().filter(|t| **t).count(), 2, "{taken:?}");
    assert_eq!(store.seats_taken(session.id, NOW).await.unwrap(), 3);
    // A holder asking again keeps the seat they have (their own hold is not counted
    // against them).
    let holding = orders
        .iter()
        .zip(&taken)
        .find(|(_, t)| **t)
        .map(|(o, _)| o.id)
        .unwrap();
    assert!(
        store
            .hold_seat(holding, session.id, 3, NOW + MINUTE, NOW + 16 * MINUTE)
            .await
            .unwrap()
    );
    assert_eq!(
        store.seats_taken(session.id, NOW + MINUTE).await.unwrap(),
        3
    );
}

async fn seats_are_freed_and_holds_run_out(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let session = product(&store, &creator, ProductKind::LiveSession, &[cny(1900)]).await;
    store
        .set_live_schedule(&LiveSchedule {
            product_id: session.id,
            starts_at_ms: NOW + DAY,
            duration_minutes: 60,
            capacity: Some(1),
            stream_url: "rtmp://live.example.com/c".into(),
            included_in: None,
        })
        .await
        .unwrap();
    let first = order(
        &store,
        &account(&store, Role::Learner).await,
        &session,
        cny(1900),
    )
    .await;
    let second = order(
        &store,
        &account(&store, Role::Learner).await,
        &session,
        cny(1900),
    )
    .await;
    let until = NOW + 15 * MINUTE;
    assert!(
        store
            .hold_seat(first.id, session.id, 1, NOW, until)
            .await
            .unwrap()
    );
    assert!(
        !store
            .hold_seat(second.id, session.id, 1, NOW, until)
            .await
            .unwrap()
    );

    // A declined card frees the seat.
    store.release_seat(first.id).await.unwrap();
    assert_eq!(store.seats_taken(session.id, NOW).await.unwrap(), 0);
    assert!(
        store
            .hold_seat(second.id, session.id, 1, NOW, until)
            .await
            .unwrap()
    );
    // A hold that ran out counts no more; so does an expired payment page.
    assert_eq!(store.seats_taken(session.id, until).await.unwrap(), 0);
    assert!(
        store
            .hold_seat(first.id, session.id, 1, until, until + 15 * MINUTE)
            .await
            .unwrap()
    );
    store.page_expired(first.id).await.unwrap();
    assert_eq!(store.expired_pages(first.id).await.unwrap(), 1);
    assert_eq!(store.seats_taken(session.id, until).await.unwrap(), 0);
}

async fn chat_messages_keep_their_order_and_flags(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let viewer = account(&store, Role::Learner).await;
    let session = product(&store, &creator, ProductKind::LiveSession, &[cny(1900)]).await;
    let mut sent = Vec::new();
    for i in 0..5_i64 {
        let message = ChatMessage {
            id: LiveMessageId::new(),
            product_id: session.id,
            account_id: viewer.id,
            author_name: "Ana".into(),
            body: format!("line {i} 你好"),
            question: i == 2,
            pinned: false,
            answered: false,
            created_at_ms: NOW + i,
        };
        store.insert_live_message(&message).await.unwrap();
        sent.push(message);
    }
    // The latest three, oldest first.
    assert_eq!(
        store.live_messages(session.id, 3).await.unwrap(),
        sent[2..].to_vec()
    );
    let mut question = sent[2].clone();
    question.pinned = true;
    question.answered = true;
    store.update_live_message(&question).await.unwrap();
    assert_eq!(
        store.live_message(question.id).await.unwrap(),
        Some(question)
    );
}
