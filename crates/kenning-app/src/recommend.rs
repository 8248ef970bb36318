//! Recommendations shown to people: "for you", "also bought" and "popular", each with
//! its reason. The engine learns from purchases; only published products are shown.

use std::collections::HashSet;

use kenning_domain::catalog::Product;
use kenning_domain::ids::ProductId;

use crate::accounts::CurrentUser;
use crate::ports::Suggestion;
use crate::{AppError, Kenning};

/// Why a product is suggested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Because the person bought this product.
    BecauseYouBought(Box<Product>),
    /// Bought by the people who bought the product on screen.
    AlsoBought,
    /// Among the most bought.
    Popular,
}

#[derive(Clone, Debug)]
pub struct Recommendation {
    pub product: Product,
    pub reason: Reason,
}

/// Candidates are over-fetched so that unpublished or owned ones can be skipped.
const OVERFETCH: usize = 3;

impl Kenning {
    /// Retrains the engine from every purchase in the store.
    pub async fn refresh_recommendations(&self) -> Result<usize, AppError> {
        let pairs = self.store.purchase_pairs().await?;
        let engine = std::sync::Arc::clone(&self.recommender);
        let n = pairs.len();
        tokio::task::spawn_blocking(move || engine.train(&pairs))
            .await
            .map_err(|e| AppError::Internal(format!("training: {e}")))?;
        Ok(n)
    }

    /// Personal suggestions, or the most bought products for people without history.
    pub async fn recommendations(
        &self,
        user: Option<&CurrentUser>,
        k: usize,
    ) -> Result<Vec<Recommendation>, AppError> {
        let mut out = Vec::new();
        let owned: HashSet<ProductId> = match user {
            Some(u) => self
                .store
                .library(u.account.id)
                .await?
                .into_iter()
                .map(|(p, _)| p.id)
                .collect(),
            None => HashSet::new(),
        };
        if let Some(user) = user {
            let suggestions: Vec<Suggestion> =
                self.recommender.for_user(user.account.id, k * OVERFETCH);
            for s in suggestions {
                if out.len() == k {
                    break;
                }
                if owned.contains(&s.product) {
                    continue;
                }
                let Some(product) = self.published(s.product).await? else {
                    continue;
                };
                let reason = match s.because {
                    Some(b) => match self.outline(b).await {
                        Ok(because) => Reason::BecauseYouBought(Box::new(because.product.clone())),
                        Err(_) => Reason::Popular,
                    },
                    None => Reason::Popular,
                };
                out.push(Recommendation { product, reason });
            }
            if !out.is_empty() {
                return Ok(out);
            }
        }
        for id in self.recommender.popular(k * OVERFETCH) {
            if out.len() == k {
                break;
            }
            if owned.contains(&id) {
                continue;
            }
            if let Some(product) = self.published(id).await? {
                out.push(Recommendation {
                    product,
                    reason: Reason::Popular,
                });
            }
        }
        Ok(out)
    }

    /// "People who bought this also bought".
    pub async fn also_bought(
        &self,
        product: ProductId,
        k: usize,
    ) -> Result<Vec<Recommendation>, AppError> {
        let mut out = Vec::new();
        for id in self.recommender.similar(product, k * OVERFETCH) {
            if out.len() == k {
                break;
            }
            if let Some(p) = self.published(id).await? {
                out.push(Recommendation {
                    product: p,
                    reason: Reason::AlsoBought,
                });
            }
        }
        Ok(out)
    }
}
