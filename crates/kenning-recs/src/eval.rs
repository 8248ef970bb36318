//! Offline evaluation: train on one set, recommend k unseen items to every test user,
//! score the lists against the test set.

use std::time::Instant;

use serde::Serialize;

use crate::data::Interactions;
use crate::metrics::user_metrics;
use crate::models::Recommender;

/// One row of `kenning recs eval`.
#[derive(Clone, Debug, Serialize)]
pub struct EvalRow {
    pub model: String,
    pub precision_at_10: f64,
    pub recall_at_10: f64,
    pub ndcg_at_10: f64,
    pub map_at_10: f64,
    /// Share of the catalog recommended to at least one user.
    pub coverage: f64,
    pub train_seconds: f64,
    pub recommend_seconds: f64,
}

/// Relevant items per user index of `train` (test items unknown to train are dropped:
/// no model could recommend them).
pub fn relevant_sets(train: &Interactions, test: &Interactions) -> Vec<Vec<usize>> {
    let mut sets = vec![Vec::new(); train.n_users()];
    for tu in 0..test.n_users() {
        let Some(user) = test.user_id(tu).and_then(|id| train.user_index(id)) else {
            continue;
        };
        for &(ti, _) in test.row(tu) {
            if let Some(item) = test.item_id(ti).and_then(|id| train.item_index(id))
                && let Some(set) = sets.get_mut(user)
            {
                set.push(item);
            }
        }
    }
    sets
}

/// Mean metrics of an already trained model.
pub fn score(
    model: &dyn Recommender,
    train: &Interactions,
    relevant: &[Vec<usize>],
    k: usize,
) -> (f64, f64, f64, f64, f64) {
    let n_items = train.n_items();
    let mut recommended = vec![false; n_items];
    let mut mask = vec![false; n_items];
    let (mut p, mut r, mut n, mut m, mut users) = (0.0, 0.0, 0.0, 0.0, 0usize);
    for (user, items) in relevant.iter().enumerate() {
        if items.is_empty() {
            continue;
        }
        let list: Vec<usize> = model
            .recommend(train, user, k)
            .iter()
            .map(|s| s.item)
            .collect();
        for &i in &list {
            if let Some(x) = recommended.get_mut(i) {
                *x = true;
            }
        }
        for &i in items {
            if let Some(x) = mask.get_mut(i) {
                *x = true;
            }
        }
        let um = user_metrics(&list, &mask, items.len(), k);
        for &i in items {
            if let Some(x) = mask.get_mut(i) {
                *x = false;
            }
        }
        p += um.precision;
        r += um.recall;
        n += um.ndcg;
        m += um.ap;
        users += 1;
    }
    let users = f64::from(u32::try_from(users.max(1)).unwrap_or(u32::MAX));
    let covered = recommended.iter().filter(|x| **x).count();
    let coverage = f64::from(u32::try_from(covered).unwrap_or(0))
        / f64::from(u32::try_from(n_items.max(1)).unwrap_or(1));
    (p / users, r / users, n / users, m / users, coverage)
}

/// Trains a model on `train` and evaluates it on `test` at k = 10.
pub fn evaluate(model: &mut dyn Recommender, train: &Interactions, test: &Interactions) -> EvalRow {
    let started = Instant::now();
    model.fit(train);
    let train_seconds = started.elapsed().as_secs_f64();
    let relevant = relevant_sets(train, test);
    let started = Instant::now();
    let (p, r, n, m, coverage) = score(model, train, &relevant, 10);
    EvalRow {
        model: model.name(),
        precision_at_10: p,
        recall_at_10: r,
        ndcg_at_10: n,
        map_at_10: m,
        coverage,
        train_seconds,
        recommend_seconds: started.elapsed().as_secs_f64(),
    }
}

/// nDCG@10 of a model trained on `train` and scored on `held` (for tuning).
pub fn validation_ndcg(
    model: &mut dyn Recommender,
    train: &Interactions,
    held: &Interactions,
) -> f64 {
    model.fit(train);
    // `held` shares train's ids (made by `Interactions::holdout`).
    let relevant: Vec<Vec<usize>> = (0..train.n_users())
        .map(|u| held.row(u).iter().map(|&(i, _)| i).collect())
        .collect();
    score(model, train, &relevant, 10).2
}

/// A model family and the parameter values to try for it.
type Candidates = Vec<Box<dyn Recommender>>;

