//! A clock that stands still until a test moves it.

use std::sync::atomic::{AtomicI64, Ordering};

use crate::ports::Clock;

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct FakeClock {
    now_ms: AtomicI64,
}

impl FakeClock {
    pub fn at(now_ms: i64) -> FakeClock {
        FakeClock {
            now_ms: AtomicI64::new(now_ms),
        }
    }

    pub fn set(&self, now_ms: i64) {
        self.now_ms.store(now_ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }

    fn advance(&self, ms: i64) -> bool {
        self.now_ms.fetch_add(ms.max(0), Ordering::SeqCst);
        true
    }
}
