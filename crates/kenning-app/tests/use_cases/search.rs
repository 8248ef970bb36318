//! Search, over the in-memory index: only what is published is shown whatever the index
//! still holds, and locked lesson text is searched only within what a person may read.

use kenning_app::ports::{ProductSearch, SearchEngine, SearchSort};
use kenning_domain::account::Role;
use kenning_domain::locale::Locale;
use kenning_domain::money::Currency;

use crate::support::{Harness, usd};

fn query(text: &str) -> ProductSearch {
    ProductSearch {
        text: text.into(),
        kind: None,
        language: None,
        currency: Currency::USD,
        min_price: None,
        max_price: None,
        min_rating: None,
        sort: SearchSort::Relevance,
        limit: 20,
        locale: Locale::En,
    }
}

#[tokio::test]
async fn a_rebuild_indexes_published_products_with_locked_text_apart() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let (course, preview, locked) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    // A draft is never indexed.
    let draft = h
        .app
        .create_product(
            &creator,
            kenning_domain::catalog::ProductDraft {
                kind: kenning_domain::catalog::ProductKind::Ebook,
                title: crate::support::text("Unfinished Rust"),
                description: crate::support::text("Soon."),
                prices: kenning_domain::catalog::PriceList::new(vec![usd(500)]).unwrap(),
                tags: Vec::new(),
            },
        )
        .await
        .unwrap();

    assert_eq!(h.app.rebuild_search().await.unwrap(), 1);
    assert_eq!(h.fakes.search.indexed(), [course.id]);
    assert!(!h.fakes.search.indexed().contains(&draft.id));
    let entry = h.fakes.search.entry(course.id).unwrap();
    assert_eq!(
        entry.previews.iter().map(|l| l.id).collect::<Vec<_>>(),
        [preview]
    );
    assert_eq!(
        entry.locked.iter().map(|l| l.id).collect::<Vec<_>>(),
        [locked]
    );
    assert_eq!(entry.lessons.len(), 2);

    let found = h.app.search(&query("rust")).await.unwrap();
    assert_eq!(
        found.iter().map(|(p, _)| p.id).collect::<Vec<_>>(),
        [course.id]
    );
    // Locked text is not in the public index.
    assert!(h.app.search(&query("secret")).await.unwrap().is_empty());
    assert!(h.app.search(&query("   ")).await.unwrap().is_empty());
}

#[tokio::test]
async fn search_shows_only_what_is_still_published() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let (kept, _, _) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let (withdrawn, _, _) = h.course(&creator, "Rust at Scale", usd(2999)).await;
    h.app.rebuild_search().await.unwrap();
    let entry = h.fakes.search.entry(withdrawn.id).unwrap();
    h.app.unpublish(&creator, withdrawn.id).await.unwrap();
    // Whatever the index still holds (another node's, not yet caught up), a withdrawn
    // product is not shown.
    h.fakes.search.upsert(&entry).unwrap();
    let found = h.app.search(&query("rust")).await.unwrap();
    assert_eq!(
        found.iter().map(|(p, _)| p.id).collect::<Vec<_>>(),
        [kept.id]
    );
}

#[tokio::test]
async fn locked_lesson_text_is_searched_only_where_the_person_may_read() {
    let h = Harness::new().await;
    let creator = h.person(Role::Creator).await;
    let learner = h.person(Role::Learner).await;
    let operator = h.person(Role::Admin).await;
    let (course, _, locked) = h.course(&creator, "Rust in Practice", usd(1499)).await;
    let (other, _, _) = h.course(&creator, "Rust at Scale", usd(2999)).await;
    h.app.rebuild_search().await.unwrap();

    // Holding nothing, a learner searches nothing locked.
    let found = h
        .app
        .search_my_lessons(Some(&learner), "secret", Locale::En, 10)
        .await
        .unwrap();
    assert!(found.is_empty());
    let asked = h.fakes.search.lesson_queries();
    assert_eq!(
        asked.last().and_then(|q| q.products.clone()),
        Some(Vec::new())
    );

    h.buy(&learner, &course).await;
    let found = h
        .app
        .search_my_lessons(Some(&learner), "secret", Locale::En, 10)
        .await
        .unwrap();
    assert_eq!(
        found
            .iter()
            .map(|m| (m.product.id, m.lesson.id))
            .collect::<Vec<_>>(),
        [(course.id, locked)]
    );
    assert_eq!(
        h.fakes
            .search
            .lesson_queries()
            .last()
            .and_then(|q| q.products.clone()),
        Some(vec![course.id])
    );

    // A creator searches their own; an operator everything; a visitor nothing at all.
    h.app
        .search_my_lessons(Some(&creator), "secret", Locale::En, 10)
        .await
        .unwrap();
    let mut theirs = h
        .fakes
        .search
        .lesson_queries()
        .last()
        .and_then(|q| q.products.clone())
        .unwrap();
    theirs.sort();
    let mut expected = vec![course.id, other.id];
    expected.sort();
    assert_eq!(theirs, expected);
    let all = h
        .app
        .search_my_lessons(Some(&operator), "secret", Locale::En, 10)
        .await
        .unwrap();
    assert_eq!(all.len(), 2);
    assert_eq!(
        h.fakes
            .search
            .lesson_queries()
            .last()
            .map(|q| q.products.is_none()),
        Some(true)
    );
    let asked_before = h.fakes.search.lesson_queries().len();
    assert!(
        h.app
            .search_my_lessons(None, "secret", Locale::En, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(h.fakes.search.lesson_queries().len(), asked_before);
}
