//! The demo's buyers, their purchases and their reviews, so the storefront has
//! something to learn recommendations from.

use kenning_app::accounts::{CurrentUser, Registration};
use kenning_app::checkout::{CurrencyChoice, OrderRequest};
use kenning_app::{AppError, Kenning};
use kenning_domain::account::Role;
use kenning_domain::ids::ProductId;
use kenning_domain::money::Currency;
use kenning_domain::review::ReviewDraft;

use super::DEMO_PASSWORD;

/// Demo buyers and what they bought (indexes into the creators' lists), so that the
/// storefront has purchases to learn recommendations from.
const DEMO_BUYERS: &[(&str, &str, &[usize], &[usize])] = &[
    ("ana@demo.kenning.test", "Ana", &[0, 1, 3], &[0, 4]),
    ("bo@demo.kenning.test", "Bo", &[0, 2], &[0, 2]),
    ("chen@demo.kenning.test", "陈晨", &[0, 3], &[1, 3]),
];

/// Demo reviews: (buyer e-mail, Lin Wei's product or else Maya Chen's, index, stars, text).
const DEMO_REVIEWS: &[(&str, bool, usize, i64, &str)] = &[
    (
        "ana@demo.kenning.test",
        true,
        0,
        5,
        "讲得清楚，例子拿来就能用。",
    ),
    (
        "bo@demo.kenning.test",
        true,
        0,
        4,
        "Solid and practical; the async chapter moves fast.",
    ),
    (
        "chen@demo.kenning.test",
        true,
        0,
        5,
        "所有权那一章终于看懂了。",
    ),
    (
        "ana@demo.kenning.test",
        false,
        0,
        4,
        "Lovely notes on every tea; I brew better now.",
    ),
    (
        "chen@demo.kenning.test",
        false,
        1,
        3,
        "内容不错，就是每集稍短。",
    ),
];

pub(super) async fn demo_purchases(
    app: &Kenning,
    lin: &[ProductId],
    maya: &[ProductId],
) -> Result<(), AppError> {
    for (email, name, from_lin, from_maya) in DEMO_BUYERS {
        let account = app
            .create_account(
                Registration {
                    email: (*email).into(),
                    password: DEMO_PASSWORD.into(),
                    display_name: (*name).into(),
                },
                Role::Learner,
            )
            .await?;
        let buyer = CurrentUser { account };
        let china = kenning_domain::locale::Locale::ZhCn.default_country();
        let picks = from_lin
            .iter()
            .filter_map(|&i| lin.get(i))
            .chain(from_maya.iter().filter_map(|&i| maya.get(i)));
        for product in picks {
            let key = format!("demo-{product}");
            let (order, _) = app
                .create_order(
                    &buyer,
                    OrderRequest {
                        product_id: *product,
                        lesson_id: None,
                        currency: CurrencyChoice::Prefer(Currency::CNY),
                        idempotency_key: &key,
                        coupon: None,
                        gift: None,
                        country: &china,
                        referral: None,
                        question: None,
                    },
                )
                .await?;
            app.pay(&buyer, order.id, kenning_payments::test_cards::SUCCEEDS)
                .await?;
        }
        for (_, of_lin, index, stars, body) in DEMO_REVIEWS.iter().filter(|r| r.0 == *email) {
            let products = if *of_lin { lin } else { maya };
            if let Some(product) = products.get(*index) {
                app.write_review(*product, &buyer, ReviewDraft::new(*stars, body)?)
                    .await?;
            }
        }
    }
    Ok(())
}
