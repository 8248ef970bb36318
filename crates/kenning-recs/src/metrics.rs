//! Top-k ranking metrics with binary relevance.

/// Hits of a ranked list against the relevant set, per position.
fn hits(ranked: &[usize], relevant: &[bool]) -> Vec<bool> {
    ranked
        .iter()
        .map(|&i| relevant.get(i).copied().unwrap_or(false))
        .collect()
}

fn as_f64(n: usize) -> f64 {
    // Counts here are far below 2^52, so the conversion is exact.
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

/// The metrics of one user's list.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct UserMetrics {
    pub precision: f64,
    pub recall: f64,
    pub ndcg: f64,
    pub ap: f64,
}

/// Precision@k (hits / k), recall@k (hits / |relevant|), nDCG@k (binary gains,
/// log2 discounts, ideal = all relevant first) and AP@k (divided by min(k, |relevant|)).
pub fn user_metrics(
    ranked: &[usize],
    relevant: &[bool],
    n_relevant: usize,
    k: usize,
) -> UserMetrics {
    if n_relevant == 0 || k == 0 {
        return UserMetrics::default();
    }
    let ranked = ranked.get(..k.min(ranked.len())).unwrap_or_default();
    let h = hits(ranked, relevant);
    let n_hits = h.iter().filter(|x| **x).count();
    let discount = |pos: usize| 1.0 / (as_f64(pos) + 2.0).log2();
    let dcg: f64 = h
        .iter()
        .enumerate()
        .filter(|(_, hit)| **hit)
        .map(|(pos, _)| discount(pos))
        .sum();
    let idcg: f64 = (0..n_relevant.min(k)).map(discount).sum();
    let mut seen_hits = 0usize;
    let mut ap = 0.0;
    for (pos, hit) in h.iter().enumerate() {
        if *hit {
            seen_hits += 1;
            ap += as_f64(seen_hits) / as_f64(pos + 1);
        }
    }
    UserMetrics {
        precision: as_f64(n_hits) / as_f64(k),
        recall: as_f64(n_hits) / as_f64(n_relevant),
        ndcg: if idcg > 0.0 { dcg / idcg } else { 0.0 },
        ap: ap / as_f64(n_relevant.min(k)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn relevant(items: &[usize], n: usize) -> Vec<bool> {
        let mut r = vec![false; n];
        for &i in items {
            r[i] = true;
        }
        r
    }

    #[test]
    fn a_perfect_list_scores_one() {
        let m = user_metrics(&[1, 2], &relevant(&[1, 2], 5), 2, 2);
        assert_eq!(
            m,
            UserMetrics {
                precision: 1.0,
                recall: 1.0,
                ndcg: 1.0,
                ap: 1.0
            }
        );
    }

    #[test]
    fn metrics_match_a_hand_computed_example() {
        // Relevant: {0, 3, 4}; ranked: 0 (hit), 1, 3 (hit), 2 at k = 4.
        let m = user_metrics(&[0, 1, 3, 2], &relevant(&[0, 3, 4], 5), 3, 4);
        assert!((m.precision - 0.5).abs() < 1e-12);
        assert!((m.recall - 2.0 / 3.0).abs() < 1e-12);
        let dcg = 1.0 + 1.0 / 4f64.log2();
        let idcg = 1.0 + 1.0 / 3f64.log2() + 1.0 / 4f64.log2();
        assert!((m.ndcg - dcg / idcg).abs() < 1e-12);
        assert!((m.ap - (1.0 + 2.0 / 3.0) / 3.0).abs() < 1e-12);
    }

    #[test]
    fn no_hits_score_zero() {
        let m = user_metrics(&[1, 2], &relevant(&[0], 3), 1, 2);
        assert_eq!(m, UserMetrics::default());
    }
}
