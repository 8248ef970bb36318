//! The catalog: products read back as written, an update replaces text, prices and status
//! whole, listings filter and page alike on both databases, lessons keep their order, and
//! what is replaced (lesson prices, bundle items, a sale) is replaced, not added to.
//! Versions: podcast feed versions and shared counters only ever go up, one at a time.

use kenning_app::ports::*;
use kenning_domain::account::Role;
use kenning_domain::catalog::{
    Chapter, Lesson, PriceList, Product, ProductKind, ProductStatus, Release,
};
use kenning_domain::ids::{ChapterId, LessonId, ProductId};
use kenning_domain::locale::{Locale, LocalizedText};
use kenning_domain::money::{Currency, Money};
use kenning_domain::sale::Sale;
use kenning_store::SqlStore;

use crate::fixtures::{DAY, NOW, account, all_at_once, cny, draft, product, text};

on_both_databases!(
    a_product_reads_back_as_written,
    an_update_replaces_text_prices_and_status,
    listings_filter_count_and_page,
    lessons_keep_their_order_and_release,
    replaced_lists_are_replaced,
    feed_versions_and_counters_go_up_one_at_a_time,
);

fn usd(minor: i64) -> Money {
    Money::new(minor, Currency::USD)
}

async fn a_product_reads_back_as_written(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let mut written = draft(&creator, ProductKind::Ebook, &[usd(1499), cny(9900)]);
    written.tags = vec!["rust".into(), "数据库".into()];
    written.cover_key = Some("covers/abc".into());
    written.status = ProductStatus::Draft;
    written.published_at_ms = None;
    store.insert_product(&written).await.unwrap();

    let read = store.product(written.id).await.unwrap().unwrap();
    assert_eq!(read, written);
    // Prices keep the order the creator gave (the first is the one converted from).
    assert_eq!(read.prices.as_slice(), &[usd(1499), cny(9900)]);
    assert!(store.product(ProductId::new()).await.unwrap().is_none());

    // A free product has no prices at all.
    let free = draft(&creator, ProductKind::Report, &[]);
    store.insert_product(&free).await.unwrap();
    let read = store.product(free.id).await.unwrap().unwrap();
    assert!(read.is_free());

    // An id is one product.
    assert!(matches!(
        store.insert_product(&written).await,
        Err(StoreError::Duplicate)
    ));
}

