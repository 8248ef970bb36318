//! In-memory fakes of the ports that are not storage — payments, the clock, search,
//! recommendations, media, documents and mail — so use cases can be tested quickly over a real
//! store. Each fake really does its job in a small way (the payment provider keeps its
//! charges and answers a retried key with the same charge, search matches words, the
//! recommender counts co-purchases) and lets a test look at what it was asked.
//!
//! Built with the `testing` feature (and for this crate's own tests).

use std::sync::{Arc, Mutex, MutexGuard};

use crate::ports::Store;
use crate::{Adapters, AppSettings, Kenning};
mod clock;
mod documents;
mod mail;
mod media;
mod payments;
mod recommendations;
mod search;

pub use clock::FakeClock;
pub use documents::PlainDocuments;
pub use mail::{MemoryMail, PlainComposer};
pub use media::MemoryMedia;
pub use payments::{Charge, FakePayments, ProviderRefund};
pub use recommendations::CountingRecommender;
pub use search::MemorySearch;

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The fakes behind an app built by [`app_with_fakes`], for a test to drive and inspect.
#[derive(Clone)]
pub struct Fakes {
    pub clock: Arc<FakeClock>,
    pub payments: Arc<FakePayments>,
    pub media: Arc<MemoryMedia>,
    pub search: Arc<MemorySearch>,
    pub recommender: Arc<CountingRecommender>,
    pub documents: Arc<PlainDocuments>,
    pub mail: Arc<MemoryMail>,
}

impl Fakes {
    /// Fresh fakes, the clock at `now_ms`.
    pub fn new(now_ms: i64) -> Fakes {
        Fakes {
            clock: Arc::new(FakeClock::at(now_ms)),
            payments: Arc::new(FakePayments::default()),
            media: Arc::new(MemoryMedia::default()),
            search: Arc::new(MemorySearch::default()),
            recommender: Arc::new(CountingRecommender::default()),
            documents: Arc::new(PlainDocuments::default()),
            mail: Arc::new(MemoryMail::default()),
        }
    }

    /// The adapters an app is built from: these fakes and the given store.
    pub fn adapters(&self, store: Arc<dyn Store>) -> Adapters {
        Adapters {
            store,
            payments: self.payments.clone(),
            media: self.media.clone(),
            recommender: self.recommender.clone(),
            search: self.search.clone(),
            documents: self.documents.clone(),
            webhooks: Vec::new(),
            clock: self.clock.clone(),
            composer: Arc::new(PlainComposer),
            mail: self.mail.clone(),
        }
    }
}

/// An app over `store` with every other port faked, and nothing cached between calls
/// (so a test sees each change at once).
pub fn app_with_fakes(store: Arc<dyn Store>, now_ms: i64) -> (Kenning, Fakes) {
    let fakes = Fakes::new(now_ms);
    let settings = AppSettings {
        cache_ms: 0,
        ..AppSettings::default()
    };
    (Kenning::new(fakes.adapters(store), settings), fakes)
}