fn families() -> Vec<Candidates> {
    let mut ease: Candidates = Vec::new();
    for lambda in [50.0, 100.0, 200.0, 300.0, 500.0, 800.0, 1200.0] {
        ease.push(Box::new(crate::models::Ease::new(lambda)));
    }
    let mut edlae: Candidates = Vec::new();
    for lambda in [10.0, 50.0, 100.0, 200.0, 400.0] {
        for p in [0.2, 0.33, 0.5, 0.67, 0.8] {
            edlae.push(Box::new(crate::models::Ease::with_dropout(lambda, p)));
        }
    }
    let mut normed: Candidates = Vec::new();
    for lambda in [2.0, 5.0, 10.0, 20.0, 40.0, 80.0] {
        for gamma in [0.25, 0.5, 1.0] {
            for p in [0.0, 0.33, 0.67] {
                normed.push(Box::new(
                    crate::models::Ease::with_dropout(lambda, p).user_normalised(gamma),
                ));
            }
        }
    }
    let mut penalised: Candidates = Vec::new();
    for lambda in [200.0, 400.0, 600.0] {
        for beta in [0.05, 0.1, 0.2, 0.3] {
            let mut m = crate::models::Ease::with_dropout(lambda, 0.67);
            m.pop_penalty = beta;
            penalised.push(Box::new(m));
        }
    }
    let mut cosine: Candidates = Vec::new();
    let mut bm25: Candidates = Vec::new();
    for k in [20, 50, 100, 200] {
        cosine.push(Box::new(crate::models::ItemKnn::cosine(k)));
        bm25.push(Box::new(crate::models::ItemKnn::bm25(k, 100.0, 0.8)));
        bm25.push(Box::new(crate::models::ItemKnn::bm25(k, 1.2, 0.75)));
    }
    let mut user: Candidates = Vec::new();
    for k in [20, 50, 100, 200] {
        for alpha in [1.0, 2.0] {
            user.push(Box::new(crate::models::UserKnn::new(k, alpha)));
        }
    }
    vec![
        vec![Box::new(crate::models::Popularity::default())],
        user,
        cosine,
        bm25,
        ease,
        edlae,
        normed,
        penalised,
    ]
}

/// Chooses each family's parameters on a validation split carved from `train` alone
/// (20% of every user's interactions, seed 42), then the weights of a hybrid of the best
/// personal models, and returns the chosen models untrained with their validation nDCG@10.
pub fn tuned_models(train: &Interactions) -> Vec<(Box<dyn Recommender>, f64)> {
    let (fit, held) = train.holdout(0.2, 2, 42);
    let mut chosen: Vec<(Box<dyn Recommender>, f64)> = Vec::new();
    for family in families() {
        let mut best: Option<(Box<dyn Recommender>, f64)> = None;
        for mut model in family {
            let ndcg = validation_ndcg(model.as_mut(), &fit, &held);
            if best.as_ref().is_none_or(|(_, b)| ndcg > *b) {
                best = Some((model, ndcg));
            }
        }
        if let Some(b) = best {
            chosen.push(b);
        }
    }
    // The hybrid: the strongest linear model plus the neighbourhood models, weights tuned.
    let strongest = chosen
        .iter()
        .skip(1)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(m, _)| m.fresh());
    let user = chosen.get(1).map(|(m, _)| m.fresh());
    let item = chosen.get(3).map(|(m, _)| m.fresh());
    if let (Some(strongest), Some(user), Some(item)) = (strongest, user, item) {
        let mut best: Option<(Box<dyn Recommender>, f64)> = None;
        for wu in [0.0, 0.1, 0.2, 0.3, 0.5] {
            for wi in [0.0, 0.1, 0.2, 0.3] {
                let mut blend: Box<dyn Recommender> = Box::new(crate::models::Blend {
                    parts: vec![
                        (strongest.fresh(), 1.0),
                        (user.fresh(), wu),
                        (item.fresh(), wi),
                    ],
                });
                let ndcg = validation_ndcg(blend.as_mut(), &fit, &held);
                if best.as_ref().is_none_or(|(_, b)| ndcg > *b) {
                    best = Some((blend, ndcg));
                }
            }
        }
        if let Some(b) = best {
            chosen.push(b);
        }
    }
    chosen
        .into_iter()
        .map(|(model, ndcg)| (model.fresh(), ndcg))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{Ease, ItemKnn, Popularity};

    /// Two taste groups: users of group g interact with items of group g only, the
    /// popular group having more users. Personal models must beat popularity.
    fn planted() -> (Interactions, Interactions) {
        let mut train = Interactions::new();
        let mut test = Interactions::new();
        for u in 0..60 {
            let group = if u < 40 { 0 } else { 1 };
            for i in 0..10 {
                let item = format!("{group}-{i}");
                // Hold out one item per user, rotating.
                if i == u % 10 {
                    test.add(&u.to_string(), &item, 1.0);
                } else {
                    train.add(&u.to_string(), &item, 1.0);
                }
            }
        }
        (train, test)
    }

    #[test]
    fn personal_models_beat_popularity_on_planted_tastes() {
        let (train, test) = planted();
        let pop = evaluate(&mut Popularity::default(), &train, &test);
        let ease = evaluate(&mut Ease::new(10.0), &train, &test);
        let knn = evaluate(&mut ItemKnn::cosine(20), &train, &test);
        let bm25 = evaluate(&mut ItemKnn::bm25(20, 1.2, 0.75), &train, &test);
        assert!(
            ease.ndcg_at_10 > pop.ndcg_at_10 + 0.1,
            "{ease:?} vs {pop:?}"
        );
        assert!(knn.ndcg_at_10 > pop.ndcg_at_10 + 0.1, "{knn:?} vs {pop:?}");
        assert!(
            bm25.ndcg_at_10 > pop.ndcg_at_10 + 0.1,
            "{bm25:?} vs {pop:?}"
        );
        // Every test user has exactly one relevant item, found in the top 10 by EASE.
        assert!((ease.recall_at_10 - 1.0).abs() < 1e-9, "{ease:?}");
        assert!(ease.coverage > 0.5);
    }

    #[test]
    fn validation_tuning_sees_only_the_training_data() {
        let (train, _) = planted();
        let (fit, held) = train.holdout(0.2, 3, 1);
        let score = validation_ndcg(&mut Ease::new(10.0), &fit, &held);
        assert!(score > 0.3, "{score}");
    }
}
