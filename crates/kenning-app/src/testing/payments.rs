//! A payment provider that keeps its charges in memory.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use async_trait::async_trait;
use kenning_domain::money::Money;
use kenning_domain::order::CardNumber;

use super::lock;
use crate::ports::{ChargeOutcome, ChargeRequest, DeclineReason, PaymentError};

/// A charge the fake provider took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub reference: String,
    pub amount: Money,
    pub idempotency_key: String,
    /// The last four characters of the card or saved method charged.
    pub source: String,
}

/// A refund the fake provider gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderRefund {
    pub reference: String,
    pub charge: String,
    pub amount: Money,
    pub idempotency_key: String,
}

#[derive(Debug, Default)]
struct PaymentsState {
    charges: Vec<Charge>,
    refunds: Vec<ProviderRefund>,
    /// Card numbers (digits) and saved methods the bank refuses.
    declined: HashMap<String, DeclineReason>,
    /// The provider is down: every call fails with this.
    outage: Option<String>,
    /// Cards whose bank confirms later.
    pending: HashSet<String>,
}

/// A payment provider that keeps its charges in memory. Like a real one it charges an
/// idempotency key once (a retry gets the first charge back), refuses to refund more than
/// a charge took, and refunds an idempotency key once.
#[derive(Debug, Default)]
pub struct FakePayments {
    state: Mutex<PaymentsState>,
}

impl FakePayments {
    /// The bank refuses this card (or saved method) from now on.
    pub fn decline(&self, card_or_method: &str, reason: DeclineReason) {
        lock(&self.state)
            .declined
            .insert(digits(card_or_method), reason);
    }

    /// The bank confirms this card's charges later (they answer pending).
    pub fn confirm_later(&self, card: &str) {
        lock(&self.state).pending.insert(digits(card));
    }

    /// The provider cannot be reached (`None`: it is back).
    pub fn outage(&self, error: Option<&str>) {
        lock(&self.state).outage = error.map(str::to_owned);
    }

    pub fn charges(&self) -> Vec<Charge> {
        lock(&self.state).charges.clone()
    }

    pub fn refunds(&self) -> Vec<ProviderRefund> {
        lock(&self.state).refunds.clone()
    }

    fn take(&self, source: &str, amount: Money, key: &str) -> Result<ChargeOutcome, PaymentError> {
        let mut state = lock(&self.state);
        if let Some(error) = &state.outage {
            return Err(PaymentError::Unavailable(error.clone()));
        }
        if let Some(reason) = state.declined.get(source) {
            return Ok(ChargeOutcome::Declined(*reason));
        }
        let pending = state.pending.contains(source);
        let reference = match state.charges.iter().find(|c| c.idempotency_key == key) {
            Some(earlier) if earlier.amount != amount => {
                return Err(PaymentError::Refused(format!(
                    "idempotency key {key} reused for another amount"
                )));
            }
            Some(earlier) => earlier.reference.clone(),
            None => {
                let reference = format!("fake_ch_{}", state.charges.len() + 1);
                state.charges.push(Charge {
                    reference: reference.clone(),
                    amount,
                    idempotency_key: key.to_owned(),
                    source: source
                        .get(source.len().saturating_sub(4)..)
                        .unwrap_or(source)
                        .to_owned(),
                });
                reference
            }
        };
        Ok(if pending {
            ChargeOutcome::Pending { reference }
        } else {
            ChargeOutcome::Succeeded { reference }
        })
    }
}

fn digits(card: &str) -> String {
    card.chars().filter(|c| !c.is_whitespace()).collect()
}

#[async_trait]
impl crate::ports::PaymentProvider for FakePayments {
    fn name(&self) -> &'static str {
        "fake"
    }

    async fn charge(&self, request: ChargeRequest) -> Result<ChargeOutcome, PaymentError> {
        self.take(
            request.card.digits(),
            request.amount,
            &request.idempotency_key,
        )
    }

    fn payment_method(&self, card: &CardNumber) -> String {
        format!("fake_pm_{}", card.digits())
    }

    async fn charge_method(
        &self,
        method: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, PaymentError> {
        let card = method.strip_prefix("fake_pm_").unwrap_or(method);
        self.take(card, amount, idempotency_key)
    }

    async fn refund(
        &self,
        reference: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<String, PaymentError> {
        let mut state = lock(&self.state);
        if let Some(error) = &state.outage {
            return Err(PaymentError::Unavailable(error.clone()));
        }
        if let Some(earlier) = state
            .refunds
            .iter()
            .find(|r| r.idempotency_key == idempotency_key)
        {
            return Ok(earlier.reference.clone());
        }
        let Some(charge) = state.charges.iter().find(|c| c.reference == reference) else {
            return Err(PaymentError::Refused(format!("no charge {reference}")));
        };
        let refunded: i64 = state
            .refunds
            .iter()
            .filter(|r| r.charge == reference)
            .map(|r| r.amount.amount_minor)
            .sum();
        if amount.currency != charge.amount.currency
            || refunded + amount.amount_minor > charge.amount.amount_minor
        {
            return Err(PaymentError::Refused(format!(
                "refund of {amount:?} exceeds charge {reference}"
            )));
        }
        let refund = ProviderRefund {
            reference: format!("fake_re_{}", state.refunds.len() + 1),
            charge: reference.to_owned(),
            amount,
            idempotency_key: idempotency_key.to_owned(),
        };
        state.refunds.push(refund.clone());
        Ok(refund.reference)
    }
}
