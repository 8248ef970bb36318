//! The recommendation engine behind the app's port: kenning-recs' served hybrid (a blend
//! of collaborative models, a content model over product features, popularity, then
//! diversified), trained on weighted signals. The model lives in memory and is rebuilt
//! from the database on start and on a timer; a rebuild swaps it in whole, so readers
//! never see half a model.

use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::Duration;

use kenning_app::Kenning;
use kenning_app::ports::{RecommendationEngine, Suggestion, TrainingSet};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_recs::models::{Content, Hybrid};
use kenning_recs::{Interactions, Recommender, top_k};

/// How often the model is retrained from the signals in the database.
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

struct Trained {
    data: Interactions,
    model: Hybrid,
    popularity: Vec<f64>,
}

#[derive(Default)]
pub struct HybridRecommender {
    model: RwLock<Option<Arc<Trained>>>,
}

impl HybridRecommender {
    fn current(&self) -> Option<Arc<Trained>> {
        self.model.read().ok().and_then(|m| m.clone())
    }
}

fn product_at(data: &Interactions, item: usize) -> Option<ProductId> {
    data.item_id(item).and_then(|id| id.parse().ok())
}

impl RecommendationEngine for HybridRecommender {
    fn train(&self, set: &TrainingSet) {
        let mut data = Interactions::new();
        for (product, _) in &set.products {
            data.add_item(&product.to_string());
        }
        for (account, product, weight) in &set.interest {
            data.add(&account.to_string(), &product.to_string(), *weight);
        }
        let features: HashMap<String, Vec<String>> = set
            .products
            .iter()
            .map(|(p, f)| (p.to_string(), f.clone()))
            .collect();
        let mut model = kenning_recs::serving::hybrid(data.n_items(), Some(Content::new(features)));
        model.fit(&data);
        // Popular is the summed weight of everyone's interest, so purchases count most;
        // products nobody touched are not "popular" at all.
        let mut popularity = vec![f64::NAN; data.n_items()];
        for (_, product, weight) in &set.interest {
            if let Some(p) = data
                .item_index(&product.to_string())
                .and_then(|i| popularity.get_mut(i))
            {
                *p = if p.is_nan() { *weight } else { *p + weight };
            }
        }
        let trained = Arc::new(Trained {
            data,
            model,
            popularity,
        });
        if let Ok(mut model) = self.model.write() {
            *model = Some(trained);
        }
    }

    fn for_user(&self, user: AccountId, k: usize) -> Vec<Suggestion> {
        let Some(m) = self.current() else {
            return Vec::new();
        };
        let Some(u) = m.data.user_index(&user.to_string()) else {
            return Vec::new();
        };
        m.model
            .recommend(&m.data, u, k)
            .into_iter()
            .filter(|s| s.score > 0.0)
            .filter_map(|s| {
                Some(Suggestion {
                    product: product_at(&m.data, s.item)?,
                    because: m
                        .model
                        .because(&m.data, u, s.item)
                        .and_then(|b| product_at(&m.data, b)),
                })
            })
            .collect()
    }

    fn similar(&self, product: ProductId, k: usize) -> Vec<ProductId> {
        let Some(m) = self.current() else {
            return Vec::new();
        };
        let Some(item) = m.data.item_index(&product.to_string()) else {
            return Vec::new();
        };
        m.model
            .similar(item, k)
            .into_iter()
            .filter_map(|s| product_at(&m.data, s.item))
            .collect()
    }

    fn popular(&self, k: usize) -> Vec<ProductId> {
        let Some(m) = self.current() else {
            return Vec::new();
        };
        let none = vec![false; m.popularity.len()];
        top_k(&m.popularity, &none, k)
            .into_iter()
            .filter_map(|s| product_at(&m.data, s.item))
            .collect()
    }
}

/// How often a node looks for rebuild requests (`kenning search reindex`).
pub const FOLLOW_REQUESTS_EVERY: Duration = Duration::from_secs(5);

/// Retrains the recommendations and rebuilds the search index now and then every
/// [`REFRESH_EVERY`], and follows rebuild requests (and numbers new receipts) every
/// [`FOLLOW_REQUESTS_EVERY`],
/// until the process ends. Changes made through this process reach the search index at
/// once; the rebuild brings in other nodes' changes.
pub fn spawn_refresher(app: Kenning) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut refresh = tokio::time::interval(REFRESH_EVERY);
        let mut follow = tokio::time::interval(FOLLOW_REQUESTS_EVERY);
        loop {
            tokio::select! {
                _ = refresh.tick() => {}
                _ = follow.tick() => {
                    match app.follow_search_requests().await {
                        Ok(Some(n)) => tracing::info!(products = n, "search index rebuilt on request"),
                        Ok(None) => {}
                        Err(e) => tracing::warn!(error = %e, "checking for rebuild requests failed"),
                    }
                    match app.number_receipts().await {
                        Ok(0) => {}
                        Ok(n) => tracing::debug!(receipts = n, "receipts numbered"),
                        Err(e) => tracing::warn!(error = %e, "numbering receipts failed"),
                    }
                    continue;
                }
            }
            match app.refresh_recommendations().await {
                Ok(n) => tracing::debug!(pairs = n, "recommendations retrained"),
                Err(e) => tracing::warn!(error = %e, "retraining recommendations failed"),
            }
            match app.rebuild_search().await {
                Ok(n) => tracing::debug!(products = n, "search index rebuilt"),
                Err(e) => tracing::warn!(error = %e, "rebuilding the search index failed"),
            }
            match app.run_renewals().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(subscriptions = n, "memberships renewed or ended"),
                Err(e) => tracing::warn!(error = %e, "membership renewals failed"),
            }
            match app.refund_unanswered_questions().await {
                Ok(0) => {}
                Ok(n) => tracing::info!(questions = n, "unanswered paid questions refunded"),
                Err(e) => tracing::warn!(error = %e, "refunding unanswered questions failed"),
            }
        }
    })
}
