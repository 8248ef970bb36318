//! The library: what a person holds and where they are in it, their memberships, the
//! lessons they bought on their own, and their personal podcast feeds.
//!
//! Every part is one statement whatever the library holds, read concurrently: the
//! products held, progress, certificates, subscriptions, lessons bought and feed
//! versions. Products' tables of contents and membership tiers come from the catalog
//! cache.

use std::sync::Arc;

use kenning_domain::catalog::Product;
use kenning_domain::certificate::CertificateCode;
use kenning_domain::fx::ExchangeRate;
use kenning_domain::ids::{LessonId, ProductId};
use kenning_domain::locale::LocalizedText;

use crate::accounts::CurrentUser;
use crate::learning::ProductProgress;
use crate::memberships::Membership;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct LibraryPage {
    /// Products held, most recent first.
    pub items: Vec<LibraryEntry>,
    pub memberships: Vec<Membership>,
    /// Lessons bought on their own, newest first.
    pub lessons: Vec<BoughtLesson>,
    pub rates: Arc<Vec<ExchangeRate>>,
}

/// One product held.
#[derive(Clone, Debug)]
pub struct LibraryEntry {
    pub product: Product,
    pub granted_at_ms: i64,
    /// Progress through it, once started.
    pub progress: Option<ProductProgress>,
    /// The person's podcast feed address (a path), for an audio series.
    pub feed_path: Option<String>,
    /// Their certificate for it, once earned.
    pub certificate: Option<CertificateCode>,
}

/// A lesson bought on its own.
#[derive(Clone, Debug)]
pub struct BoughtLesson {
    pub lesson_id: LessonId,
    pub product_id: ProductId,
    pub title: LocalizedText,
    pub bought_at_ms: i64,
}

impl Kenning {
    pub async fn library_page(&self, user: &CurrentUser) -> Result<LibraryPage, AppError> {
        let (held, mut progress, certificates, memberships, lessons, rates) = tokio::try_join!(
            self.library_with_feeds(user),
            self.progress_by_product(user),
            self.my_certificates(user),
            self.my_memberships(user),
            self.lessons_bought(user),
            self.display_rates(),
        )?;
        let items = held
            .into_iter()
            .map(|item| {
                let id = item.product.id;
                LibraryEntry {
                    progress: progress.remove(&id),
                    certificate: (certificates.iter())
                        .find(|c| c.product_id == id)
                        .map(|c| c.code.clone()),
                    feed_path: item.feed_path,
                    granted_at_ms: item.granted_at_ms,
                    product: item.product,
                }
            })
            .collect();
        Ok(LibraryPage {
            items,
            memberships,
            lessons: lessons
                .into_iter()
                .map(
                    |(lesson_id, product_id, title, bought_at_ms)| BoughtLesson {
                        lesson_id,
                        product_id,
                        title,
                        bought_at_ms,
                    },
                )
                .collect(),
            rates,
        })
    }
}
