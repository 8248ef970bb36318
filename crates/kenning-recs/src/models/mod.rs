//! The models. Each learns from [`Interactions`] and scores every item for a user.

mod als;
mod blend;
mod content;
mod ease;
mod hybrid;
mod itemknn;
mod popularity;
mod userknn;

pub use als::Als;
pub use blend::Blend;
pub use content::Content;
pub use ease::Ease;
pub use hybrid::Hybrid;
pub use itemknn::ItemKnn;
pub use popularity::Popularity;
pub use userknn::UserKnn;

use crate::data::Interactions;
use crate::{Scored, top_k};

pub trait Recommender: Send + Sync {
    /// The name shown in evaluation tables, with its parameters.
    fn name(&self) -> String;

    /// An untrained model with the same parameters.
    fn fresh(&self) -> Box<dyn Recommender>;

    /// Learns from the interactions (replacing what was learned before).
    fn fit(&mut self, data: &Interactions);

    /// A score for every item (higher is better) for a user of the training data.
    fn scores(&self, data: &Interactions, user: usize) -> Vec<f64>;

    /// The `k` best items the user does not have yet.
    fn recommend(&self, data: &Interactions, user: usize, k: usize) -> Vec<Scored> {
        top_k(&self.scores(data, user), &data.seen(user), k)
    }
}

/// The user's item most similar to `item` (the "because you have …" of a suggestion),
/// if any is similar at all.
fn most_similar_of_user(
    data: &Interactions,
    user: usize,
    similarity: impl Fn(usize) -> f64,
) -> Option<usize> {
    data.row(user)
        .iter()
        .map(|&(j, _)| (j, similarity(j)))
        .filter(|(_, s)| *s > 0.0)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(j, _)| j)
}

/// Adds `weight × row` of a dense row-major matrix to `acc`.
fn add_row(acc: &mut [f64], matrix: &[f64], n: usize, row: usize, weight: f64) {
    let start = row * n;
    if let Some(r) = matrix.get(start..start + n) {
        for (a, v) in acc.iter_mut().zip(r) {
            *a += weight * v;
        }
    }
}

/// The dense item × item Gram matrix Σ_u w_ui w_uj (row-major).
fn gram(data: &Interactions, weight: impl Fn(usize, usize, f64) -> f64) -> Vec<f64> {
    let n = data.n_items();
    let mut g = vec![0.0; n * n];
    for u in 0..data.n_users() {
        let row: Vec<(usize, f64)> = data
            .row(u)
            .iter()
            .map(|&(i, w)| (i, weight(u, i, w)))
            .collect();
        for &(i, wi) in &row {
            let base = i * n;
            for &(j, wj) in &row {
                if let Some(cell) = g.get_mut(base + j) {
                    *cell += wi * wj;
                }
            }
        }
    }
    g
}
