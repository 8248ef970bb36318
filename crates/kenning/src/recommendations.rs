//! The recommendation engine behind the app's port: kenning-recs' item-kNN over purchases
//! (similar products, "because you bought …") and popularity for people without history.
//! The model lives in memory and is rebuilt from the database on start and on a timer;
//! a rebuild swaps it in whole, so readers never see half a model.

use std::sync::{Arc, RwLock};
use std::time::Duration;

use kenning_app::Kenning;
use kenning_app::ports::{RecommendationEngine, Suggestion};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_recs::models::{ItemKnn, Popularity};
use kenning_recs::{Interactions, Recommender, top_k};

/// How often the model is retrained from the purchases in the database.
pub const REFRESH_EVERY: Duration = Duration::from_secs(60);

struct Trained {
    data: Interactions,
    knn: ItemKnn,
    popularity: Vec<f64>,
}

#[derive(Default)]
pub struct PurchaseRecommender {
    model: RwLock<Option<Arc<Trained>>>,
}

impl PurchaseRecommender {
    fn current(&self) -> Option<Arc<Trained>> {
        self.model.read().ok().and_then(|m| m.clone())
    }
}

fn product_at(data: &Interactions, item: usize) -> Option<ProductId> {
    data.item_id(item).and_then(|id| id.parse().ok())
}

impl RecommendationEngine for PurchaseRecommender {
    fn train(&self, purchases: &[(AccountId, ProductId)]) {
        let mut data = Interactions::new();
        for (account, product) in purchases {
            data.add(&account.to_string(), &product.to_string(), 1.0);
        }
        let mut knn = ItemKnn::cosine(50);
        knn.fit(&data);
        let mut popularity = Popularity::default();
        popularity.fit(&data);
        let popularity = popularity.scores(&data, 0);
        let trained = Arc::new(Trained {
            data,
            knn,
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
        let scores = m.knn.scores(&m.data, u);
        let positive: Vec<f64> = scores
            .iter()
            .map(|&s| if s > 0.0 { s } else { f64::NAN })
            .collect();
        top_k(&positive, &m.data.seen(u), k)
            .into_iter()
            .filter_map(|s| {
                Some(Suggestion {
                    product: product_at(&m.data, s.item)?,
                    because: m
                        .knn
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
        m.knn
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

/// Retrains the recommendations and rebuilds the search index now and then every
/// [`REFRESH_EVERY`], until the process ends. Changes made through this process reach
/// the search index at once; the rebuild brings in other nodes' changes.
pub fn spawn_refresher(app: Kenning) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(REFRESH_EVERY);
        loop {
            tick.tick().await;
            match app.refresh_recommendations().await {
                Ok(n) => tracing::debug!(purchases = n, "recommendations retrained"),
                Err(e) => tracing::warn!(error = %e, "retraining recommendations failed"),
            }
            match app.rebuild_search().await {
                Ok(n) => tracing::debug!(products = n, "search index rebuilt"),
                Err(e) => tracing::warn!(error = %e, "rebuilding the search index failed"),
            }
        }
    })
}
