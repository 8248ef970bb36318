//! Stripe's API as a payment provider: buyers pay on Stripe Checkout (Kenning never sees
//! a card number), the outcome arrives as a signed `checkout.session.completed` webhook
//! (see [`crate::stripe`]), and refunds go through `POST /v1/refunds`.
//!
//! Every call carries an idempotency key: the order for a Checkout Session (so a buyer
//! who clicks twice gets the same page and can pay only once), the refund's id for a
//! refund. Amounts are sent in the currency's minor units, which is what Stripe expects
//! (zero-decimal currencies such as JPY included).
//!
//! A membership's Checkout Session creates a Stripe customer and keeps the card for
//! off-session use; when its payment settles, the PaymentIntent is read back for its
//! customer and payment method, and renewals charge them with an off-session
//! PaymentIntent (`confirm=true`). A renewal Stripe refuses (a declined card, a bank
//! asking for the buyer) fails into the membership's grace period like any other.

use async_trait::async_trait;
use kenning_app::ports::{
    ChargeOutcome, ChargeRequest, DeclineReason, HostedCheckout, HostedCheckoutRequest,
    PaymentError, PaymentProvider,
};
use kenning_domain::money::Money;
use kenning_domain::order::CardNumber;
use serde::Deserialize;

/// Stripe's API.
pub const DEFAULT_API_BASE: &str = "https://api.stripe.com";
/// The API version the requests are written for.
pub const API_VERSION: &str = "2025-03-31.basil";

#[derive(Clone)]
pub struct StripeApi {
    client: reqwest::Client,
    secret_key: String,
    base: String,
}

impl std::fmt::Debug for StripeApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StripeApi")
            .field("base", &self.base)
            .finish_non_exhaustive()
    }
}

#[derive(Deserialize)]
struct Created {
    id: String,
    url: Option<String>,
    /// PaymentIntents: `succeeded`, `requires_action` …
    status: Option<String>,
}

#[derive(Deserialize)]
struct Intent {
    customer: Option<String>,
    payment_method: Option<String>,
}

/// A saved method as Kenning stores it: `customer|payment method`.
fn saved(customer: &str, method: &str) -> String {
    format!("{customer}|{method}")
}

#[derive(Deserialize)]
struct ErrorBody {
    error: ErrorDetail,
}

#[derive(Deserialize)]
struct ErrorDetail {
    message: Option<String>,
    /// `card_error`, `invalid_request_error`, `api_error` …
    #[serde(rename = "type")]
    kind: Option<String>,
    decline_code: Option<String>,
}

/// How a call to Stripe failed: the bank refusing the card is an outcome for a charge
/// and a refusal for anything else; the rest is the provider's own failure.
#[derive(Debug, PartialEq, Eq)]
enum ApiFailure {
    Card(DeclineReason),
    Provider(PaymentError),
}

impl From<ApiFailure> for PaymentError {
    fn from(failure: ApiFailure) -> PaymentError {
        match failure {
            ApiFailure::Card(reason) => PaymentError::Refused(format!("card refused: {reason:?}")),
            ApiFailure::Provider(e) => e,
        }
    }
}

/// What an unsuccessful answer means: a card error is the bank's decline; Stripe being
/// rate limited or failing (429, 5xx) may pass; any other refusal will not.
fn classify(path: &str, status: u16, body: &[u8]) -> ApiFailure {
    let detail = serde_json::from_slice::<ErrorBody>(body)
        .ok()
        .map(|b| b.error);
    let kind = detail.as_ref().and_then(|d| d.kind.as_deref());
    let message = detail
        .as_ref()
        .and_then(|d| d.message.as_deref())
        .unwrap_or_default();
    if kind == Some("card_error") {
        let reason = match detail.as_ref().and_then(|d| d.decline_code.as_deref()) {
            Some("insufficient_funds") => DeclineReason::InsufficientFunds,
            _ => DeclineReason::CardDeclined,
        };
        return ApiFailure::Card(reason);
    }
    let said = format!("stripe {path}: {status} {message}");
    ApiFailure::Provider(match status {
        429 | 500..=599 => PaymentError::Unavailable(said),
        _ => PaymentError::Refused(said),
    })
}

