//! The recommendation engine behind the app's port: kenning-recs' served hybrid (a blend
//! of collaborative models, a content model over product features, popularity, then
//! diversified), trained on weighted signals. The model lives in memory and is rebuilt
//! from the database on start and on a timer; a rebuild swaps it in whole, so readers
//! never see half a model. kenning-recs knows no Kenning type: this crate turns products
//! and people into its items and users. [`eval`] is `kenning recs eval`.

pub mod eval;

use std::collections::HashMap;
use std::sync::{Arc, RwLock};

use kenning_app::ports::{RecommendationEngine, Suggestion, TrainingSet};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_recs::models::{Content, Hybrid};
use kenning_recs::{Interactions, Recommender, top_k};

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
