//! The demo catalog: two creators, a learner and a dozen products of several kinds, in
//! Chinese and English, priced in CNY and USD. Loaded through the same use cases a
//! creator uses, once: a second run finds the demo creator and stops.

mod catalog;
mod media;
mod money;
mod purchases;

use kenning_app::accounts::{CurrentUser, Registration};
use kenning_app::{AppError, Kenning};
use kenning_domain::account::Role;
use kenning_domain::catalog::ProductKind;
use kenning_domain::locale::{Locale, LocalizedText};

use catalog::{LIN_WEI, MAYA_CHEN, publish_all};
use money::{demo_money, schedule_demo_live};
use purchases::demo_purchases;

/// The password of every demo account (shown in the README; change it on a real instance).
pub const DEMO_PASSWORD: &str = "kenning-demo-2026";
pub const DEMO_CREATORS: [&str; 2] = ["lin.wei@demo.kenning.test", "maya.chen@demo.kenning.test"];
pub const DEMO_LEARNER: &str = "learner@demo.kenning.test";

fn text(en: &str, zh: &str) -> LocalizedText {
    LocalizedText::from_pairs([(Locale::En, en), (Locale::ZhCn, zh)])
}

/// English and Chinese text.
type Pair = (&'static str, &'static str);
/// A chapter title and its lesson titles.
type Chapter = (Pair, &'static [Pair]);
async fn creator(app: &Kenning, email: &str, name: &str) -> Result<CurrentUser, AppError> {
    let account = app
        .create_account(
            Registration {
                email: email.into(),
                password: DEMO_PASSWORD.into(),
                display_name: name.into(),
            },
            Role::Creator,
        )
        .await?;
    Ok(CurrentUser { account })
}
/// Loads the demo catalog unless it is already there.
pub async fn load(app: &Kenning) -> anyhow::Result<()> {
    let lin = match creator(app, DEMO_CREATORS[0], "林薇 Lin Wei").await {
        Ok(user) => user,
        Err(AppError::EmailTaken) => {
            tracing::info!("demo catalog already loaded");
            return Ok(());
        }
        Err(e) => return Err(anyhow::anyhow!("demo creator: {e}")),
    };
    let maya = creator(app, DEMO_CREATORS[1], "陈曼 Maya Chen")
        .await
        .map_err(|e| anyhow::anyhow!("demo creator: {e}"))?;
    app.create_account(
        Registration {
            email: DEMO_LEARNER.into(),
            password: DEMO_PASSWORD.into(),
            display_name: "Demo Learner".into(),
        },
        Role::Learner,
    )
    .await
    .map_err(|e| anyhow::anyhow!("demo learner: {e}"))?;
    let lin_products = publish_all(app, &lin, LIN_WEI)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    let maya_products = publish_all(app, &maya, MAYA_CHEN)
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    if let Some(course) = lin_products.first() {
        media::attach_video(app, &lin, *course)
            .await
            .map_err(|e| anyhow::anyhow!("demo media: {e}"))?;
    }
    // Every audio series has its episodes, so every feed has something to play.
    for (creator, specs, ids) in [
        (&lin, LIN_WEI, &lin_products),
        (&maya, MAYA_CHEN, &maya_products),
    ] {
        let series = (specs.iter().zip(ids.iter()))
            .filter(|(spec, _)| spec.kind == ProductKind::AudioSeries);
        for (_, id) in series {
            media::attach_episodes(app, creator, *id)
                .await
                .map_err(|e| anyhow::anyhow!("demo episodes: {e}"))?;
        }
    }
    let live = LIN_WEI
        .iter()
        .position(|p| p.kind == ProductKind::LiveSession)
        .and_then(|i| lin_products.get(i));
    if let (Some(course), Some(live)) = (lin_products.first(), live) {
        schedule_demo_live(app, &lin, *live, *course)
            .await
            .map_err(|e| anyhow::anyhow!("demo live session: {e}"))?;
    }
    demo_money(app, &lin, &lin_products)
        .await
        .map_err(|e| anyhow::anyhow!("demo bundle and prices: {e}"))?;
    demo_purchases(app, &lin_products, &maya_products)
        .await
        .map_err(|e| anyhow::anyhow!("demo purchases: {e}"))?;
    app.refresh_recommendations()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    // After a bulk load, a fresh index: the many small updates leave deleted documents
    // behind that skew relevance statistics until segments merge.
    app.rebuild_search()
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    tracing::info!(
        products = lin_products.len() + maya_products.len(),
        "demo catalog loaded"
    );
    Ok(())
}
