//! What the demo sells beyond single products: a scheduled live session, a bundle, a
//! lesson sold on its own and an affiliate programme.

use kenning_app::accounts::CurrentUser;
use kenning_app::{AppError, Kenning};
use kenning_domain::ids::ProductId;
use kenning_domain::live::LiveSchedule;
use kenning_domain::money::{Currency, Money};

use super::catalog::LIN_WEI;

/// The demo's live session starts three days after the demo is loaded, on the hour, and
/// its ticket comes with the first course. The stream address is a placeholder to
/// replace with a real one.
pub(super) async fn schedule_demo_live(
    app: &Kenning,
    creator: &CurrentUser,
    live: ProductId,
    course: ProductId,
) -> Result<(), AppError> {
    const HOUR_MS: i64 = 3_600_000;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| i64::try_from(d.as_millis()).unwrap_or(0));
    let starts_at_ms = (now_ms / HOUR_MS + 72) * HOUR_MS;
    app.schedule_live(
        creator,
        live,
        LiveSchedule {
            product_id: live,
            starts_at_ms,
            duration_minutes: 60,
            capacity: Some(200),
            stream_url: "https://stream.example.com/kenning/async-rust-qa.m3u8".into(),
            included_in: Some(course),
        },
    )
    .await?;
    Ok(())
}

/// Lin Wei's bundle holds her first course and the handbook; the last lesson of her
/// database course is also sold on its own (按需付费); and she pays affiliates 15 %.
pub(super) async fn demo_money(
    app: &Kenning,
    lin: &CurrentUser,
    products: &[ProductId],
) -> Result<(), AppError> {
    let at = |title: &str| {
        LIN_WEI
            .iter()
            .position(|p| p.title.0 == title)
            .and_then(|i| products.get(i))
            .copied()
    };
    if let (Some(bundle), Some(course), Some(book)) = (
        at("Rust Starter Pack"),
        at("Rust in Practice: Building Fast Web Services"),
        at("The Async Rust Handbook"),
    ) {
        app.set_bundle_items(lin, bundle, vec![course, book])
            .await?;
    }
    if let Some(database) = at("Database Internals for Application Engineers") {
        let lessons = app.product_detail(database, Some(lin)).await?.lessons;
        if let Some(last) = lessons.last() {
            app.set_lesson_prices(
                lin,
                last.id,
                vec![
                    Money::new(2_900, Currency::CNY),
                    Money::new(399, Currency::USD),
                ],
            )
            .await?;
        }
    }
    app.set_affiliate_program(lin, 1_500, 30).await?;
    Ok(())
}
