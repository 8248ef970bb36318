//! Content-based recommendations: items are described by features (tags, creator, kind,
//! words of the title), weighted by TF-IDF and L2-normalised; a user's profile is the sum
//! of their items' vectors, and an item scores by its cosine with the profile. Unlike the
//! collaborative models it can rank an item nobody has touched yet, which is what a new
//! product needs.

use std::collections::HashMap;

use super::Recommender;
use crate::data::Interactions;

#[derive(Clone, Debug, Default)]
pub struct Content {
    /// Features per outside item id.
    features: HashMap<String, Vec<String>>,
    /// Per item index: sparse (feature, weight), sorted by feature, unit length.
    vectors: Vec<Vec<(usize, f64)>>,
}

fn count(n: usize) -> f64 {
    f64::from(u32::try_from(n).unwrap_or(u32::MAX))
}

impl Content {
    /// A model over these item descriptions (items without one score zero).
    pub fn new(features: HashMap<String, Vec<String>>) -> Self {
        Content {
            features,
            vectors: Vec::new(),
        }
    }

    /// Cosine similarity of two items' descriptions, in [0, 1].
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        match (self.vectors.get(a), self.vectors.get(b)) {
            (Some(x), Some(y)) => sparse_dot(x, y),
            _ => 0.0,
        }
    }

    /// The user's item most like `item`, if any shares a feature with it.
    pub fn because(&self, data: &Interactions, user: usize, item: usize) -> Option<usize> {
        super::most_similar_of_user(data, user, |j| self.similarity(j, item))
    }
}

fn sparse_dot(x: &[(usize, f64)], y: &[(usize, f64)]) -> f64 {
    let (mut i, mut j, mut sum) = (0, 0, 0.0);
    while let (Some(&(fx, wx)), Some(&(fy, wy))) = (x.get(i), y.get(j)) {
        match fx.cmp(&fy) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                sum += wx * wy;
                i += 1;
                j += 1;
            }
        }
    }
    sum
}

impl Recommender for Content {
    fn name(&self) -> String {
        "content tf-idf".to_owned()
    }

    fn fresh(&self) -> Box<dyn Recommender> {
        Box::new(Content::new(self.features.clone()))
    }

    fn fit(&mut self, data: &Interactions) {
        let n = data.n_items();
        let mut vocabulary: HashMap<&str, usize> = HashMap::new();
        let mut raw: Vec<HashMap<usize, f64>> = vec![HashMap::new(); n];
        for (item, tf) in raw.iter_mut().enumerate() {
            let Some(features) = data.item_id(item).and_then(|id| self.features.get(id)) else {
                continue;
            };
            for feature in features {
                let next = vocabulary.len();
                let f = *vocabulary.entry(feature.as_str()).or_insert(next);
                *tf.entry(f).or_insert(0.0) += 1.0;
            }
        }
        let mut document_frequency = vec![0usize; vocabulary.len()];
        for tf in &raw {
            for &f in tf.keys() {
                if let Some(d) = document_frequency.get_mut(f) {
                    *d += 1;
                }
            }
        }
        self.vectors = raw
            .into_iter()
            .map(|tf| {
                let mut v: Vec<(usize, f64)> = tf
                    .into_iter()
                    .map(|(f, t)| {
                        let df = document_frequency.get(f).copied().unwrap_or(1);
                        (f, (1.0 + t.ln()) * (1.0 + (count(n) / count(df)).ln()))
                    })
                    .collect();
                v.sort_by_key(|&(f, _)| f);
                let norm = v.iter().map(|(_, w)| w * w).sum::<f64>().sqrt();
                if norm > 0.0 {
                    for (_, w) in &mut v {
                        *w /= norm;
                    }
                }
                v
            })
            .collect();
    }

    fn scores(&self, data: &Interactions, user: usize) -> Vec<f64> {
        let mut profile: HashMap<usize, f64> = HashMap::new();
        for &(j, w) in data.row(user) {
            for &(f, v) in self.vectors.get(j).map(Vec::as_slice).unwrap_or_default() {
                *profile.entry(f).or_insert(0.0) += w.min(1.0) * v;
            }
        }
        self.vectors
            .iter()
            .map(|v| {
                v.iter()
                    .map(|(f, w)| profile.get(f).copied().unwrap_or(0.0) * w)
                    .sum()
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_item_is_found_through_its_description() {
        let mut data = Interactions::new();
        data.add("ann", "rust-1", 1.0);
        data.add("bob", "tea-1", 1.0);
        data.add_item("rust-2");
        data.add_item("tea-2");
        let features = HashMap::from([
            (
                "rust-1".to_owned(),
                vec!["tag:rust".to_owned(), "kind:course".to_owned()],
            ),
            (
                "rust-2".to_owned(),
                vec!["tag:rust".to_owned(), "kind:ebook".to_owned()],
            ),
            (
                "tea-1".to_owned(),
                vec!["tag:tea".to_owned(), "kind:course".to_owned()],
            ),
            (
                "tea-2".to_owned(),
                vec!["tag:tea".to_owned(), "kind:course".to_owned()],
            ),
        ]);
        let mut model = Content::new(features);
        model.fit(&data);
        let ann = data.user_index("ann").unwrap_or(usize::MAX);
        let rust2 = data.item_index("rust-2");
        let top = model.recommend(&data, ann, 1);
        assert_eq!(top.first().map(|s| s.item), rust2);
        assert_eq!(
            rust2.and_then(|i| model.because(&data, ann, i)),
            data.item_index("rust-1")
        );
    }
}
