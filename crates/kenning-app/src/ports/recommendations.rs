//! The recommender.

use kenning_domain::ids::{AccountId, ProductId};

/// A suggested product and, when it comes from the person's own history, the product
/// that led to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Suggestion {
    pub product: ProductId,
    pub because: Option<ProductId>,
}

/// What a recommender is trained on: weighted (person, product) interest, and the
/// features of every published product (so that new ones can be suggested too).
#[derive(Clone, Debug, Default)]
pub struct TrainingSet {
    pub interest: Vec<(AccountId, ProductId, f64)>,
    pub products: Vec<(ProductId, Vec<String>)>,
}

/// A recommender. Implementations keep a trained model in memory; it is derived data,
/// rebuilt from the store on start and on every refresh.
pub trait RecommendationEngine: Send + Sync {
    /// Replaces the model with one trained on this set.
    fn train(&self, data: &TrainingSet);
    /// Products for a person, best first, excluding what they have.
    fn for_user(&self, user: AccountId, k: usize) -> Vec<Suggestion>;
    /// Products bought by the same people (or, for new ones, described alike), best first.
    fn similar(&self, product: ProductId, k: usize) -> Vec<ProductId>;
    /// The most bought products.
    fn popular(&self, k: usize) -> Vec<ProductId>;
}
