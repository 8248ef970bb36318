//! Throttle windows: attempts are counted per key and window, each parallel attempt sees
//! its own number, a new window starts from one and forgets the old, and a key can be
//! forgotten at once.

use kenning_app::ports::*;
use kenning_domain::throttle::LOGIN_PER_ACCOUNT;
use kenning_store::SqlStore;

use crate::fixtures::{NOW, all_at_once};

on_both_databases!(
    attempts_are_counted_per_key_and_window,
    parallel_attempts_each_see_their_own_count,
    a_sliding_window_counts_the_attempts_within_it,
    parallel_attempts_in_a_sliding_window_each_see_their_own_count,
);

async fn attempts_are_counted_per_key_and_window(store: SqlStore) {
    let window = LOGIN_PER_ACCOUNT.window_start(NOW);
    let next = window + LOGIN_PER_ACCOUNT.window_ms;
    let key = "login:ana@example.com";
    assert_eq!(store.count(key, window).await.unwrap(), 0);
    for expected in 1..=3 {
        assert_eq!(store.hit(key, window).await.unwrap(), expected);
    }
    assert_eq!(store.count(key, window).await.unwrap(), 3);
    // Another key has its own count.
    assert_eq!(store.hit("login-from:192.0.2.1", window).await.unwrap(), 1);

    // The next window starts again from one, and the old one is forgotten.
    assert_eq!(store.hit(key, next).await.unwrap(), 1);
    assert_eq!(store.count(key, window).await.unwrap(), 0);
    assert_eq!(store.count(key, next).await.unwrap(), 1);

    store.forget(key).await.unwrap();
    assert_eq!(store.count(key, next).await.unwrap(), 0);
    assert_eq!(
        store.count("login-from:192.0.2.1", window).await.unwrap(),
        1,
        "forgetting one key leaves the others"
    );
}

async fn parallel_attempts_each_see_their_own_count(store: SqlStore) {
    let window = LOGIN_PER_ACCOUNT.window_start(NOW);
    let mut seen = all_at_once(20, |_| {
        let store = store.clone();
        async move { store.hit("login:guess@example.com", window).await.unwrap() }
    })
    .await;
    seen.sort();
    assert_eq!(seen, (1..=20).collect::<Vec<i64>>());
    assert_eq!(
        store
            .count("login:guess@example.com", window)
            .await
            .unwrap(),
        20
    );
    assert!(LOGIN_PER_ACCOUNT.exceeded(20));
}

async fn a_sliding_window_counts_the_attempts_within_it(store: SqlStore) {
    let key = "chat:room:who";
    assert_eq!(store.hit_within(key, NOW, 10_000).await.unwrap(), 1);
    // The same moment counts twice.
    assert_eq!(store.hit_within(key, NOW, 10_000).await.unwrap(), 2);
    assert_eq!(store.hit_within(key, NOW + 4_000, 10_000).await.unwrap(), 3);
    // Ten seconds on, the first two have left the window; the third has not.
    assert_eq!(
        store.hit_within(key, NOW + 10_000, 10_000).await.unwrap(),
        2
    );
    assert_eq!(
        store.hit_within(key, NOW + 14_000, 10_000).await.unwrap(),
        2
    );
    // Another key has its own count.
    assert_eq!(
        store
            .hit_within("chat:room:other", NOW, 10_000)
            .await
            .unwrap(),
        1
    );
    store.forget(key).await.unwrap();
    assert_eq!(
        store.hit_within(key, NOW + 14_000, 10_000).await.unwrap(),
        1
    );
}

async fn parallel_attempts_in_a_sliding_window_each_see_their_own_count(store: SqlStore) {
    let mut seen = all_at_once(12, |i| {
        let store = store.clone();
        async move {
            store
                .hit_within("chat:room:flood", NOW + i as i64, 10_000)
                .await
                .unwrap()
        }
    })
    .await;
    seen.sort();
    assert_eq!(seen, (1..=12).collect::<Vec<i64>>());
}
