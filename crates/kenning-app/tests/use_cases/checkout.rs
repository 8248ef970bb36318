//! Paying for an order, against the fake provider: one charge per order whatever
//! happens, nothing granted without a charge, and an order that can always be paid again
//! after a failure.

use kenning_app::AppError;
use kenning_app::ports::{DeclineReason, PaymentError, PaymentEvent, PaymentEventKind};
use kenning_domain::account::Role;
use kenning_domain::order::OrderStatus;

use crate::support::{GOOD_CARD, Harness, usd};

#[tokio::test]
async fn paying_charges_the_provider_once_per_order() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let order = h.order(&buyer, &course).await;

    let paid = h.app.pay(&buyer, order.id, GOOD_CARD).await.unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    let charges = h.fakes.payments.charges();
    assert_eq!(charges.len(), 1);
    assert_eq!(charges[0].amount, usd(1499));
    assert_eq!(charges[0].idempotency_key, order.id.to_string());
    assert_eq!(charges[0].source, "4242");

    // Paying a paid order returns it and charges nothing.
    let again = h.app.pay(&buyer, order.id, GOOD_CARD).await.unwrap();
    assert_eq!(again.status, OrderStatus::Paid);
    assert_eq!(h.fakes.payments.charges().len(), 1);
    assert!(h.app.owns(&buyer, course.id).await.unwrap());

    // Nobody is offered a second order for what they hold.
    assert!(matches!(
        h.try_order(&buyer, &course).await,
        Err(AppError::AlreadyOwned)
    ));
    assert_eq!(h.fakes.payments.charges().len(), 1);
    h.books_are_clean().await;
}

#[tokio::test]
async fn a_declined_card_charges_nothing_and_leaves_the_order_to_pay() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let order = h.order(&buyer, &course).await;
    let refused = "4000 0000 0000 0002";
    h.fakes
        .payments
        .decline(refused, DeclineReason::InsufficientFunds);

    let declined = h.app.pay(&buyer, order.id, refused).await;
    assert!(
        matches!(
            declined,
            Err(AppError::PaymentDeclined(DeclineReason::InsufficientFunds))
        ),
        "{declined:?}"
    );
    assert!(h.fakes.payments.charges().is_empty());
    assert!(!h.app.owns(&buyer, course.id).await.unwrap());
    let view = h.app.my_order(&buyer, order.id).await.unwrap();
    assert_eq!(view.order.status, OrderStatus::Pending);

    h.app.pay(&buyer, order.id, GOOD_CARD).await.unwrap();
    assert!(h.app.owns(&buyer, course.id).await.unwrap());
    h.books_are_clean().await;
}

#[tokio::test]
async fn a_provider_outage_leaves_the_order_to_pay_again() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let order = h.order(&buyer, &course).await;

    h.fakes.payments.outage(Some("connection reset"));
    let failed = h.app.pay(&buyer, order.id, GOOD_CARD).await;
    // A provider that cannot be reached is not a declined card: the buyer is told to
    // try again later, with its own code.
    let Err(error) = failed else {
        panic!("paid during an outage")
    };
    assert!(
        matches!(
            error,
            AppError::PaymentProvider(PaymentError::Unavailable(_))
        ),
        "{error:?}"
    );
    assert_eq!(error.code(), "payment_provider_unavailable");
    // Not stuck "processing": the buyer may try again at once.
    let view = h.app.my_order(&buyer, order.id).await.unwrap();
    assert_eq!(view.order.status, OrderStatus::Pending);

    h.fakes.payments.outage(None);
    let paid = h.app.pay(&buyer, order.id, GOOD_CARD).await.unwrap();
    assert_eq!(paid.status, OrderStatus::Paid);
    assert_eq!(h.fakes.payments.charges().len(), 1);
}

#[tokio::test]
async fn two_tabs_paying_at_once_charge_once() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    // Two orders, made before either was paid.
    let tabs = [
        h.order(&buyer, &course).await,
        h.order(&buyer, &course).await,
    ];
    let (a, b) = tokio::join!(
        h.app.pay(&buyer, tabs[0].id, GOOD_CARD),
        h.app.pay(&buyer, tabs[1].id, GOOD_CARD)
    );
    let outcomes = [a, b];
    assert_eq!(
        outcomes.iter().filter(|o| o.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert!(
        outcomes
            .iter()
            .all(|o| o.is_ok()
                || matches!(o, Err(AppError::PaymentInProgress | AppError::AlreadyOwned))),
        "{outcomes:?}"
    );
    assert_eq!(h.fakes.payments.charges().len(), 1);
    // Whichever lost is never charged: retried now, it is already owned.
    let loser = if outcomes[0].is_ok() {
        &tabs[1]
    } else {
        &tabs[0]
    };
    assert!(matches!(
        h.app.pay(&buyer, loser.id, GOOD_CARD).await,
        Err(AppError::AlreadyOwned)
    ));
    assert_eq!(h.fakes.payments.charges().len(), 1);
    h.books_are_clean().await;
}

#[tokio::test]
async fn a_bank_that_confirms_later_grants_when_its_event_comes() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let buyer = h.person(Role::Learner).await;
    let (course, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let order = h.order(&buyer, &course).await;
    let slow = "4000 0000 0000 3220";
    h.fakes.payments.confirm_later(slow);

    let waiting = h.app.pay(&buyer, order.id, slow).await.unwrap();
    assert_eq!(waiting.status, OrderStatus::Processing);
    assert!(!h.app.owns(&buyer, course.id).await.unwrap());
    // A second attempt meanwhile is refused rather than charged.
    assert!(matches!(
        h.app.pay(&buyer, order.id, GOOD_CARD).await,
        Err(AppError::PaymentInProgress)
    ));

    let reference = h.fakes.payments.charges()[0].reference.clone();
    let event = PaymentEvent {
        id: "evt_1".into(),
        provider: "fake",
        order_id: order.id,
        amount: order.total,
        kind: PaymentEventKind::Succeeded { reference },
    };
    h.app.handle_payment_event(event.clone()).await.unwrap();
    assert!(h.app.owns(&buyer, course.id).await.unwrap());
    // Delivered twice, applied once.
    h.app.handle_payment_event(event).await.unwrap();
    assert_eq!(h.fakes.payments.charges().len(), 1);
    h.books_are_clean().await;
}
