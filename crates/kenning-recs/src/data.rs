//! Interactions: who touched what, how much.

use std::collections::HashMap;

use crate::rng::SplitMix64;

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ParseError {
    #[error("line {line}: expected `user<TAB>item[<TAB>…]`")]
    Malformed { line: usize },
}

/// A user × item matrix of implicit feedback, with the outside ids of both sides.
#[derive(Clone, Debug, Default)]
pub struct Interactions {
    user_ids: Vec<String>,
    item_ids: Vec<String>,
    user_index: HashMap<String, usize>,
    item_index: HashMap<String, usize>,
    /// Per user: (item, weight), sorted by item, no duplicates.
    rows: Vec<Vec<(usize, f64)>>,
}

impl Interactions {
    pub fn new() -> Self {
        Self::default()
    }

    fn user(&mut self, id: &str) -> usize {
        if let Some(&u) = self.user_index.get(id) {
            return u;
        }
        let u = self.user_ids.len();
        self.user_ids.push(id.to_owned());
        self.user_index.insert(id.to_owned(), u);
        self.rows.push(Vec::new());
        u
    }

    fn item(&mut self, id: &str) -> usize {
        if let Some(&i) = self.item_index.get(id) {
            return i;
        }
        let i = self.item_ids.len();
        self.item_ids.push(id.to_owned());
        self.item_index.insert(id.to_owned(), i);
        i
    }

    /// Adds weight to a (user, item) pair; repeated pairs accumulate.
    pub fn add(&mut self, user: &str, item: &str, weight: f64) {
        let u = self.user(user);
        let i = self.item(item);
        if let Some(row) = self.rows.get_mut(u) {
            match row.binary_search_by_key(&i, |&(it, _)| it) {
                Ok(pos) => {
                    if let Some(cell) = row.get_mut(pos) {
                        cell.1 += weight;
                    }
                }
                Err(pos) => row.insert(pos, (i, weight)),
            }
        }
    }

    /// Makes an item known without any interaction (a product nobody has bought yet), so
    /// that models which can rank it from its description see it.
    pub fn add_item(&mut self, item: &str) -> usize {
        self.item(item)
    }

    /// Parses `user<TAB>item` lines (further columns ignored); every line is one
    /// interaction of weight 1.
    pub fn parse_tsv(text: &str) -> Result<Interactions, ParseError> {
        let mut data = Interactions::new();
        data.extend_tsv(text)?;
        Ok(data)
    }

    /// Adds the lines of a TSV to these interactions, sharing their ids.
    pub fn extend_tsv(&mut self, text: &str) -> Result<(), ParseError> {
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let mut fields = line.split('\t');
            match (fields.next(), fields.next()) {
                (Some(u), Some(i)) if !u.trim().is_empty() && !i.trim().is_empty() => {
                    self.add(u.trim(), i.trim(), 1.0);
                }
                _ => return Err(ParseError::Malformed { line: n + 1 }),
            }
        }
        Ok(())
    }

    pub fn n_users(&self) -> usize {
        self.user_ids.len()
    }

    pub fn n_items(&self) -> usize {
        self.item_ids.len()
    }

    pub fn n_interactions(&self) -> usize {
        self.rows.iter().map(Vec::len).sum()
    }

    /// The items of one user, sorted by item index.
    pub fn row(&self, user: usize) -> &[(usize, f64)] {
        self.rows.get(user).map(Vec::as_slice).unwrap_or_default()
    }

    pub fn user_id(&self, user: usize) -> Option<&str> {
        self.user_ids.get(user).map(String::as_str)
    }

    pub fn item_id(&self, item: usize) -> Option<&str> {
        self.item_ids.get(item).map(String::as_str)
    }

    pub fn user_index(&self, id: &str) -> Option<usize> {
        self.user_index.get(id).copied()
    }

    pub fn item_index(&self, id: &str) -> Option<usize> {
        self.item_index.get(id).copied()
    }

    /// A mask of the items a user already has.
    pub fn seen(&self, user: usize) -> Vec<bool> {
        let mut mask = vec![false; self.n_items()];
        for &(i, _) in self.row(user) {
            if let Some(m) = mask.get_mut(i) {
                *m = true;
            }
        }
        mask
    }

    /// A copy with the same users and items but no interactions.
    fn empty_like(&self) -> Interactions {
        Interactions {
            user_ids: self.user_ids.clone(),
            item_ids: self.item_ids.clone(),
            user_index: self.user_index.clone(),
            item_index: self.item_index.clone(),
            rows: vec![Vec::new(); self.rows.len()],
        }
    }

    /// Splits off a validation set: each interaction of a user with at least
    /// `min_keep + 1` items goes to the held-out part with probability `share`
    /// (reproducible for a seed). Both parts keep the same ids.
    pub fn holdout(&self, share: f64, min_keep: usize, seed: u64) -> (Interactions, Interactions) {
        let mut rng = SplitMix64::new(seed);
        let mut train = self.empty_like();
        let mut held = self.empty_like();
        for (u, row) in self.rows.iter().enumerate() {
            let eligible = row.len() > min_keep;
            for &(i, w) in row {
                let target = if eligible && rng.next_f64() < share {
                    &mut held
                } else {
                    &mut train
                };
                if let Some(r) = target.rows.get_mut(u) {
                    r.push((i, w));
                }
            }
        }
        (train, held)
    }

    /// How many users interacted with each item.
    pub fn item_counts(&self) -> Vec<f64> {
        let mut counts = vec![0.0; self.n_items()];
        for row in &self.rows {
            for &(i, _) in row {
                if let Some(c) = counts.get_mut(i) {
                    *c += 1.0;
                }
            }
        }
        counts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tsv_lines_become_interactions_with_shared_ids() {
        let mut data = Interactions::parse_tsv("1\t10\n1\t11\n2\t10\t5\n").unwrap_or_default();
        assert_eq!(
            (data.n_users(), data.n_items(), data.n_interactions()),
            (2, 2, 3)
        );
        data.extend_tsv("2\t12\n").unwrap_or_default();
        assert_eq!(data.n_items(), 3);
        assert_eq!(data.item_index("10"), Some(0));
    }

    #[test]
    fn malformed_lines_are_reported_with_their_number() {
        assert_eq!(
            Interactions::parse_tsv("1\t2\noops\n").map(|_| ()),
            Err(ParseError::Malformed { line: 2 })
        );
    }

    #[test]
    fn a_holdout_is_reproducible_and_loses_nothing() {
        let mut data = Interactions::new();
        for u in 0..20 {
            for i in 0..30 {
                data.add(&u.to_string(), &i.to_string(), 1.0);
            }
        }
        let (a, b) = data.holdout(0.2, 5, 7);
        let (c, _) = data.holdout(0.2, 5, 7);
        assert_eq!(a.n_interactions() + b.n_interactions(), 600);
        assert_eq!(a.n_interactions(), c.n_interactions());
        assert!(b.n_interactions() > 60 && b.n_interactions() < 180);
    }
}