impl StripeApi {
    /// A client for the secret key (`sk_live_…` / `sk_test_…`); `api_base` replaces
    /// Stripe's address (a proxy, or a stand-in in tests).
    pub fn new(secret_key: &str, api_base: Option<&str>) -> Result<StripeApi, String> {
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(30))
            .build()
            .map_err(|e| e.to_string())?;
        Ok(StripeApi {
            client,
            secret_key: secret_key.to_owned(),
            base: api_base
                .unwrap_or(DEFAULT_API_BASE)
                .trim_end_matches('/')
                .to_owned(),
        })
    }

    async fn post(
        &self,
        path: &str,
        idempotency_key: &str,
        form: &[(&str, String)],
    ) -> Result<Created, ApiFailure> {
        let request = self
            .client
            .post(format!("{}{path}", self.base))
            .header("Idempotency-Key", idempotency_key)
            .form(form);
        self.send(path, request).await
    }

    async fn send<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        request: reqwest::RequestBuilder,
    ) -> Result<T, ApiFailure> {
        let unreachable = |e: reqwest::Error| {
            ApiFailure::Provider(PaymentError::Unavailable(format!("stripe {path}: {e}")))
        };
        let response = request
            .bearer_auth(&self.secret_key)
            .header("Stripe-Version", API_VERSION)
            .send()
            .await
            .map_err(unreachable)?;
        let status = response.status();
        let body = response.bytes().await.map_err(unreachable)?;
        if !status.is_success() {
            return Err(classify(path, status.as_u16(), &body));
        }
        serde_json::from_slice(&body).map_err(|e| {
            ApiFailure::Provider(PaymentError::Malformed(format!("stripe {path}: {e}")))
        })
    }
}

/// The form of a one-item Checkout Session for an order.
fn session_form(request: &HostedCheckoutRequest<'_>) -> Vec<(&'static str, String)> {
    let order = request.order_id.to_string();
    let mut form = vec![
        ("mode", "payment".to_owned()),
        ("payment_method_types[0]", "card".to_owned()),
        ("success_url", request.success_url.to_owned()),
        ("cancel_url", request.cancel_url.to_owned()),
        ("client_reference_id", order.clone()),
        ("customer_email", request.customer_email.to_owned()),
        ("line_items[0][quantity]", "1".to_owned()),
        (
            "line_items[0][price_data][currency]",
            request.amount.currency.code().to_ascii_lowercase(),
        ),
        (
            "line_items[0][price_data][unit_amount]",
            request.amount.amount_minor.to_string(),
        ),
        (
            "line_items[0][price_data][product_data][name]",
            request.description.to_owned(),
        ),
        ("metadata[order_id]", order.clone()),
        ("payment_intent_data[metadata][order_id]", order),
    ];
    if request.save_card {
        form.push(("customer_creation", "always".to_owned()));
        form.push((
            "payment_intent_data[setup_future_usage]",
            "off_session".to_owned(),
        ));
    }
    form
}

