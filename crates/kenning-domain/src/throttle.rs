//! Throttling of guessable doors (logging in, registering): how many attempts a key (an
//! account, a client address) may make in a fixed window, and when it may try again.
//! The counting happens in the database, so every node sees the same count.

/// At most `attempts` in every window of `window_ms` (fixed windows, aligned to the
/// epoch, so every node computes the same window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub attempts: i64,
    pub window_ms: i64,
}

const FIFTEEN_MINUTES_MS: i64 = 15 * 60 * 1000;

/// Failed logins to one account, from anywhere: a password cannot be guessed faster.
pub const LOGIN_PER_ACCOUNT: Limit = Limit {
    attempts: 10,
    window_ms: FIFTEEN_MINUTES_MS,
};

/// Failed logins, registrations and password-reset requests from one client
/// address: one machine cannot try many accounts or make many.
pub const PER_ADDRESS: Limit = Limit {
    attempts: 100,
    window_ms: FIFTEEN_MINUTES_MS,
};

/// Links mailed to one address: a few an hour, so no one can flood someone's inbox
/// by asking for resets or confirmations.
pub const MAIL_PER_ADDRESS: Limit = Limit {
    attempts: 5,
    window_ms: 60 * 60 * 1000,
};

/// The door being throttled, with whom it is counted for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ThrottleKey {
    /// Failed logins to an account (by its normalised e-mail, known or not).
    LoginAccount(String),
    /// Failed logins from one client address.
    LoginAddress(String),
    /// Registrations from one client address.
    RegisterAddress(String),
    /// Chat messages from one person to one live room.
    Chat { room: String, sender: String },
    /// Links mailed to one address (resets, confirmations): no one can flood an inbox.
    MailTo(String),
    /// Password-reset requests from one client address.
    ResetAddress(String),
}

impl ThrottleKey {
    /// The key as stored.
    pub fn as_key(&self) -> String {
        match self {
            ThrottleKey::LoginAccount(email) => format!("login:{email}"),
            ThrottleKey::LoginAddress(address) => format!("login-from:{address}"),
            ThrottleKey::RegisterAddress(address) => format!("register-from:{address}"),
            ThrottleKey::Chat { room, sender } => format!("chat:{room}:{sender}"),
            ThrottleKey::MailTo(email) => format!("mail-to:{email}"),
            ThrottleKey::ResetAddress(address) => format!("reset-from:{address}"),
        }
    }
}

impl Limit {
    /// A limit of `attempts` per window; `None` when throttling is off (0).
    pub fn per_window(attempts: i64, window_ms: i64) -> Option<Limit> {
        (attempts > 0 && window_ms > 0).then_some(Limit {
            attempts,
            window_ms,
        })
    }

    /// The start of the window `now_ms` falls in.
    pub fn window_start(&self, now_ms: i64) -> i64 {
        now_ms - now_ms.rem_euclid(self.window_ms)
    }

    /// Whether `hits` attempts in one window go past the limit.
    pub fn exceeded(&self, hits: i64) -> bool {
        hits > self.attempts
    }

    /// Whole seconds until the window of `now_ms` ends (at least one).
    pub fn retry_after_s(&self, now_ms: i64) -> i64 {
        let left_ms = self.window_start(now_ms) + self.window_ms - now_ms;
        ((left_ms + 999) / 1000).max(1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_limit_is_passed_by_the_attempt_after_the_last_allowed() {
        assert!(!LOGIN_PER_ACCOUNT.exceeded(10));
        assert!(LOGIN_PER_ACCOUNT.exceeded(11));
        assert_eq!(Limit::per_window(0, 1000), None);
    }

    proptest! {
        #[test]
        fn a_window_holds_now_and_retry_after_reaches_its_end(now in 0i64..4_000_000_000_000) {
            let limit = LOGIN_PER_ACCOUNT;
            let start = limit.window_start(now);
            prop_assert!(start <= now && now < start + limit.window_ms);
            prop_assert_eq!(start % limit.window_ms, 0);
            let retry = limit.retry_after_s(now);
            prop_assert!(retry >= 1 && retry <= limit.window_ms / 1000);
            prop_assert!(now + retry * 1000 >= start + limit.window_ms);
        }
    }
}
