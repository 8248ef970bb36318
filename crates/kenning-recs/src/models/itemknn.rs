//! Item-based nearest neighbours: items are similar when the same people have them
//! (cosine over user vectors, optionally BM25-weighted); a user's score for an item sums
//! its similarity to what the user has.

use super::{Recommender, add_row, gram};
use crate::data::Interactions;

#[derive(Clone, Debug)]
pub struct ItemKnn {
    /// Neighbours kept per item.
    pub neighbours: usize,
    /// BM25 weighting (k1, b) of the interactions before the cosine; None is plain cosine.
    pub bm25: Option<(f64, f64)>,
    n_items: usize,
    /// Dense similarities with all but each item's top neighbours zeroed (row-major).
    sim: Vec<f64>,
}

impl ItemKnn {
    pub fn cosine(neighbours: usize) -> Self {
        ItemKnn {
            neighbours,
            bm25: None,
            n_items: 0,
            sim: Vec::new(),
        }
    }

    pub fn bm25(neighbours: usize, k1: f64, b: f64) -> Self {
        ItemKnn {
            bm25: Some((k1, b)),
            ..ItemKnn::cosine(neighbours)
        }
    }
}

impl ItemKnn {
    /// How many items the model was trained on.
    pub fn n_items(&self) -> usize {
        self.n_items
    }

    /// The kept similarity of two items (0 when `b` is not among `a`'s neighbours).
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        if a >= self.n_items || b >= self.n_items {
            return 0.0;
        }
        self.sim.get(a * self.n_items + b).copied().unwrap_or(0.0)
    }

    /// The items most similar to `item`, best first.
    pub fn similar(&self, item: usize, k: usize) -> Vec<crate::Scored> {
        let n = self.n_items;
        let Some(row) = self.sim.get(item * n..item * n + n) else {
            return Vec::new();
        };
        let mut exclude = vec![false; n];
        if let Some(x) = exclude.get_mut(item) {
            *x = true;
        }
        let positive: Vec<f64> = row
            .iter()
            .map(|&s| if s > 0.0 { s } else { f64::NAN })
            .collect();
        crate::top_k(&positive, &exclude, k)
    }

    /// Which of the user's items contributes most to `item`'s score: the "because you
    /// have …" of a recommendation.
    pub fn because(&self, data: &Interactions, user: usize, item: usize) -> Option<usize> {
        super::most_similar_of_user(data, user, |j| self.similarity(j, item))
    }
}

fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

impl Recommender for ItemKnn {
    fn name(&self) -> String {
        match self.bm25 {
            None => format!("item-knn cosine (k={})", self.neighbours),
            Some((k1, b)) => format!("item-knn bm25 (k={}, k1={k1}, b={b})", self.neighbours),
        }
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(ItemKnn {
            sim: Vec::new(),
            n_items: 0,
            ..self.clone()
        })
    }

    fn fit(&mut self, data: &Interactions) {
        let n = data.n_items();
        let item_len = data.item_counts();
        let avg_len = item_len.iter().sum::<f64>() / count(n.max(1));
        let n_items = count(n.max(1));
        let bm25 = self.bm25;
        let g = gram(data, |u, i, w| match bm25 {
            None => w,
            Some((k1, b)) => {
                // As in BM25 over items as documents and users as terms.
                let idf = (n_items.ln() - (1.0 + count(data.row(u).len())).ln()).max(0.0);
                let norm = (1.0 - b) + b * item_len.get(i).copied().unwrap_or(0.0) / avg_len;
                w * (k1 + 1.0) / (k1 * norm + w) * idf
            }
        });
        let norms: Vec<f64> = (0..n)
            .map(|i| g.get(i * n + i).copied().unwrap_or(0.0).sqrt())
            .collect();
        let mut sim = vec![0.0; n * n];
        let mut row: Vec<(usize, f64)> = Vec::with_capacity(n);
        for i in 0..n {
            row.clear();
            let ni = norms.get(i).copied().unwrap_or(0.0);
            for j in 0..n {
                let nj = norms.get(j).copied().unwrap_or(0.0);
                let v = g.get(i * n + j).copied().unwrap_or(0.0);
                if i != j && v > 0.0 && ni > 0.0 && nj > 0.0 {
                    row.push((j, v / (ni * nj)));
                }
            }
            let keep = self.neighbours.min(row.len());
            if keep > 0 && keep < row.len() {
                row.select_nth_unstable_by(keep - 1, |a, b| b.1.total_cmp(&a.1));
                row.truncate(keep);
            }
            for &(j, s) in &row {
                if let Some(cell) = sim.get_mut(i * n + j) {
                    *cell = s;
                }
            }
        }
        self.n_items = n;
        self.sim = sim;
    }

    fn scores(&self, data: &Interactions, user: usize) -> Vec<f64> {
        let n = self.n_items;
        let mut acc = vec![0.0; n];
        for &(j, w) in data.row(user) {
            add_row(&mut acc, &self.sim, n, j, w.min(1.0));
        }
        acc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn similar_items_and_reasons_follow_co_occurrence() {
        let mut data = Interactions::new();
        for u in 0..5 {
            data.add(&format!("a{u}"), "rust", 1.0);
            data.add(&format!("a{u}"), "async", 1.0);
        }
        data.add("b", "tea", 1.0);
        data.add("b", "rust", 1.0);
        data.add("me", "rust", 1.0);
        let mut knn = ItemKnn::cosine(10);
        knn.fit(&data);
        let rust = data.item_index("rust").unwrap_or(0);
        let async_ = data.item_index("async").unwrap_or(0);
        let me = data.user_index("me").unwrap_or(0);
        let similar = knn.similar(rust, 2);
        assert_eq!(similar.first().map(|s| s.item), Some(async_));
        let top = knn.recommend(&data, me, 1);
        assert_eq!(top.first().map(|s| s.item), Some(async_));
        assert_eq!(knn.because(&data, me, async_), Some(rust));
    }
}
