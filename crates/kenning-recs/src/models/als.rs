//! Implicit matrix factorisation by alternating least squares (Hu, Koren & Volinsky 2008),
//! each least-squares step solved approximately by a few conjugate-gradient iterations
//! warm-started from the previous factors (Takács, Pilászy & Tikk 2011).
//!
//! An interaction of weight w gives confidence c = 1 + α·w that the user likes the item;
//! everything else is a weak "no" with confidence 1. Each half-step minimises
//! Σ c_ui (1 − x_u·y_i)² over observed pairs + Σ (x_u·y_i)² over the rest + λ‖x_u‖², whose
//! normal equations are (YᵀY + Yᵀ(C_u − I)Y + λI) x_u = Yᵀ C_u 1. YᵀY is shared by every
//! user, so one CG step costs O(|items of u|·f + f²).
//!
//! Written here rather than taken from a crate: no maintained Rust crate implements the
//! implicit-feedback CG solver, and it is fifty lines over plain slices.

use super::Recommender;
use crate::data::Interactions;
use crate::rng::SplitMix64;

#[derive(Clone, Debug)]
pub struct Als {
    pub factors: usize,
    /// L2 regularisation λ.
    pub lambda: f64,
    /// Confidence scale α.
    pub alpha: f64,
    pub iterations: usize,
    /// Conjugate-gradient steps per least-squares solve.
    pub cg_steps: usize,
    pub seed: u64,
    n_items: usize,
    /// Row-major n_users × factors.
    users: Vec<f64>,
    /// Row-major n_items × factors.
    items: Vec<f64>,
}

impl Als {
    pub fn new(factors: usize, lambda: f64, alpha: f64, iterations: usize) -> Self {
        Als {
            factors,
            lambda,
            alpha,
            iterations,
            cg_steps: 3,
            seed: 42,
            n_items: 0,
            users: Vec::new(),
            items: Vec::new(),
        }
    }
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// y += a·x
fn axpy(y: &mut [f64], a: f64, x: &[f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

/// The f × f Gram matrix YᵀY of row-major factors, with λ added to the diagonal.
fn gram_plus(y: &[f64], f: usize, lambda: f64) -> Vec<f64> {
    let mut g = vec![0.0; f * f];
    for row in y.chunks_exact(f) {
        for (a, &ra) in row.iter().enumerate() {
            if let Some(g_row) = g.get_mut(a * f..(a + 1) * f) {
                axpy(g_row, ra, row);
            }
        }
    }
    for d in 0..f {
        if let Some(cell) = g.get_mut(d * f + d) {
            *cell += lambda;
        }
    }
    g
}

/// The factor row `i` of a row-major matrix.
fn row(m: &[f64], f: usize, i: usize) -> &[f64] {
    m.get(i * f..(i + 1) * f).unwrap_or_default()
}

struct HalfStep<'a> {
    /// The fixed side's factors.
    fixed: &'a [f64],
    /// YᵀY + λI of the fixed side.
    gram: &'a [f64],
    f: usize,
    alpha: f64,
    cg_steps: usize,
}

impl HalfStep<'_> {
    /// A·v for one row's normal equations.
    fn apply(&self, observed: &[(usize, f64)], v: &[f64], out: &mut [f64]) {
        let f = self.f;
        for (a, o) in out.iter_mut().enumerate() {
            *o = dot(self.gram.get(a * f..(a + 1) * f).unwrap_or_default(), v);
        }
        for &(i, w) in observed {
            let y = row(self.fixed, f, i);
            axpy(out, self.alpha * w * dot(y, v), y);
        }
    }

    /// Improves one row of factors `x` by a few CG steps.
    fn solve(&self, observed: &[(usize, f64)], x: &mut [f64]) {
        let f = self.f;
        // r = b − A·x with b = Σ c_i y_i.
        let mut r = vec![0.0; f];
        for &(i, w) in observed {
            axpy(&mut r, 1.0 + self.alpha * w, row(self.fixed, f, i));
        }
        let mut ax = vec![0.0; f];
        self.apply(observed, x, &mut ax);
        axpy(&mut r, -1.0, &ax);
        let mut p = r.clone();
        let mut rs_old = dot(&r, &r);
        let mut ap = vec![0.0; f];
        for _ in 0..self.cg_steps {
            if rs_old < 1e-20 {
                break;
            }
            self.apply(observed, &p, &mut ap);
            let step = rs_old / dot(&p, &ap);
            axpy(x, step, &p);
            axpy(&mut r, -step, &ap);
            let rs_new = dot(&r, &r);
            let beta = rs_new / rs_old;
            for (pi, ri) in p.iter_mut().zip(&r) {
                *pi = ri + beta * *pi;
            }
            rs_old = rs_new;
        }
    }

    /// Updates every row of `x` from its observations, split over the available cores.
    fn run(&self, rows: &[Vec<(usize, f64)>], x: &mut [f64]) {
        let f = self.f;
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
        let per_thread = rows.len().div_ceil(threads).max(1);
        std::thread::scope(|scope| {
            for (chunk_rows, chunk_x) in rows.chunks(per_thread).zip(x.chunks_mut(per_thread * f)) {
                scope.spawn(move || {
                    for (obs, xr) in chunk_rows.iter().zip(chunk_x.chunks_exact_mut(f)) {
                        self.solve(obs, xr);
                    }
                });
            }
        });
    }
}

impl Recommender for Als {
    fn name(&self) -> String {
        format!(
            "als-cg (f={}, λ={}, α={}, it={})",
            self.factors, self.lambda, self.alpha, self.iterations
        )
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(Als {
            n_items: 0,
            users: Vec::new(),
            items: Vec::new(),
            ..self.clone()
        })
    }

