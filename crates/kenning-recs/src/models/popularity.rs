//! Most interacted-with first: the fallback for people with no history.

use super::Recommender;
use crate::data::Interactions;

#[derive(Clone, Debug, Default)]
pub struct Popularity {
    counts: Vec<f64>,
}

impl Recommender for Popularity {
    fn name(&self) -> String {
        "popularity".to_owned()
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(Popularity::default())
    }

    fn fit(&mut self, data: &Interactions) {
        self.counts = data.item_counts();
    }

    fn scores(&self, _data: &Interactions, _user: usize) -> Vec<f64> {
        self.counts.clone()
    }
}
