//! Renewals through the fake provider: a provider that cannot be reached postpones a
//! renewal (the job tries again with the same key) instead of failing the member's card;
//! a card the bank refuses still moves the membership into its grace period.

use kenning_app::ports::Clock;
use kenning_domain::account::Role;
use kenning_domain::catalog::{PriceList, ProductDraft, ProductKind};
use kenning_domain::jobs::Job;
use kenning_domain::subscription::{Interval, SubscriptionStatus};

use crate::support::{DAY, Harness, text, usd};

#[tokio::test]
async fn a_renewal_during_a_provider_outage_waits_and_then_charges_once() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let member = h.person(Role::Learner).await;
    let tier = h
        .app
        .create_product(
            &creator,
            ProductDraft {
                kind: ProductKind::Membership,
                title: text("Inner circle"),
                description: text("Everything I make."),
                prices: PriceList::new(vec![usd(900)]).unwrap_or_else(|e| panic!("{e}")),
                tags: vec![],
            },
        )
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    h.app
        .set_membership_plan(&creator, tier.id, Interval::Monthly, true, vec![])
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let tier = h
        .app
        .publish(&creator, tier.id)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    h.buy(&member, &tier).await;
    assert_eq!(h.fakes.payments.charges().len(), 1);

    // The period ends while the provider is down: nothing is charged, the membership
    // stays paid up, and the job is left to try again.
    h.fakes.payments.outage(Some("connection reset"));
    h.fakes.clock.advance(32 * DAY);
    renewals_due(&h).await;
    h.app
        .drain_jobs("test")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let memberships = h
        .app
        .my_memberships(&member)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(memberships.len(), 1);
    assert_eq!(
        memberships[0].subscription.status,
        SubscriptionStatus::Active,
        "an outage is not a declined card"
    );
    assert_eq!(h.fakes.payments.charges().len(), 1);

    // The provider is back; the retried job renews, charging once.
    h.fakes.payments.outage(None);
    h.fakes.clock.advance(2 * 60 * 60 * 1000);
    renewals_due(&h).await;
    h.app
        .drain_jobs("test")
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    let renewed = &h
        .app
        .my_memberships(&member)
        .await
        .unwrap_or_else(|e| panic!("{e}"))[0];
    assert_eq!(renewed.subscription.status, SubscriptionStatus::Active);
    assert!(renewed.subscription.period_end_ms > h.fakes.clock.now_ms());
    assert_eq!(h.fakes.payments.charges().len(), 2);
    h.books_are_clean().await;
}

/// What the periodic renewals job does when its period comes.
async fn renewals_due(h: &Harness) {
    h.app
        .enqueue_job(Job::Renewals, h.fakes.clock.now_ms())
        .await
        .unwrap_or_else(|e| panic!("{e}"));
}
