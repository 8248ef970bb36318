//! Refunds through the fake provider: the provider is asked only for what the books will
//! take, a refusal writes nothing and can be retried, and creators refund within their
//! window only.

use kenning_app::AppError;
use kenning_app::ports::{Clock, PaymentError};
use kenning_app::refunds::RefundAmount;
use kenning_domain::DomainError;
use kenning_domain::account::Role;

use crate::support::{DAY, Harness, usd};

#[tokio::test]
async fn a_refund_the_provider_refuses_writes_nothing_and_can_be_retried() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let order = h.buy(&buyer, &course).await;

    h.fakes.payments.outage(Some("timeout"));
    let refused = h
        .app
        .refund_order(&creator, order.id, RefundAmount::Rest, "asked")
        .await;
    assert!(
        matches!(
            refused,
            Err(AppError::PaymentProvider(PaymentError::Unavailable(_)))
        ),
        "{refused:?}"
    );
    assert_eq!(h.app.refunded(&order).await.unwrap(), usd(0));
    assert!(h.app.owns(&buyer, course.id).await.unwrap());

    // The claim was let go: the same refund goes through once the provider is back.
    h.fakes.payments.outage(None);
    let done = h
        .app
        .refund_order(&creator, order.id, RefundAmount::Rest, "asked")
        .await
        .unwrap();
    assert_eq!(done.refunded, usd(1499));
    let refunds = h.fakes.payments.refunds();
    assert_eq!(refunds.len(), 1);
    assert_eq!(refunds[0].amount, usd(1499));
    assert_eq!(refunds[0].charge, h.fakes.payments.charges()[0].reference);
    // A full refund takes the access back.
    assert!(!h.app.owns(&buyer, course.id).await.unwrap());
    h.books_are_clean().await;
}

#[tokio::test]
async fn partial_refunds_add_up_to_the_payment_and_no_more() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let order = h.buy(&buyer, &course).await;

    h.app
        .refund_order(&creator, order.id, RefundAmount::Major("5.00"), "part")
        .await
        .unwrap();
    assert!(
        h.app.owns(&buyer, course.id).await.unwrap(),
        "a part keeps access"
    );
    let more = h
        .app
        .refund_order(&creator, order.id, RefundAmount::Minor(1000), "too much")
        .await;
    assert!(
        matches!(
            more,
            Err(AppError::Invalid(DomainError::InvalidRefundAmount))
        ),
        "{more:?}"
    );
    let rest = h
        .app
        .refund_order(&creator, order.id, RefundAmount::Rest, "the rest")
        .await
        .unwrap();
    assert_eq!(rest.refunded, usd(1499));
    let given: i64 = h
        .fakes
        .payments
        .refunds()
        .iter()
        .map(|r| r.amount.amount_minor)
        .sum();
    assert_eq!(
        given, 1499,
        "the provider was asked for exactly the payment"
    );
    h.books_are_clean().await;
}

#[tokio::test]
async fn a_creator_refunds_within_the_window_and_an_operator_at_any_time() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let operator = h.person(Role::Admin).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let order = h.buy(&buyer, &course).await;

    let window = h.app.settings().refund_window_days;
    h.fakes.clock.advance((window + 1) * DAY);
    let late = h
        .app
        .refund_order(&creator, order.id, RefundAmount::Rest, "late")
        .await;
    assert!(
        matches!(late, Err(AppError::RefundWindowClosed { days }) if days == window),
        "{late:?}"
    );
    assert!(h.fakes.payments.refunds().is_empty());
    // Someone else's order does not exist for a stranger.
    let stranger = h.person(Role::Creator).await;
    assert!(matches!(
        h.app
            .refund_order(&stranger, order.id, RefundAmount::Rest, "mine?")
            .await,
        Err(AppError::NotFound(_))
    ));
    h.app
        .refund_order(&operator, order.id, RefundAmount::Rest, "goodwill")
        .await
        .unwrap();
    assert_eq!(h.fakes.payments.refunds().len(), 1);
}
