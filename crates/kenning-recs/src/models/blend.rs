//! A weighted blend of other models' scores, each scaled to [0, 1] per user first so that
//! weights compare like with like.

use super::Recommender;
use crate::data::Interactions;

pub struct Blend {
    pub parts: Vec<(Box<dyn Recommender>, f64)>,
}

impl Blend {
    /// An untrained copy.
    pub fn untrained(&self) -> Blend {
        Blend {
            parts: self.parts.iter().map(|(m, w)| (m.fresh(), *w)).collect(),
        }
    }
}

impl Recommender for Blend {
    fn name(&self) -> String {
        let parts: Vec<String> = self
            .parts
            .iter()
            .map(|(m, w)| format!("{w}×{}", m.name()))
            .collect();
        format!("blend [{}]", parts.join(" + "))
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(Blend {
            parts: self.parts.iter().map(|(m, w)| (m.fresh(), *w)).collect(),
        })
    }

    fn fit(&mut self, data: &Interactions) {
        for (model, _) in &mut self.parts {
            model.fit(data);
        }
    }

    fn scores(&self, data: &Interactions, user: usize) -> Vec<f64> {
        let mut acc = vec![0.0; data.n_items()];
        for (model, weight) in &self.parts {
            let s = model.scores(data, user);
            let max = s.iter().copied().fold(0.0f64, f64::max);
            if max <= 0.0 {
                continue;
            }
            for (a, v) in acc.iter_mut().zip(&s) {
                *a += weight * v.max(0.0) / max;
            }
        }
        acc
    }
}