    fn fit(&mut self, data: &Interactions) {
        let f = self.factors.max(1);
        let (n_users, n_items) = (data.n_users(), data.n_items());
        let user_rows: Vec<Vec<(usize, f64)>> =
            (0..n_users).map(|u| data.row(u).to_vec()).collect();
        let mut item_rows: Vec<Vec<(usize, f64)>> = vec![Vec::new(); n_items];
        for (u, r) in user_rows.iter().enumerate() {
            for &(i, w) in r {
                if let Some(ir) = item_rows.get_mut(i) {
                    ir.push((u, w));
                }
            }
        }
        let mut rng = SplitMix64::new(self.seed);
        let scale = 0.01;
        let mut users: Vec<f64> = (0..n_users * f)
            .map(|_| (rng.next_f64() - 0.5) * scale)
            .collect();
        let mut items: Vec<f64> = (0..n_items * f)
            .map(|_| (rng.next_f64() - 0.5) * scale)
            .collect();
        for _ in 0..self.iterations {
            let g = gram_plus(&items, f, self.lambda);
            HalfStep {
                fixed: &items,
                gram: &g,
                f,
                alpha: self.alpha,
                cg_steps: self.cg_steps,
            }
            .run(&user_rows, &mut users);
            let g = gram_plus(&users, f, self.lambda);
            HalfStep {
                fixed: &users,
                gram: &g,
                f,
                alpha: self.alpha,
                cg_steps: self.cg_steps,
            }
            .run(&item_rows, &mut items);
        }
        self.factors = f;
        self.n_items = n_items;
        self.users = users;
        self.items = items;
    }

    fn scores(&self, _data: &Interactions, user: usize) -> Vec<f64> {
        let f = self.factors;
        let x = row(&self.users, f, user);
        if x.is_empty() {
            return vec![0.0; self.n_items];
        }
        self.items.chunks_exact(f).map(|y| dot(x, y)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn factors_recover_planted_tastes() {
        // Two groups of people, each using its own half of the items, one item held back.
        let mut data = Interactions::new();
        for u in 0..40 {
            let group = u % 2;
            for i in 0..8 {
                if u >= 2 || i != 0 {
                    data.add(&format!("u{u}"), &format!("{group}-{i}"), 1.0);
                }
            }
        }
        let mut als = Als::new(8, 0.1, 10.0, 10);
        als.fit(&data);
        // User 0 (group 0) lacks "0-0": it must come first, above every group-1 item.
        let u0 = data.user_index("u0").unwrap_or(usize::MAX);
        let top = als.recommend(&data, u0, 1);
        assert_eq!(top.first().map(|s| s.item), data.item_index("0-0"));
        let scores = als.scores(&data, u0);
        let other = data.item_index("1-3").unwrap_or(usize::MAX);
        let own = data.item_index("0-3").unwrap_or(usize::MAX);
        assert!(scores[own] > 0.5 && scores[other].abs() < 0.2, "{scores:?}");
    }
}
