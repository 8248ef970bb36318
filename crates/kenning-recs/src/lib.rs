//! Recommenders for Kenning and their offline evaluation.
//!
//! Pure computation: interactions in, ranked items out. No database, no I/O; the program
//! reads interactions from wherever it keeps them and hands them over as
//! [`Interactions`]. Models implement [`Recommender`]; [`eval`] measures them with the
//! standard top-k metrics.

pub mod data;
pub mod eval;
pub mod metrics;
pub mod models;
mod rng;

pub use data::{Interactions, ParseError};
pub use models::Recommender;

/// One recommended item with its score.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scored {
    pub item: usize,
    pub score: f64,
}

/// The `k` best-scoring items, best first, skipping those `exclude` marks.
pub fn top_k(scores: &[f64], exclude: &[bool], k: usize) -> Vec<Scored> {
    let mut candidates: Vec<Scored> = scores
        .iter()
        .enumerate()
        .filter(|(i, s)| !exclude.get(*i).copied().unwrap_or(false) && s.is_finite())
        .map(|(item, &score)| Scored { item, score })
        .collect();
    let k = k.min(candidates.len());
    if k == 0 {
        return Vec::new();
    }
    let by_score = |a: &Scored, b: &Scored| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.item.cmp(&b.item))
    };
    candidates.select_nth_unstable_by(k - 1, by_score);
    candidates.truncate(k);
    candidates.sort_by(by_score);
    candidates
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_skips_excluded_items_and_breaks_ties_by_item() {
        let scores = [0.5, 0.9, 0.9, 0.1, f64::NAN];
        let exclude = [false, true, false, false, false];
        let top = top_k(&scores, &exclude, 3);
        let items: Vec<usize> = top.iter().map(|s| s.item).collect();
        assert_eq!(items, vec![2, 0, 3]);
    }
}