#[async_trait]
impl PaymentProvider for StripeApi {
    fn name(&self) -> &'static str {
        "stripe"
    }

    fn takes_cards(&self) -> bool {
        false
    }

    async fn hosted_checkout(
        &self,
        request: HostedCheckoutRequest<'_>,
    ) -> Result<HostedCheckout, PaymentError> {
        // Stripe answers a repeated key with the page it made first, so a buyer who starts
        // twice sees one page; once that page has expired, the next one gets its own key.
        let key = match request.expired_pages {
            0 => format!("checkout-{}", request.order_id),
            n => format!("checkout-{}-{n}", request.order_id),
        };
        let created = self
            .post("/v1/checkout/sessions", &key, &session_form(&request))
            .await?;
        let url = created
            .url
            .ok_or_else(|| PaymentError::Malformed("the Checkout Session has no url".to_owned()))?;
        Ok(HostedCheckout {
            url,
            reference: created.id,
        })
    }

    async fn charge(&self, _request: ChargeRequest) -> Result<ChargeOutcome, PaymentError> {
        // Stripe takes card details on its own checkout page.
        Err(PaymentError::Unsupported)
    }

    fn payment_method(&self, _card: &CardNumber) -> String {
        String::new()
    }

    async fn saved_method(&self, reference: &str) -> Result<Option<String>, PaymentError> {
        let path = format!("/v1/payment_intents/{reference}");
        let request = self.client.get(format!("{}{path}", self.base));
        let intent: Intent = self.send(&path, request).await?;
        Ok(match (intent.customer, intent.payment_method) {
            (Some(customer), Some(method)) => Some(saved(&customer, &method)),
            _ => None,
        })
    }

    async fn charge_method(
        &self,
        method: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, PaymentError> {
        let Some((customer, payment_method)) = method.split_once('|') else {
            return Err(PaymentError::Refused(
                "no saved Stripe card for this membership".to_owned(),
            ));
        };
        let form = [
            ("amount", amount.amount_minor.to_string()),
            ("currency", amount.currency.code().to_ascii_lowercase()),
            ("customer", customer.to_owned()),
            ("payment_method", payment_method.to_owned()),
            ("off_session", "true".to_owned()),
            ("confirm", "true".to_owned()),
            ("metadata[order_id]", idempotency_key.to_owned()),
        ];
        let intent = match self
            .post("/v1/payment_intents", idempotency_key, &form)
            .await
        {
            Ok(intent) => intent,
            // An off-session charge the bank refuses comes back as a card error (402).
            Err(ApiFailure::Card(reason)) => return Ok(ChargeOutcome::Declined(reason)),
            Err(ApiFailure::Provider(e)) => return Err(e),
        };
        Ok(match intent.status.as_deref() {
            Some("succeeded") => ChargeOutcome::Succeeded {
                reference: intent.id,
            },
            Some("processing") => ChargeOutcome::Pending {
                reference: intent.id,
            },
            // The bank wants the buyer (3-D Secure) or the card failed: not now.
            _ => ChargeOutcome::Declined(DeclineReason::CardDeclined),
        })
    }

    async fn refund(
        &self,
        reference: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<String, PaymentError> {
        let form = [
            ("payment_intent", reference.to_owned()),
            ("amount", amount.amount_minor.to_string()),
            ("metadata[kenning_refund]", idempotency_key.to_owned()),
        ];
        Ok(self.post("/v1/refunds", idempotency_key, &form).await?.id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_domain::ids::OrderId;
    use kenning_domain::money::Currency;

    #[test]
    fn a_declined_card_is_not_a_provider_failure() {
        let card = br#"{"error":{"type":"card_error","decline_code":"insufficient_funds","message":"Your card has insufficient funds."}}"#;
        assert_eq!(
            classify("/v1/payment_intents", 402, card),
            ApiFailure::Card(DeclineReason::InsufficientFunds)
        );
        let stolen = br#"{"error":{"type":"card_error","decline_code":"stolen_card"}}"#;
        assert_eq!(
            classify("/v1/payment_intents", 402, stolen),
            ApiFailure::Card(DeclineReason::CardDeclined)
        );
        let busy = br#"{"error":{"type":"api_error","message":"try again"}}"#;
        assert!(matches!(
            classify("/v1/refunds", 503, busy),
            ApiFailure::Provider(PaymentError::Unavailable(_))
        ));
        assert!(matches!(
            classify("/v1/refunds", 429, b"not json"),
            ApiFailure::Provider(PaymentError::Unavailable(_))
        ));
        let over = br#"{"error":{"type":"invalid_request_error","message":"Refund amount is greater than unrefunded amount"}}"#;
        match classify("/v1/refunds", 400, over) {
            ApiFailure::Provider(e @ PaymentError::Refused(_)) => {
                assert!(!e.is_transient());
                assert!(e.to_string().contains("greater than unrefunded"), "{e}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_session_names_the_order_everywhere_stripe_echoes_it() {
        let order = OrderId::new();
        let yen = Currency::from_code("JPY").unwrap_or(Currency::USD);
        let form = session_form(&HostedCheckoutRequest {
            order_id: order,
            amount: Money::new(2_100, yen),
            description: "Rust",
            customer_email: "a@example.com",
            save_card: true,
            expired_pages: 0,
            success_url: "https://k.example/orders/1?paying=1",
            cancel_url: "https://k.example/orders/1",
        });
        let get = |k: &str| {
            form.iter()
                .find(|(key, _)| *key == k)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("line_items[0][price_data][currency]"), Some("jpy"));
        assert_eq!(get("line_items[0][price_data][unit_amount]"), Some("2100"));
        assert_eq!(get("metadata[order_id]"), Some(order.to_string().as_str()));
        assert_eq!(
            get("payment_intent_data[metadata][order_id]"),
            Some(order.to_string().as_str())
        );
        assert_eq!(
            get("payment_intent_data[setup_future_usage]"),
            Some("off_session")
        );
    }
}
