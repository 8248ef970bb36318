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

/// The share of its validation nDCG@10 the hybrid may give up for a more varied list.
pub const DIVERSITY_BUDGET: f64 = 0.005;

/// Weights for a blend of `parts` (the first fixed at 1, each other chosen from
/// `grid` in turn, coordinate-wise, twice over), by validation nDCG@10. Every part is
/// trained once and its per-user scores scaled as [`crate::models::Blend`] scales them.
pub fn tune_blend_weights(
    parts: &[Box<dyn Recommender>],
    fit: &Interactions,
    held: &Interactions,
    grid: &[f64],
) -> Vec<f64> {
    let users: Vec<usize> = (0..fit.n_users())
        .filter(|&u| !held.row(u).is_empty())
        .collect();
    let n = fit.n_items();
    // scaled[p][k] = part p's scores for users[k], divided by their maximum.
    let scaled: Vec<Vec<Vec<f64>>> = parts
        .iter()
        .map(|part| {
            let mut model = part.fresh();
            model.fit(fit);
            users
                .iter()
                .map(|&u| {
                    let s = model.scores(fit, u);
                    let max = s.iter().copied().fold(0.0f64, f64::max);
                    if max <= 0.0 {
                        return vec![0.0; n];
                    }
                    s.iter().map(|v| v.max(0.0) / max).collect()
                })
                .collect()
        })
        .collect();
    let ndcg_of = |weights: &[f64]| {
        let mut total = 0.0;
        let mut mask = vec![false; n];
        for (k, &u) in users.iter().enumerate() {
            let mut acc = vec![0.0; n];
            for (part, &w) in scaled.iter().zip(weights) {
                if w == 0.0 {
                    continue;
                }
                if let Some(s) = part.get(k) {
                    for (a, v) in acc.iter_mut().zip(s) {
                        *a += w * v;
                    }
                }
            }
            let list: Vec<usize> = crate::top_k(&acc, &fit.seen(u), 10)
                .iter()
                .map(|s| s.item)
                .collect();
            let items = held.row(u);
            for &(i, _) in items {
                if let Some(m) = mask.get_mut(i) {
                    *m = true;
                }
            }
            total += crate::metrics::user_metrics(&list, &mask, items.len(), 10).ndcg;
            for &(i, _) in items {
                if let Some(m) = mask.get_mut(i) {
                    *m = false;
                }
            }
        }
        total
    };
    let mut weights = vec![0.0; parts.len()];
    if let Some(first) = weights.first_mut() {
        *first = 1.0;
    }
    let mut best = ndcg_of(&weights);
    for _ in 0..2 {
        for p in 1..parts.len() {
            for &w in grid {
                let mut trial = weights.clone();
                if let Some(x) = trial.get_mut(p) {
                    *x = w;
                }
                let v = ndcg_of(&trial);
                if v > best {
                    best = v;
                    weights = trial;
                }
            }
        }
    }
    weights
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
    let mut als: Candidates = Vec::new();
    // λ and α move together: the confidence α·w of a "yes" against the weight λ of the
    // prior; ratios near 10 did best on validation.
    for factors in [32, 64] {
        for (lambda, alpha) in [(20.0, 2.0), (30.0, 3.0), (50.0, 5.0), (80.0, 8.0)] {
            als.push(Box::new(crate::models::Als::new(
                factors, lambda, alpha, 12,
            )));
        }
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
        als,
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
    // The hybrid: the strongest model blended with the others, weights tuned, then
    // diversified as far as it costs at most `DIVERSITY_BUDGET` of validation nDCG@10.
    // Families: 0 popularity, 1 user-kNN, 2 item-kNN cosine, 3 item-kNN BM25, 4 ALS,
    // then the EASE variants.
    // The anchor is the best linear (EASE-family) model; ALS and the neighbourhoods join it.
    let strongest = chosen
        .iter()
        .enumerate()
        .skip(5)
        .max_by(|a, b| a.1.1.total_cmp(&b.1.1))
        .map(|(i, _)| i);
    let better_knn = if chosen.get(2).map(|c| c.1) > chosen.get(3).map(|c| c.1) {
        2
    } else {
        3
    };
    if let Some(strongest) = strongest {
        let parts: Vec<Box<dyn Recommender>> = [strongest, 4, 1, better_knn]
            .iter()
            .filter_map(|&i| chosen.get(i).map(|(m, _)| m.fresh()))
            .collect();
        let weights = tune_blend_weights(&parts, &fit, &held, &[0.0, 0.1, 0.2, 0.35, 0.5, 1.0]);
        let blend = crate::models::Blend {
            parts: parts.into_iter().zip(weights).collect(),
        };
        let mut hybrid = crate::models::Hybrid::new(blend, 0.0);
        hybrid.fit(&fit);
        let relevant: Vec<Vec<usize>> = (0..fit.n_users())
            .map(|u| held.row(u).iter().map(|&(i, _)| i).collect())
            .collect();
        let plain = score(&hybrid, &fit, &relevant, 10).2;
        let mut chosen_diversity = (0.0, plain);
        for diversity in [0.02, 0.05, 0.1, 0.15, 0.2, 0.3] {
            hybrid.diversity = diversity;
            let ndcg = score(&hybrid, &fit, &relevant, 10).2;
            if ndcg >= plain * (1.0 - DIVERSITY_BUDGET) {
                chosen_diversity = (diversity, ndcg);
            }
        }
        hybrid.diversity = chosen_diversity.0;
        chosen.push((Box::new(hybrid), chosen_diversity.1));
    }
    // The recipe the platform serves, measured as it is.
    let mut served = crate::serving::hybrid(train.n_items(), None);
    let ndcg = validation_ndcg(&mut served, &fit, &held);
    chosen.push((Box::new(served), ndcg));
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
