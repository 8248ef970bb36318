//! Recommendations shown to people: "for you", "also bought" and "popular", each with
//! its reason. The engine learns from purchases, study and page views, and from what
//! products are about; only published products are shown.

use std::collections::{HashMap, HashSet};

use kenning_domain::catalog::Product;
use kenning_domain::discovery::{SignalKind, product_features};
use kenning_domain::ids::{AccountId, ProductId};

use crate::accounts::CurrentUser;
use crate::ports::{Suggestion, TrainingSet};
use crate::{AppError, Kenning};

/// A person's repeated views (or study) of one product within this window count once.
pub const SIGNAL_WINDOW_MS: i64 = 10 * 60 * 1000;

/// Why a product is suggested.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reason {
    /// Because the person bought this product.
    BecauseYouBought(Box<Product>),
    /// Because the person looked at (or studied the preview of) this product.
    BecauseYouViewed(Box<Product>),
    /// From the person's history as a whole, with no single product behind it.
    PickedForYou,
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

impl Reason {
    /// Whether the suggestion comes from the person's own history.
    pub fn is_personal(&self) -> bool {
        matches!(
            self,
            Reason::BecauseYouBought(_) | Reason::BecauseYouViewed(_) | Reason::PickedForYou
        )
    }
}

impl Kenning {
    /// Retrains the engine from every signal in the store and every published product;
    /// returns how many (person, product) pairs it learned from.
    pub async fn refresh_recommendations(&self) -> Result<usize, AppError> {
        let mut interest: HashMap<(AccountId, ProductId), f64> = HashMap::new();
        for signal in self.store.signals().await? {
            *interest
                .entry((signal.account, signal.product))
                .or_insert(0.0) += signal.weight();
        }
        let products = self
            .published_products()
            .await?
            .iter()
            .map(|p| (p.id, product_features(p)))
            .collect();
        let mut interest: Vec<(AccountId, ProductId, f64)> =
            interest.into_iter().map(|((a, p), w)| (a, p, w)).collect();
        // A stable order keeps training reproducible.
        interest.sort_by_key(|&(account, product, _)| (account, product));
        let data = TrainingSet { interest, products };
        let n = data.interest.len();
        let engine = std::sync::Arc::clone(&self.recommender);
        tokio::task::spawn_blocking(move || engine.train(&data))
            .await
            .map_err(|e| AppError::Internal(format!("training: {e}")))?;
        Ok(n)
    }

    /// Notes that a person looked at or studied a product, at most once per
    /// [`SIGNAL_WINDOW_MS`]. A signal is a hint, so a failure to store it is logged and
    /// never fails the page.
    pub(crate) async fn note_interest(
        &self,
        user: Option<&CurrentUser>,
        product: ProductId,
        kind: SignalKind,
    ) {
        let Some(user) = user else { return };
        let now = self.now_ms();
        if !self
            .signal_debounce
            .first((user.account.id, product, kind), now)
        {
            return;
        }
        if let Err(e) = self
            .store
            .record_signal(user.account.id, product, kind, now)
            .await
        {
            tracing::warn!(error = %e, "interest signal not recorded");
        }
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
                        Ok(because) if owned.contains(&b) => {
                            Reason::BecauseYouBought(Box::new(because.product.clone()))
                        }
                        Ok(because) => Reason::BecauseYouViewed(Box::new(because.product.clone())),
                        Err(_) => Reason::PickedForYou,
                    },
                    None => Reason::PickedForYou,
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
