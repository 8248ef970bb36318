use kenning_domain::account::Role;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::{TestApp, expect_error, json_of};
use crate::on_both_databases;

on_both_databases!(dripped_lessons_open_days_after_purchase_or_on_their_date);

const DAY_MS: i64 = 86_400_000;

async fn dripped_lessons_open_days_after_purchase_or_on_their_date(app: &TestApp) {
    let (product, lessons, creator) = app.published_course().await;
    let release = |lesson: &str| format!("/api/v1/lessons/{lesson}/release");

    // Bad settings and strangers change nothing.
    let stranger = app.learner().await;
    expect_error(
        app.put(
            &release(&lessons[2]),
            Some(&stranger),
            json!({"after_days": 3}),
        )
        .await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    for bad in [
        json!({"after_days": -1}),
        json!({"after_days": 4000}),
        json!({"at": "next tuesday"}),
        json!({"after_days": 2, "at": "2030-01-01T00:00:00Z"}),
    ] {
        expect_error(
            app.put(&release(&lessons[2]), Some(&creator), bad).await,
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_release",
        )
        .await;
    }
    let detail = json_of(app.get(&format!("/api/v1/products/{product}"), None).await).await;
    assert_eq!(
        detail["lessons"][2]["release"],
        json!({"after_days": null, "at": null})
    );

    // Lesson 3 opens three days after purchase; lesson 2 on a date two days away.
    let r = app
        .put(
            &release(&lessons[2]),
            Some(&creator),
            json!({"after_days": 3}),
        )
        .await;
    assert_eq!(json_of(r).await["after_days"], 3);
    let in_two_days = time::OffsetDateTime::now_utc() + time::Duration::days(2);
    let at = in_two_days
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    let r = app
        .put(&release(&lessons[1]), Some(&creator), json!({"at": at}))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    let buyer = app.learner().await;
    app.buy(&buyer, &product).await;
    let body = expect_error(
        app.get(&format!("/api/v1/lessons/{}", lessons[2]), Some(&buyer))
            .await,
        StatusCode::FORBIDDEN,
        "lesson_not_released",
    )
    .await;
    assert!(
        body["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("3 days")),
        "{body}"
    );
    expect_error(
        app.get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&buyer))
            .await,
        StatusCode::FORBIDDEN,
        "lesson_not_released",
    )
    .await;
    // The preview and the creator are never held back.
    let r = app
        .get(&format!("/api/v1/lessons/{}", lessons[0]), Some(&buyer))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .get(&format!("/api/v1/lessons/{}", lessons[2]), Some(&creator))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let (_, admin) = app.with_role(Role::Admin).await;
    let r = app
        .get(&format!("/api/v1/lessons/{}", lessons[2]), Some(&admin))
        .await;
    assert_eq!(r.status(), StatusCode::OK);

    // The holder sees when each opens; the product page says it in words.
    let detail = json_of(
        app.get(&format!("/api/v1/products/{product}"), Some(&buyer))
            .await,
    )
    .await;
    assert!(detail["lessons"][0]["opens_at"].is_null());
    assert!(detail["lessons"][1]["opens_at"].is_string(), "{detail}");
    assert!(detail["lessons"][2]["opens_at"].is_string(), "{detail}");
    let page = app
        .browser
        .get(app.url(&format!("/lessons/{}", lessons[2])))
        .header("cookie", format!("kenning_session={buyer}"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(page.status(), StatusCode::FORBIDDEN);
    let html = page.text().await.unwrap_or_default();
    assert!(html.contains("data-test=\"opens-on\""), "{html}");

    // Three days later (the purchase moved back in time) lesson 3 opens; lesson 2 waits
    // for its date until the creator brings the date forward.
    let moved = sqlx::query("UPDATE entitlements SET granted_at_ms = granted_at_ms - $1")
        .bind(3 * DAY_MS)
        .execute(&app.db)
        .await
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(moved.rows_affected(), 1);
    let r = app
        .get(&format!("/api/v1/lessons/{}", lessons[2]), Some(&buyer))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    expect_error(
        app.get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&buyer))
            .await,
        StatusCode::FORBIDDEN,
        "lesson_not_released",
    )
    .await;
    let r = app
        .put(
            &release(&lessons[1]),
            Some(&creator),
            json!({"at": "2020-01-01T00:00:00Z"}),
        )
        .await;
    assert_eq!(r.status(), StatusCode::OK);
    let r = app
        .get(&format!("/api/v1/lessons/{}", lessons[1]), Some(&buyer))
        .await;
    assert_eq!(r.status(), StatusCode::OK);
}
