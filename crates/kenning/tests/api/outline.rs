//! Editing a course's outline: lessons edited, reordered, moved between chapters and
//! deleted; chapters reordered and deleted; new lessons go to the last chapter. Only
//! the product's creator may, and a lesson someone bought on its own stays.

use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, expect_error, id_of, json_of};
use crate::on_both_databases;
use crate::pages::Browser;

on_both_databases!(a_creator_reorders_moves_edits_and_deletes_lessons_and_chapters);

async fn outline(app: &TestApp, product: &str) -> Vec<(Option<String>, String)> {
    let detail = json_of(app.get(&format!("/api/v1/products/{product}"), None).await).await;
    detail["lessons"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|l: &Value| {
            (
                l["chapter_id"].as_str().map(str::to_owned),
                l["title"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect()
}

async fn a_creator_reorders_moves_edits_and_deletes_lessons_and_chapters(app: &TestApp) {
    let (user, creator) = app.with_role(Role::Creator).await;
    let (_, stranger) = app.with_role(Role::Creator).await;
    let product = app
        .create_product(
            &creator,
            json!({"kind": "course", "title": {"en": "Outline"}, "description": {"en": "x"},
                   "prices": [{"amount_minor": 1000, "currency": "USD"}]}),
        )
        .await;
    let chapter = |title: &'static str| {
        let path = format!("/api/v1/products/{product}/chapters");
        let creator = creator.clone();
        async move {
            id_of(
                app.post(&path, Some(&creator), json!({"title": {"en": title}}))
                    .await,
            )
            .await
        }
    };
    let one = chapter("One").await;
    let two = chapter("Two").await;
    let lesson = |title: &'static str, chapter: Option<String>| {
        let path = format!("/api/v1/products/{product}/lessons");
        let creator = creator.clone();
        async move {
            let mut body = json!({"title": {"en": title}, "content": {"en": "text"}});
            if let Some(c) = chapter {
                body["chapter_id"] = json!(c);
            }
            id_of(app.post(&path, Some(&creator), body).await).await
        }
    };
    let a = lesson("A", Some(one.clone())).await;
    let b = lesson("B", Some(one.clone())).await;
    // Without a chapter, a new lesson goes to the last one.
    let c = lesson("C", None).await;
    app.publish(&creator, &product).await;
    let titles =
        |o: &[(Option<String>, String)]| o.iter().map(|(_, t)| t.clone()).collect::<Vec<_>>();
    let now = outline(app, &product).await;
    assert_eq!(
        now.iter()
            .find(|(_, t)| t == "C")
            .and_then(|(c, _)| c.clone()),
        Some(two.clone())
    );
    assert_eq!(titles(&now), ["A", "B", "C"]);

    // Reorder within a chapter; moving past the end does nothing.
    let mv = |id: String, direction: &'static str, token: String| async move {
        app.post(
            &format!("/api/v1/lessons/{id}/move"),
            Some(&token),
            json!({"direction": direction}),
        )
        .await
    };
    assert_eq!(
        mv(b.clone(), "up", creator.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(titles(&outline(app, &product).await), ["B", "A", "C"]);
    assert_eq!(
        mv(b.clone(), "up", creator.clone()).await.status(),
        StatusCode::NO_CONTENT
    );
    assert_eq!(titles(&outline(app, &product).await), ["B", "A", "C"]);
    // Dragged several places (as far as its chapter goes: C is in another), and back.
    let far = |direction: &'static str, steps: u16| {
        let (b, token) = (b.clone(), creator.clone());
        async move {
            app.post(
                &format!("/api/v1/lessons/{b}/move"),
                Some(&token),
                json!({"direction": direction, "steps": steps}),
            )
            .await
            .status()
        }
    };
    assert_eq!(far("down", 9).await, StatusCode::NO_CONTENT);
    assert_eq!(titles(&outline(app, &product).await), ["A", "B", "C"]);
    assert_eq!(far("up", 5).await, StatusCode::NO_CONTENT);
    assert_eq!(titles(&outline(app, &product).await), ["B", "A", "C"]);
    expect_error(
        mv(b.clone(), "sideways", creator.clone()).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "invalid_direction",
    )
    .await;
    expect_error(
        mv(b.clone(), "down", stranger.clone()).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;

    // Edit a lesson and move it to chapter Two.
    let r = app
        .put(
            &format!("/api/v1/lessons/{a}"),
            Some(&creator),
            json!({"title": {"en": "A, revised"}, "content": {"en": "new text"}, "chapter_id": two}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let now = outline(app, &product).await;
    assert_eq!(titles(&now), ["B", "C", "A, revised"]);
    assert_eq!(now[2].0.as_deref(), Some(two.as_str()));
    expect_error(
        app.put(
            &format!("/api/v1/lessons/{a}"),
            Some(&stranger),
            json!({"title": {"en": "Mine"}}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    expect_error(
        app.put(
            &format!("/api/v1/lessons/{a}"),
            Some(&creator),
            json!({"title": {"en": ""}}),
        )
        .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "title_required",
    )
    .await;

    // Chapters: Two before One, then One deleted (its lesson stays, outside chapters).
    let r = app
        .post(
            &format!("/api/v1/products/{product}/chapters/{two}/move"),
            Some(&creator),
            json!({"direction": "up"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::NO_CONTENT);
    let chapters =
        json_of(app.get(&format!("/api/v1/products/{product}"), None).await).await["chapters"]
            .clone();
    assert_eq!(chapters[0]["id"], two.as_str());
    let gone = app
        .client
        .delete(app.url(&format!("/api/v1/products/{product}/chapters/{one}")))
        .bearer_auth(&creator)
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(gone.status(), StatusCode::NO_CONTENT);
    let now = outline(app, &product).await;
    assert_eq!(
        now.iter().find(|(_, t)| t == "B").map(|(c, _)| c.clone()),
        Some(None)
    );

    // Delete a lesson; one sold on its own stays.
    let delete = |id: String| {
        let creator = creator.clone();
        async move {
            app.client
                .delete(app.url(&format!("/api/v1/lessons/{id}")))
                .bearer_auth(&creator)
                .send()
                .await
                .unwrap_or_else(|e| panic!("{e}"))
        }
    };
    assert_eq!(delete(c.clone()).await.status(), StatusCode::NO_CONTENT);
    assert_eq!(titles(&outline(app, &product).await), ["B", "A, revised"]);
    let priced = app
        .put(
            &format!("/api/v1/lessons/{b}/prices"),
            Some(&creator),
            json!({"prices": [{"amount_minor": 300, "currency": "USD"}]}),
        )
        .await;
    assert!(priced.status().is_success(), "{}", priced.status());
    let buyer = app.learner().await;
    let order = json_of(
        app.order_with(
            &buyer,
            "lesson-b",
            json!({"product_id": product, "lesson_id": b, "currency": "USD", "country": "US"}),
        )
        .await,
    )
    .await;
    app.pay(&buyer, &order).await;
    expect_error(delete(b.clone()).await, StatusCode::CONFLICT, "lesson_sold").await;

    // The studio page offers the same, without JavaScript.
    let mut browser = Browser::new(app, "en");
    browser.log_in(user.account.email.as_str()).await;
    let page = browser.get(&format!("/studio/products/{product}")).await;
    assert_eq!(page.body.matches("data-test=\"lesson-up\"").count(), 2);
    let edit = browser.get(&format!("/studio/lessons/{a}/edit")).await;
    assert_eq!(edit.status, StatusCode::OK);
    assert!(edit.body.contains("A, revised"));
    let moved = browser
        .post(
            &format!("/studio/lessons/{a}/move"),
            &[("csrf", &page.csrf()), ("direction", "up")],
        )
        .await;
    assert_eq!(moved.status, StatusCode::SEE_OTHER);
    let saved = browser
        .post(
            &format!("/studio/lessons/{a}/edit"),
            &[
                ("csrf", &page.csrf()),
                ("title_en", "A, final"),
                ("body_en", "done"),
                ("chapter_id", ""),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER);
    assert!(titles(&outline(app, &product).await).contains(&"A, final".to_owned()));
}
