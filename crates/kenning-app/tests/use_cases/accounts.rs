//! Sessions and logins, on the fake clock.

use kenning_app::AppError;
use kenning_app::ports::Clock;
use kenning_domain::account::Role;
use kenning_domain::throttle::LOGIN_PER_ACCOUNT;

use crate::support::{DAY, Harness, PASSWORD};

#[tokio::test]
async fn a_session_ends_when_the_clock_passes_its_expiry() {
    let h = Harness::new().await;
    let person = h.person(Role::Learner).await;
    let email = person.account.email.as_str().to_owned();
    let (account, token) = h.app.log_in(&email, PASSWORD, None).await.unwrap();
    assert_eq!(account.id, person.account.id);

    let days = h.app.settings().session_days;
    h.fakes.clock.advance((days - 1) * DAY);
    let who = h.app.authenticate(&token).await.unwrap();
    assert_eq!(who.map(|u| u.account.id), Some(person.account.id));

    h.fakes.clock.advance(DAY);
    assert!(h.app.authenticate(&token).await.unwrap().is_none());
}

#[tokio::test]
async fn a_logout_ends_the_session_at_once() {
    let h = Harness::new().await;
    let person = h.person(Role::Learner).await;
    let (_, token) = h
        .app
        .log_in(person.account.email.as_str(), PASSWORD, None)
        .await
        .unwrap();
    h.app.log_out(&token).await.unwrap();
    assert!(h.app.authenticate(&token).await.unwrap().is_none());
}

#[tokio::test]
async fn failed_logins_are_refused_past_the_limit_until_the_window_ends() {
    let h = Harness::new().await;
    let person = h.person(Role::Learner).await;
    let email = person.account.email.as_str().to_owned();
    // Start at the beginning of a window, so the whole window lies ahead.
    let start =
        LOGIN_PER_ACCOUNT.window_start(h.fakes.clock.now_ms()) + LOGIN_PER_ACCOUNT.window_ms;
    h.fakes.clock.set(start);

    let limit = h.app.settings().login_attempts_per_account;
    for _ in 0..limit {
        assert!(matches!(
            h.app.log_in(&email, "wrong password!", None).await,
            Err(AppError::InvalidCredentials)
        ));
    }
    // Past the limit even the right password is refused, and told when to come back.
    h.fakes.clock.advance(60_000);
    match h.app.log_in(&email, PASSWORD, None).await {
        Err(AppError::TooManyAttempts { retry_after_s }) => {
            assert_eq!(retry_after_s, LOGIN_PER_ACCOUNT.window_ms / 1000 - 60);
        }
        other => panic!("expected too_many_attempts, got {other:?}"),
    }
    // The next window lets the person in, and a success clears the count.
    h.fakes.clock.set(start + LOGIN_PER_ACCOUNT.window_ms);
    h.app.log_in(&email, PASSWORD, None).await.unwrap();
    assert!(matches!(
        h.app.log_in(&email, "wrong password!", None).await,
        Err(AppError::InvalidCredentials)
    ));
}

#[tokio::test]
async fn an_email_is_registered_once() {
    let h = Harness::new().await;
    let person = h.person(Role::Learner).await;
    let again = h
        .app
        .create_account(
            kenning_app::accounts::Registration {
                email: person.account.email.as_str().to_uppercase(),
                password: PASSWORD.into(),
                display_name: "Again".into(),
            },
            Role::Learner,
        )
        .await;
    assert!(matches!(again, Err(AppError::EmailTaken)), "{again:?}");
}
