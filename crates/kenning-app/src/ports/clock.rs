//! The time.

/// The time, so tests can move it.
pub trait Clock: Send + Sync {
    fn now_ms(&self) -> i64;
    /// Moves time forward, when this clock allows it (a test clock); false otherwise.
    fn advance(&self, _ms: i64) -> bool {
        false
    }
}

/// The real clock plus an offset an operator can move forward: a test clock, for trying
/// renewals and expiries without waiting a month (`--test-clock`; never in production).
#[derive(Default)]
pub struct TestClock {
    offset_ms: std::sync::atomic::AtomicI64,
}

impl Clock for TestClock {
    fn now_ms(&self) -> i64 {
        SystemClock
            .now_ms()
            .saturating_add(self.offset_ms.load(std::sync::atomic::Ordering::Relaxed))
    }

    fn advance(&self, ms: i64) -> bool {
        self.offset_ms
            .fetch_add(ms.max(0), std::sync::atomic::Ordering::Relaxed);
        true
    }
}

/// The real clock.
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_ms(&self) -> i64 {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default();
        i64::try_from(now.as_millis()).unwrap_or(i64::MAX)
    }
}
