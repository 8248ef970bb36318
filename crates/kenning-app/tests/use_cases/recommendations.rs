//! Recommendations, with a counting recommender: trained on purchases, and never showing
//! what a person owns or what is no longer published.

use kenning_app::recommend::Reason;
use kenning_domain::account::Role;

use crate::support::{Harness, usd};

#[tokio::test]
async fn suggestions_come_from_purchases_and_skip_what_is_owned_or_withdrawn() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let (first, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let (second, _, _) = h.course(&creator, "Async Rust", usd(1999)).await;
    let (third, _, _) = h.course(&creator, "Rust at Scale", usd(2999)).await;
    let (ana, ben, cai) = (
        h.person(Role::Learner).await,
        h.person(Role::Learner).await,
        h.person(Role::Learner).await,
    );
    for buyer in [&ana, &ben] {
        h.buy(buyer, &first).await;
        h.buy(buyer, &second).await;
    }
    h.buy(&ben, &third).await;
    h.buy(&cai, &first).await;

    let pairs = h.app.refresh_recommendations().await.unwrap();
    assert_eq!(pairs, 6);
    let trained = h.fakes.recommender.trainings();
    let set = trained.last().unwrap();
    assert!(
        set.interest
            .iter()
            .any(|&(a, p, w)| a == cai.account.id && p == first.id && w > 0.0)
    );
    assert_eq!(set.products.len(), 3, "every published product is known");

    // Cai bought the first course; people who did also bought the second.
    let for_cai = h.app.recommendations(Some(&cai), 2).await.unwrap();
    assert_eq!(for_cai.first().map(|r| r.product.id), Some(second.id));
    assert!(matches!(
        &for_cai[0].reason,
        Reason::BecauseYouBought(because) if because.id == first.id
    ));
    assert!(for_cai.iter().all(|r| r.product.id != first.id), "owned");

    // Visitors get what is most bought; a withdrawn product is never shown.
    let popular = h.app.recommendations(None, 3).await.unwrap();
    assert_eq!(popular.first().map(|r| r.product.id), Some(first.id));
    assert!(popular.iter().all(|r| r.reason == Reason::Popular));
    h.app.unpublish(&creator, first.id).await.unwrap();
    let popular = h.app.recommendations(None, 3).await.unwrap();
    assert!(popular.iter().all(|r| r.product.id != first.id));
    assert_eq!(popular.first().map(|r| r.product.id), Some(second.id));

    let also = h.app.also_bought(second.id, 3).await.unwrap();
    assert_eq!(also.first().map(|r| r.product.id), Some(third.id));
}
