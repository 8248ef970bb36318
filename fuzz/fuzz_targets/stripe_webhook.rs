//! Stripe webhooks: any `Stripe-Signature` header over any payload, and any payload
//! properly signed (what a leaked or test secret would let through to the event reader).
//! No forged header is accepted, and no payload makes the reader panic.
#![no_main]

use kenning_app::ports::{WebhookRejection, WebhookVerifier};
use kenning_payments::stripe::{DEFAULT_TOLERANCE_S, StripeWebhooks};
use libfuzzer_sys::fuzz_target;

const NOW_MS: i64 = 1_790_000_000_000;

fuzz_target!(|data: &[u8]| {
    // The first line is the header, or `sign <unix seconds>` to have it signed properly;
    // the rest is the payload.
    let split = data.iter().position(|b| *b == b'\n').unwrap_or(data.len());
    let (first, payload) = data.split_at(split);
    let payload = payload.get(1..).unwrap_or_default();
    let Ok(first) = std::str::from_utf8(first) else {
        return;
    };
    let hooks = StripeWebhooks::new("whsec_fuzz", DEFAULT_TOLERANCE_S);
    match first.strip_prefix("sign ") {
        Some(t) => {
            let t: i64 = t.trim().parse().unwrap_or(NOW_MS / 1000);
            let header = hooks.sign(payload, t);
            let now_ms = t.saturating_mul(1000);
            if let Ok(event) = hooks.verify(payload, Some(&header), now_ms) {
                assert_eq!(event.provider, "stripe");
            }
            // Read by a server whose clock is anywhere else.
            let _ = hooks.verify(payload, Some(&header), NOW_MS);
            // The same delivery long after is refused as stale.
            let late = now_ms.saturating_add(1000 * (DEFAULT_TOLERANCE_S + 1));
            if late != now_ms {
                let read = hooks.verify(payload, Some(&header), late);
                assert!(read.is_err(), "{read:?}");
            }
            // Signed with another secret, it is refused.
            let other = StripeWebhooks::new("whsec_other", DEFAULT_TOLERANCE_S);
            assert_eq!(
                other.verify(payload, Some(&header), now_ms).err(),
                Some(WebhookRejection::BadSignature)
            );
        }
        None => {
            let read = hooks.verify(payload, Some(first), NOW_MS);
            assert!(read.is_err(), "a forged signature was accepted: {first:?}");
        }
    }
});
