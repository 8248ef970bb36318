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
pub mod serving;

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

/// Re-ranks `candidates` (best first) into `k` items by maximal marginal relevance
/// (Carbonell & Goldstein 1998): each next pick maximises
/// (1 − λ)·score/best − λ·max similarity to the items already picked, so that a list is
/// not ten near-copies of one thing. λ = 0 keeps the order.
pub fn diversify(
    candidates: &[Scored],
    k: usize,
    lambda: f64,
    similarity: impl Fn(usize, usize) -> f64,
) -> Vec<Scored> {
    let best = candidates
        .iter()
        .map(|s| s.score)
        .fold(f64::MIN_POSITIVE, f64::max);
    let mut left: Vec<(Scored, f64)> = candidates.iter().map(|&s| (s, 0.0)).collect();
    let mut picked: Vec<Scored> = Vec::with_capacity(k.min(left.len()));
    while picked.len() < k && !left.is_empty() {
        let value =
            |(s, redundancy): &(Scored, f64)| (1.0 - lambda) * s.score / best - lambda * redundancy;
        let Some((at, _)) = left
            .iter()
            .enumerate()
            .max_by(|a, b| value(a.1).total_cmp(&value(b.1)).then(b.0.cmp(&a.0)))
        else {
            break;
        };
        let (choice, _) = left.remove(at);
        for (s, redundancy) in &mut left {
            *redundancy = redundancy.max(similarity(choice.item, s.item));
        }
        picked.push(choice);
    }
    picked
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diversifying_spreads_a_list_over_groups() {
        // Items 0..4 are one group, 4..8 another; scores fall with the index.
        let candidates: Vec<Scored> = (0..8)
            .map(|item| Scored {
                item,
                score: 1.0 - f64::from(u8::try_from(item).unwrap_or(0)) * 0.05,
            })
            .collect();
        let same = |a: usize, b: usize| if a / 4 == b / 4 { 1.0 } else { 0.0 };
        let plain: Vec<usize> = diversify(&candidates, 4, 0.0, same)
            .iter()
            .map(|s| s.item)
            .collect();
        assert_eq!(plain, vec![0, 1, 2, 3]);
        let mixed: Vec<usize> = diversify(&candidates, 4, 0.5, same)
            .iter()
            .map(|s| s.item)
            .collect();
        assert_eq!(mixed, vec![0, 4, 1, 2]);
    }

    #[test]
    fn top_k_skips_excluded_items_and_breaks_ties_by_item() {
        let scores = [0.5, 0.9, 0.9, 0.1, f64::NAN];
        let exclude = [false, true, false, false, false];
        let top = top_k(&scores, &exclude, 3);
        let items: Vec<usize> = top.iter().map(|s| s.item).collect();
        assert_eq!(items, vec![2, 0, 3]);
    }
}
