//! The hybrid that serves people: a blend of collaborative models (each scaled per user),
//! a content model for items too new to have been bought, and popularity as a faint prior;
//! its top candidates are then diversified by maximal marginal relevance, with "similar"
//! meaning bought by the same people or described alike, whichever is higher.

use super::{Blend, Content, ItemKnn, Recommender};
use crate::data::Interactions;
use crate::{Scored, diversify, top_k};

pub struct Hybrid {
    pub blend: Blend,
    /// How strongly to diversify (the MMR λ); 0 keeps the blend's order.
    pub diversity: f64,
    /// Candidates considered per list, as a multiple of the list's length.
    pub pool: usize,
    /// Co-occurrence similarity for diversification and reasons.
    neighbours: ItemKnn,
    /// Description similarity, when item descriptions are known.
    content: Option<Content>,
}

impl Hybrid {
    pub fn new(blend: Blend, diversity: f64) -> Self {
        Hybrid {
            blend,
            diversity,
            pool: 5,
            neighbours: ItemKnn::cosine(100),
            content: None,
        }
    }

    /// Adds a content model: `weight` of its scores joins the blend, and its similarity
    /// joins the diversification and the reasons.
    pub fn with_content(mut self, content: Content, weight: f64) -> Self {
        self.blend.parts.push((content.fresh(), weight));
        self.content = Some(content);
        self
    }

    /// How alike two items are, in [0, 1].
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        let bought = self.neighbours.similarity(a, b);
        let described = self.content.as_ref().map_or(0.0, |c| c.similarity(a, b));
        bought.max(described)
    }

    /// The user's item that most explains `item`: the one most like it.
    pub fn because(&self, data: &Interactions, user: usize, item: usize) -> Option<usize> {
        super::most_similar_of_user(data, user, |j| self.similarity(j, item))
    }

    /// Items bought by the same people as `item`, best first.
    pub fn similar(&self, item: usize, k: usize) -> Vec<Scored> {
        self.neighbours.similar(item, k)
    }
}

impl Recommender for Hybrid {
    fn name(&self) -> String {
        format!("hybrid {} + mmr (λ={})", self.blend.name(), self.diversity)
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(Hybrid {
            blend: self.blend.untrained(),
            diversity: self.diversity,
            pool: self.pool,
            neighbours: ItemKnn::cosine(100),
            content: self.content.clone(),
        })
    }

    fn fit(&mut self, data: &Interactions) {
        self.blend.fit(data);
        self.neighbours.fit(data);
        if let Some(content) = &mut self.content {
            content.fit(data);
        }
    }

    fn scores(&self, data: &Interactions, user: usize) -> Vec<f64> {
        self.blend.scores(data, user)
    }

    fn recommend(&self, data: &Interactions, user: usize, k: usize) -> Vec<Scored> {
        let candidates = top_k(&self.scores(data, user), &data.seen(user), k * self.pool);
        if self.diversity <= 0.0 {
            return candidates.into_iter().take(k).collect();
        }
        diversify(&candidates, k, self.diversity, |a, b| self.similarity(a, b))
    }
}
