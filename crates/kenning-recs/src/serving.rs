//! The hybrid the platform serves on the home page. Its recipe follows what the
//! evaluation on MovieLens-100k chose on a validation split (bench/README.md records
//! both); `kenning recs eval` measures this exact recipe in its last row, so the number
//! reported for the served model is measured, not inherited from its parts.

use crate::models::{Als, Blend, Content, Ease, Hybrid, ItemKnn, Popularity, Recommender};

/// Catalogs larger than this skip EASE, whose item × item inverse grows with the square
/// of the catalog (10,000 products would need 800 MB); item-kNN and ALS carry them.
pub const EASE_MAX_ITEMS: usize = 6_000;

/// The served hybrid for a catalog of `n_items`, with a content model when product
/// descriptions are known.
pub fn hybrid(n_items: usize, content: Option<Content>) -> Hybrid {
    let mut parts: Vec<(Box<dyn Recommender>, f64)> = Vec::new();
    if n_items <= EASE_MAX_ITEMS {
        let mut ease = Ease::with_dropout(600.0, 0.67);
        ease.pop_penalty = 0.2;
        parts.push((Box::new(ease), 1.0));
    }
    parts.push((Box::new(Als::new(32, 30.0, 3.0, 12)), 1.0));
    parts.push((Box::new(ItemKnn::cosine(100)), 0.1));
    parts.push((Box::new(Popularity::default()), 0.02));
    let hybrid = Hybrid::new(Blend { parts }, 0.05);
    match content {
        Some(content) => hybrid.with_content(content, 0.3),
        None => hybrid,
    }
}