async fn an_update_replaces_text_prices_and_status(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let mut p = draft(&creator, ProductKind::Course, &[cny(9900), usd(1499)]);
    p.status = ProductStatus::Draft;
    p.published_at_ms = None;
    store.insert_product(&p).await.unwrap();

    p.title = LocalizedText::from_pairs([(Locale::ZhCn, "新标题")]);
    p.description = text("Now in depth.");
    p.prices = PriceList::new(vec![usd(2999)]).unwrap();
    p.tags = vec!["async".into()];
    p.status = ProductStatus::Published;
    p.published_at_ms = Some(NOW + DAY);
    store.update_product(&p, NOW + DAY).await.unwrap();

    let read = store.product(p.id).await.unwrap().unwrap();
    assert_eq!(read, p);
    assert_eq!(read.prices.as_slice(), &[usd(2999)], "old prices are gone");
    // The language filter follows the text.
    let zh = store
        .list_products(&ProductFilter {
            language: Some(Locale::ZhCn),
            creator_id: Some(creator.id),
            ..ProductFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(zh.len(), 1);
    let en = store
        .count_products(&ProductFilter {
            language: Some(Locale::En),
            creator_id: Some(creator.id),
            ..ProductFilter::default()
        })
        .await
        .unwrap();
    assert_eq!(en, 0);

    let mut missing = p.clone();
    missing.id = ProductId::new();
    assert!(matches!(
        store.update_product(&missing, NOW).await,
        Err(StoreError::NotFound)
    ));
}

async fn listings_filter_count_and_page(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let other = account(&store, Role::Creator).await;
    let mut made = Vec::new();
    for i in 0..5_i64 {
        let mut p = draft(&creator, ProductKind::Course, &[cny(100 + i)]);
        p.published_at_ms = Some(NOW + i * DAY);
        store.insert_product(&p).await.unwrap();
        made.push(p);
    }
    let mut draft_ebook = draft(&creator, ProductKind::Ebook, &[cny(500)]);
    draft_ebook.status = ProductStatus::Draft;
    draft_ebook.published_at_ms = None;
    store.insert_product(&draft_ebook).await.unwrap();
    product(&store, &other, ProductKind::Course, &[cny(700)]).await;

    let mine = ProductFilter {
        creator_id: Some(creator.id),
        ..ProductFilter::default()
    };
    assert_eq!(store.count_products(&mine).await.unwrap(), 6);
    let published = ProductFilter {
        status: Some(ProductStatus::Published),
        ..mine.clone()
    };
    assert_eq!(store.count_products(&published).await.unwrap(), 5);
    let ebooks = ProductFilter {
        kind: Some(ProductKind::Ebook),
        ..mine.clone()
    };
    let found = store.list_products(&ebooks).await.unwrap();
    assert_eq!(
        found.iter().map(|p| p.id).collect::<Vec<_>>(),
        [draft_ebook.id]
    );

    // Newest first, paged without overlap, prices attached.
    let page = |offset| ProductFilter {
        limit: 2,
        offset,
        ..published.clone()
    };
    let mut seen = Vec::new();
    for offset in [0, 2, 4] {
        let found = store.list_products(&page(offset)).await.unwrap();
        for p in &found {
            assert_eq!(p.creator_name, creator.display_name.as_str());
            assert_eq!(p.prices.as_slice().len(), 1);
        }
        seen.extend(found);
    }
    let expected: Vec<ProductId> = made.iter().rev().map(|p| p.id).collect();
    assert_eq!(seen.iter().map(|p| p.id).collect::<Vec<_>>(), expected);
    assert_eq!(seen, made.into_iter().rev().collect::<Vec<Product>>());
}

async fn lessons_keep_their_order_and_release(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let p = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let chapter = Chapter {
        id: ChapterId::new(),
        product_id: p.id,
        position: 1,
        title: text("Basics"),
    };
    store.insert_chapter(&chapter).await.unwrap();
    assert_eq!(
        store.chapters(p.id).await.unwrap(),
        std::slice::from_ref(&chapter)
    );

    let mut lessons = Vec::new();
    // Written out of order: read back by position.
    for (position, release) in [
        (
            3,
            Release::OnDate {
                at_ms: NOW + 7 * DAY,
            },
        ),
        (1, Release::Immediately),
        (2, Release::AfterDays { days: 3 }),
    ] {
        let lesson = Lesson {
            id: LessonId::new(),
            product_id: p.id,
            chapter_id: (position < 3).then_some(chapter.id),
            position,
            title: text(&format!("Lesson {position}")),
            body: text(&format!("Body {position}")),
            preview: position == 1,
            release,
        };
        store.insert_lesson(&lesson).await.unwrap();
        lessons.push(lesson);
    }
    let outline = store.lessons(p.id).await.unwrap();
    assert_eq!(
        outline.iter().map(|l| l.position).collect::<Vec<_>>(),
        [1, 2, 3]
    );
    for lesson in &lessons {
        assert_eq!(
            store.lesson(lesson.id).await.unwrap().as_ref(),
            Some(lesson)
        );
        let listed = outline.iter().find(|l| l.id == lesson.id).unwrap();
        assert_eq!(listed.release, lesson.release);
        assert_eq!(listed.preview, lesson.preview);
        assert_eq!(listed.chapter_id, lesson.chapter_id);
    }

    let first = lessons[1].id;
    store
        .set_lesson_release(first, Release::AfterDays { days: 10 })
        .await
        .unwrap();
    assert_eq!(
        store.lesson(first).await.unwrap().unwrap().release,
        Release::AfterDays { days: 10 }
    );
    assert!(matches!(
        store
            .set_lesson_release(LessonId::new(), Release::Immediately)
            .await,
        Err(StoreError::NotFound)
    ));
}

async fn replaced_lists_are_replaced(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let course = product(&store, &creator, ProductKind::Course, &[cny(9900)]).await;
    let ebook = product(&store, &creator, ProductKind::Ebook, &[cny(4900)]).await;
    let report = product(&store, &creator, ProductKind::Report, &[cny(1900)]).await;
    let bundle = product(&store, &creator, ProductKind::Bundle, &[cny(12900)]).await;

    // Lesson prices.
    let lesson = Lesson {
        id: LessonId::new(),
        product_id: course.id,
        chapter_id: None,
        position: 1,
        title: text("One"),
        body: text("Text"),
        preview: false,
        release: Release::Immediately,
    };
    store.insert_lesson(&lesson).await.unwrap();
    assert!(store.lesson_prices(lesson.id).await.unwrap().is_empty());
    store
        .set_lesson_prices(lesson.id, &[cny(990), usd(199)])
        .await
        .unwrap();
    store
        .set_lesson_prices(lesson.id, &[cny(1290)])
        .await
        .unwrap();
    assert_eq!(store.lesson_prices(lesson.id).await.unwrap(), [cny(1290)]);
    assert_eq!(
        store.lesson_prices_of(course.id).await.unwrap(),
        [(lesson.id, cny(1290))]
    );

    // Bundle items.
    store
        .set_bundle_items(bundle.id, &[course.id, ebook.id])
        .await
        .unwrap();
    store
        .set_bundle_items(bundle.id, &[ebook.id, report.id])
        .await
        .unwrap();
    let mut expected = vec![ebook.id, report.id];
    expected.sort();
    assert_eq!(store.bundle_items(bundle.id).await.unwrap(), expected);

    // A sale: started, replaced, ended.
    assert!(store.sale(course.id).await.unwrap().is_none());
    let first = Sale {
        bps: 2_000,
        ends_at_ms: NOW + DAY,
    };
    let second = Sale {
        bps: 5_000,
        ends_at_ms: NOW + 2 * DAY,
    };
    store.set_sale(course.id, Some(first)).await.unwrap();
    store.set_sale(course.id, Some(second)).await.unwrap();
    assert_eq!(store.sale(course.id).await.unwrap(), Some(second));
    store.set_sale(course.id, None).await.unwrap();
    assert!(store.sale(course.id).await.unwrap().is_none());
}

async fn feed_versions_and_counters_go_up_one_at_a_time(store: SqlStore) {
    let creator = account(&store, Role::Creator).await;
    let listener = account(&store, Role::Learner).await;
    let p = product(&store, &creator, ProductKind::AudioSeries, &[cny(100)]).await;
    assert_eq!(store.feed_version(listener.id, p.id).await.unwrap(), 0);
    assert_eq!(store.bump_feed_version(listener.id, p.id).await.unwrap(), 1);
    assert_eq!(store.bump_feed_version(listener.id, p.id).await.unwrap(), 2);
    assert_eq!(store.feed_version(listener.id, p.id).await.unwrap(), 2);
    // Another person's feed of the same product has its own version.
    assert_eq!(store.feed_version(creator.id, p.id).await.unwrap(), 0);
    // All of a person's rotated feeds at once; unrotated ones are not listed.
    let versions = store.feed_versions(listener.id).await.unwrap();
    assert_eq!(
        versions,
        vec![FeedVersion {
            product_id: p.id,
            version: 2
        }]
    );
    assert!(store.feed_versions(creator.id).await.unwrap().is_empty());

    // Raised by many at once: each gets its own new value, none is lost.
    assert_eq!(store.counter("contract").await.unwrap(), 0);
    let mut raised = all_at_once(10, |_| {
        let store = store.clone();
        async move { store.bump_counter("contract").await.unwrap() }
    })
    .await;
    raised.sort();
    assert_eq!(raised, (1..=10).collect::<Vec<i64>>());
    assert_eq!(store.counter("contract").await.unwrap(), 10);
    assert_eq!(store.counter("another").await.unwrap(), 0);
}
