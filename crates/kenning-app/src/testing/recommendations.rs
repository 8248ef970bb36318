//! A recommender that counts.

use std::collections::HashMap;
use std::sync::Mutex;

use kenning_domain::ids::{AccountId, ProductId};

use super::lock;
use crate::ports::{RecommendationEngine, Suggestion, TrainingSet};

#[derive(Debug, Default)]
struct Model {
    /// Interest per person and product.
    interest: HashMap<AccountId, HashMap<ProductId, f64>>,
    /// Total interest per product.
    popularity: Vec<(ProductId, f64)>,
    products: Vec<ProductId>,
}

/// A recommender that counts: popular means most total interest, "similar" means
/// chosen by the same people, and a person is offered what the people who share their
/// interests chose, because of the product they share most.
#[derive(Debug, Default)]
pub struct CountingRecommender {
    model: Mutex<Model>,
    trainings: Mutex<Vec<TrainingSet>>,
}

impl CountingRecommender {
    /// Every training set it was given, oldest first.
    pub fn trainings(&self) -> Vec<TrainingSet> {
        lock(&self.trainings).clone()
    }

    fn weight(model: &Model, product: ProductId) -> f64 {
        model
            .popularity
            .iter()
            .find(|(p, _)| *p == product)
            .map_or(0.0, |(_, w)| *w)
    }

    fn ranked(model: &Model, scores: HashMap<ProductId, f64>) -> Vec<ProductId> {
        let mut scored: Vec<(ProductId, f64)> = scores.into_iter().collect();
        scored.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(
                    CountingRecommender::weight(model, b.0)
                        .total_cmp(&CountingRecommender::weight(model, a.0)),
                )
                .then(a.0.cmp(&b.0))
        });
        scored.into_iter().map(|(p, _)| p).collect()
    }
}

impl RecommendationEngine for CountingRecommender {
    fn train(&self, data: &TrainingSet) {
        lock(&self.trainings).push(data.clone());
        let mut model = Model::default();
        let mut popularity: HashMap<ProductId, f64> = HashMap::new();
        for &(account, product, weight) in &data.interest {
            *model
                .interest
                .entry(account)
                .or_default()
                .entry(product)
                .or_default() += weight;
            *popularity.entry(product).or_default() += weight;
        }
        model.popularity = popularity.into_iter().collect();
        model
            .popularity
            .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        model.products = data.products.iter().map(|(p, _)| *p).collect();
        *lock(&self.model) = model;
    }

    fn for_user(&self, user: AccountId, k: usize) -> Vec<Suggestion> {
        let model = lock(&self.model);
        let Some(mine) = model.interest.get(&user) else {
            return Vec::new();
        };
        let mut scores: HashMap<ProductId, f64> = HashMap::new();
        let mut because: HashMap<ProductId, (ProductId, f64)> = HashMap::new();
        for (other, theirs) in &model.interest {
            if *other == user {
                continue;
            }
            for (shared, mine_w) in mine.iter().filter(|(p, _)| theirs.contains_key(*p)) {
                for (candidate, w) in theirs.iter().filter(|(p, _)| !mine.contains_key(*p)) {
                    let score = mine_w * w;
                    *scores.entry(*candidate).or_default() += score;
                    let best = because.entry(*candidate).or_insert((*shared, 0.0));
                    if score > best.1 {
                        *best = (*shared, score);
                    }
                }
            }
        }
        CountingRecommender::ranked(&model, scores)
            .into_iter()
            .take(k)
            .map(|product| Suggestion {
                product,
                because: because.get(&product).map(|(b, _)| *b),
            })
            .collect()
    }

    fn similar(&self, product: ProductId, k: usize) -> Vec<ProductId> {
        let model = lock(&self.model);
        let mut scores: HashMap<ProductId, f64> = HashMap::new();
        for theirs in model.interest.values() {
            let Some(w) = theirs.get(&product) else {
                continue;
            };
            for (other, v) in theirs.iter().filter(|(p, _)| **p != product) {
                *scores.entry(*other).or_default() += w * v;
            }
        }
        CountingRecommender::ranked(&model, scores)
            .into_iter()
            .take(k)
            .collect()
    }

    fn popular(&self, k: usize) -> Vec<ProductId> {
        lock(&self.model)
            .popularity
            .iter()
            .take(k)
            .map(|(p, _)| *p)
            .collect()
    }
}
