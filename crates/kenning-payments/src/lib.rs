//! Payment providers: the offline sandbox, the default, which needs no network and
//! behaves like a gateway in test mode; and Stripe (Checkout, webhooks, refunds).

pub mod stripe;
#[cfg(feature = "stripe-api")]
pub mod stripe_api;

use async_trait::async_trait;
use kenning_app::ports::{
    ChargeOutcome, ChargeRequest, DeclineReason, PaymentError, PaymentProvider,
};
use kenning_domain::money::Money;
use kenning_domain::order::CardNumber;

/// Test cards the sandbox understands (the same numbers gateways use in test mode).
pub mod test_cards {
    pub const SUCCEEDS: &str = "4242424242424242";
    pub const DECLINED: &str = "4000000000000002";
    pub const INSUFFICIENT_FUNDS: &str = "4000000000009995";
    /// Pays when the buyer is there, but every later charge of the saved card (renewals)
    /// is declined.
    pub const FAILS_LATER: &str = "4000000000000341";
    /// Accepted, then confirmed by the bank a moment later (asynchronous confirmation).
    pub const CONFIRMS_LATER: &str = "4000000000003220";
}

/// The built-in offline provider. Deterministic and stateless: the same idempotency key
/// always yields the same reference, so a retried charge is recognisably the same one.
#[derive(Clone, Debug, Default)]
pub struct Sandbox;

impl Sandbox {
    fn reference(idempotency_key: &str) -> String {
        // FNV-1a: a stable, dependency-free fingerprint of the key.
        let hash = idempotency_key
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
                (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
            });
        format!("sbx_{hash:016x}")
    }
}

/// What the sandbox charges for taking a payment, in basis points (2.9 %, a typical
/// card fee), rounded down, so the books show a gateway fee like a real provider's.
pub const SANDBOX_FEE_BPS: u16 = 290;

#[async_trait]
impl PaymentProvider for Sandbox {
    fn name(&self) -> &'static str {
        "sandbox"
    }

    fn fee(&self, amount: Money) -> Money {
        amount.split_bps(SANDBOX_FEE_BPS).0
    }

    async fn charge(&self, request: ChargeRequest) -> Result<ChargeOutcome, PaymentError> {
        let outcome = match request.card.digits() {
            test_cards::SUCCEEDS | test_cards::FAILS_LATER => ChargeOutcome::Succeeded {
                reference: Sandbox::reference(&request.idempotency_key),
            },
            test_cards::CONFIRMS_LATER => ChargeOutcome::Pending {
                reference: Sandbox::reference(&request.idempotency_key),
            },
            test_cards::INSUFFICIENT_FUNDS => {
                ChargeOutcome::Declined(DeclineReason::InsufficientFunds)
            }
            // The sandbox never takes a real card: anything else is declined.
            _ => ChargeOutcome::Declined(DeclineReason::CardDeclined),
        };
        Ok(outcome)
    }

    fn payment_method(&self, card: &CardNumber) -> String {
        match card.digits() {
            test_cards::FAILS_LATER => "sbx_pm_fails".to_owned(),
            _ => "sbx_pm_ok".to_owned(),
        }
    }

    async fn charge_method(
        &self,
        method: &str,
        _amount: Money,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, PaymentError> {
        Ok(match method {
            "sbx_pm_ok" => ChargeOutcome::Succeeded {
                reference: Sandbox::reference(idempotency_key),
            },
            _ => ChargeOutcome::Declined(DeclineReason::CardDeclined),
        })
    }

    async fn refund(
        &self,
        reference: &str,
        _amount: Money,
        idempotency_key: &str,
    ) -> Result<String, PaymentError> {
        // Only its own charges can be refunded.
        if !reference.starts_with("sbx_") {
            return Err(PaymentError::Refused(format!("unknown charge {reference}")));
        }
        Ok(format!(
            "sbx_re_{}",
            Sandbox::reference(idempotency_key).trim_start_matches("sbx_")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_domain::ids::OrderId;
    use kenning_domain::money::{Currency, Money};
    use kenning_domain::order::CardNumber;

    async fn charge(card: &str, key: &str) -> ChargeOutcome {
        let request = ChargeRequest {
            order_id: OrderId::new(),
            amount: Money::new(100, Currency::USD),
            card: CardNumber::parse(card).unwrap_or_else(|e| panic!("{e}")),
            idempotency_key: key.into(),
        };
        Sandbox
            .charge(request)
            .await
            .unwrap_or_else(|e| panic!("{e}"))
    }

    #[tokio::test]
    async fn the_success_card_is_charged_once_per_key() {
        let a = charge("4242 4242 4242 4242", "k1").await;
        let b = charge("4242424242424242", "k1").await;
        assert!(matches!(a, ChargeOutcome::Succeeded { .. }));
        assert_eq!(a, b);
    }

    #[tokio::test]
    async fn the_decline_cards_are_declined() {
        assert_eq!(
            charge("4000 0000 0000 0002", "k").await,
            ChargeOutcome::Declined(DeclineReason::CardDeclined)
        );
        assert_eq!(
            charge("4000 0000 0000 9995", "k").await,
            ChargeOutcome::Declined(DeclineReason::InsufficientFunds)
        );
    }
}
