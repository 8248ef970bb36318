//! EASE (Steck, 2019): a closed-form linear item-item model. With G = XᵀX + λI and
//! P = G⁻¹, the weights are B = I − P·diag(1/diag P) with a zero diagonal; a user's scores
//! are x_u·B. The inverse comes from faer's Cholesky factorisation.

use faer::Mat;
use faer::linalg::solvers::DenseSolveCore;

use super::{Recommender, add_row, gram};
use crate::data::Interactions;

#[derive(Clone, Debug)]
pub struct Ease {
    pub lambda: f64,
    /// Dropout-style regularisation (EDLAE, Steck 2020): each item's diagonal also gets
    /// p/(1−p) times its own count, shrinking popular items' weights more. 0 is plain EASE.
    pub dropout: f64,
    /// Each user's contribution to the Gram matrix is scaled by |items of the user|^-γ, so
    /// very active people weigh less. 0 is plain EASE.
    pub user_norm: f64,
    /// Scores are divided by (item count + 1)^β: a small β lifts less-known items.
    pub pop_penalty: f64,
    counts: Vec<f64>,
    n_items: usize,
    /// Row-major B: row j holds what item j contributes to every item.
    weights: Vec<f64>,
}

impl Ease {
    pub fn new(lambda: f64) -> Self {
        Ease {
            lambda,
            dropout: 0.0,
            user_norm: 0.0,
            pop_penalty: 0.0,
            counts: Vec::new(),
            n_items: 0,
            weights: Vec::new(),
        }
    }
}

impl Ease {
    pub fn with_dropout(lambda: f64, dropout: f64) -> Self {
        Ease {
            dropout,
            ..Ease::new(lambda)
        }
    }

    /// The same model with users' rows scaled by |items|^-γ.
    pub fn user_normalised(self, gamma: f64) -> Self {
        Ease {
            user_norm: gamma,
            ..self
        }
    }
}

impl Recommender for Ease {
    fn name(&self) -> String {
        let mut name = if self.dropout > 0.0 {
            format!("edlae (λ={}, p={}", self.lambda, self.dropout)
        } else {
            format!("ease (λ={}", self.lambda)
        };
        if self.user_norm > 0.0 {
            name.push_str(&format!(", γ={}", self.user_norm));
        }
        if self.pop_penalty > 0.0 {
            name.push_str(&format!(", β={}", self.pop_penalty));
        }
        name.push(')');
        name
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(Ease {
            n_items: 0,
            weights: Vec::new(),
            ..self.clone()
        })
    }

    fn fit(&mut self, data: &Interactions) {
        let n = data.n_items();
        let gamma = self.user_norm;
        let g = gram(data, |u, _, _| {
            if gamma == 0.0 {
                1.0
            } else {
                let len = f64::from(u32::try_from(data.row(u).len()).unwrap_or(u32::MAX));
                len.max(1.0).powf(-gamma / 2.0)
            }
        });
        let lambda = self.lambda;
        let emphasis = if self.dropout > 0.0 && self.dropout < 1.0 {
            self.dropout / (1.0 - self.dropout)
        } else {
            0.0
        };
        let gm = Mat::<f64>::from_fn(n, n, |i, j| {
            let v = g.get(i * n + j).copied().unwrap_or(0.0);
            if i == j {
                v * (1.0 + emphasis) + lambda
            } else {
                v
            }
        });
        let Ok(llt) = gm.as_ref().llt(faer::Side::Lower) else {
            // Only possible with λ ≤ 0: leave the model empty (scores all zero).
            self.n_items = n;
            self.weights = vec![0.0; n * n];
            return;
        };
        let p = llt.inverse();
        let mut weights = vec![0.0; n * n];
        for j in 0..n {
            for i in 0..n {
                if i != j {
                    // B[i][j] = -P[i][j] / P[j][j]; stored transposed as row i.
                    if let Some(cell) = weights.get_mut(i * n + j) {
                        *cell = -p[(i, j)] / p[(j, j)];
                    }
                }
            }
        }
        self.n_items = n;
        self.weights = weights;
        self.counts = data.item_counts();
    }

    fn scores(&self, data: &Interactions, user: usize) -> Vec<f64> {
        let n = self.n_items;
        let mut acc = vec![0.0; n];
        for &(j, _) in data.row(user) {
            add_row(&mut acc, &self.weights, n, j, 1.0);
        }
        if self.pop_penalty > 0.0 {
            for (a, c) in acc.iter_mut().zip(&self.counts) {
                *a /= (c + 1.0).powf(self.pop_penalty);
            }
        }
        acc
    }
}
