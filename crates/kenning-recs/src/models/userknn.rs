//! User-based nearest neighbours: people with overlapping histories vote for what they
//! have (cosine similarity, top neighbours, similarity raised to a power to sharpen).

use super::Recommender;
use crate::data::Interactions;

#[derive(Clone, Debug)]
pub struct UserKnn {
    pub neighbours: usize,
    /// Similarities are raised to this power (1 = plain cosine).
    pub alpha: f64,
    /// Per user: (neighbour, weight).
    near: Vec<Vec<(usize, f64)>>,
    n_items: usize,
}

impl UserKnn {
    pub fn new(neighbours: usize, alpha: f64) -> Self {
        UserKnn {
            neighbours,
            alpha,
            near: Vec::new(),
            n_items: 0,
        }
    }
}

impl Recommender for UserKnn {
    fn name(&self) -> String {
        format!("user-knn cosine (k={}, α={})", self.neighbours, self.alpha)
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(UserKnn::new(self.neighbours, self.alpha))
    }

    fn fit(&mut self, data: &Interactions) {
        let n_users = data.n_users();
        let n_items = data.n_items();
        // Item → users index for the overlaps.
        let mut by_item: Vec<Vec<usize>> = vec![Vec::new(); n_items];
        for u in 0..n_users {
            for &(i, _) in data.row(u) {
                if let Some(list) = by_item.get_mut(i) {
                    list.push(u);
                }
            }
        }
        let len: Vec<f64> = (0..n_users)
            .map(|u| f64::from(u32::try_from(data.row(u).len()).unwrap_or(u32::MAX)))
            .collect();
        let mut near = Vec::with_capacity(n_users);
        let mut overlap = vec![0.0f64; n_users];
        for u in 0..n_users {
            overlap.iter_mut().for_each(|x| *x = 0.0);
            for &(i, _) in data.row(u) {
                for &v in by_item.get(i).map(Vec::as_slice).unwrap_or_default() {
                    if let Some(o) = overlap.get_mut(v) {
                        *o += 1.0;
                    }
                }
            }
            let lu = len.get(u).copied().unwrap_or(0.0);
            let mut sims: Vec<(usize, f64)> = overlap
                .iter()
                .enumerate()
                .filter(|&(v, &o)| v != u && o > 0.0)
                .map(|(v, &o)| {
                    let lv = len.get(v).copied().unwrap_or(1.0);
                    (v, (o / (lu * lv).sqrt()).powf(self.alpha))
                })
                .collect();
            let keep = self.neighbours.min(sims.len());
            if keep > 0 && keep < sims.len() {
                sims.select_nth_unstable_by(keep - 1, |a, b| b.1.total_cmp(&a.1));
                sims.truncate(keep);
            }
            near.push(sims);
        }
        self.near = near;
        self.n_items = n_items;
    }

    fn scores(&self, data: &Interactions, user: usize) -> Vec<f64> {
        let mut acc = vec![0.0; self.n_items];
        for &(v, s) in self.near.get(user).map(Vec::as_slice).unwrap_or_default() {
            for &(i, _) in data.row(v) {
                if let Some(a) = acc.get_mut(i) {
                    *a += s;
                }
            }
        }
        acc
    }
}
