//! Short-lived read caches: the public catalog (product pages and listings), signed-in
//! sessions, and what people hold as their product pages show it.
//!
//! The database stays the only source of truth: entries expire after a TTL (one second by
//! default), and every write through this process clears what it touches, so this node
//! shows its own changes at once and other nodes within the TTL. Only display paths read
//! the catalog through it; orders, payments and entitlements always read the database. A
//! session ended on another node (log-out, new password) stops working there within the
//! TTL.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use kenning_domain::account::Account;
use kenning_domain::catalog::{Chapter, LessonOutline, Product};
use kenning_domain::discovery::SignalKind;
use kenning_domain::fx::ExchangeRate;
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::review::Review;
use kenning_domain::sale::Sale;
use kenning_domain::tax::TaxRate;

use crate::catalog::{CatalogPage, CatalogQuery};
use crate::pages::product::{Showcase, ShowcaseKey};
use crate::ports::Holdings;

/// The public part of a product page: the product and its table of contents.
#[derive(Clone, Debug)]
pub struct ProductOutline {
    pub product: Product,
    pub chapters: Vec<Chapter>,
    pub lessons: Vec<LessonOutline>,
    /// The most recent reviews (up to [`crate::reviews::REVIEWS_SHOWN`]).
    pub reviews: Vec<Review>,
    /// The product's sale, if it has one (it may have ended since: check
    /// [`Sale::is_on`]). Pages read it here; checkout reads the store.
    pub sale: Option<Sale>,
}

/// Entries beyond this many are not kept (the cache is cleared and refilled).
const MAX_ENTRIES: usize = 10_000;

/// A map whose entries expire.
struct Timed<K, V> {
    map: Mutex<HashMap<K, (i64, Arc<V>)>>,
}

impl<K: Eq + Hash, V> Timed<K, V> {
    fn new() -> Self {
        Timed {
            map: Mutex::new(HashMap::new()),
        }
    }

    fn get(&self, key: &K, now_ms: i64) -> Option<Arc<V>> {
        let map = self.map.lock().ok()?;
        let (expires, value) = map.get(key)?;
        (*expires > now_ms).then(|| Arc::clone(value))
    }

    fn put(&self, key: K, value: Arc<V>, expires_ms: i64) {
        if let Ok(mut map) = self.map.lock() {
            if map.len() >= MAX_ENTRIES {
                map.clear();
            }
            map.insert(key, (expires_ms, value));
        }
    }

    fn remove(&self, key: &K) {
        if let Ok(mut map) = self.map.lock() {
            map.remove(key);
        }
    }

    fn clear(&self) {
        if let Ok(mut map) = self.map.lock() {
            map.clear();
        }
    }
}

/// Remembers which signals were recorded lately, so that a person reloading a page
/// writes one row a window rather than one per request.
pub struct SignalDebounce {
    window_ms: i64,
    seen: Timed<(AccountId, ProductId, SignalKind), ()>,
}

impl SignalDebounce {
    pub fn new(window_ms: i64) -> Self {
        SignalDebounce {
            window_ms,
            seen: Timed::new(),
        }
    }

    /// True the first time in a window; later calls in the window answer false.
    pub fn first(&self, key: (AccountId, ProductId, SignalKind), now_ms: i64) -> bool {
        if self.seen.get(&key, now_ms).is_some() {
            return false;
        }
        self.seen.put(key, Arc::new(()), now_ms + self.window_ms);
        true
    }
}

/// Accounts behind session tokens (keyed by the token's hash).
pub struct SessionCache {
    ttl_ms: i64,
    sessions: Timed<String, Account>,
}

impl SessionCache {
    pub fn new(ttl_ms: i64) -> Self {
        SessionCache {
            ttl_ms,
            sessions: Timed::new(),
        }
    }

    pub fn get(&self, token_hash: &str, now_ms: i64) -> Option<Arc<Account>> {
        if self.ttl_ms <= 0 {
            return None;
        }
        self.sessions.get(&token_hash.to_owned(), now_ms)
    }

    /// Remembers a session no longer than it is valid.
    pub fn put(&self, token_hash: String, account: Account, now_ms: i64, expires_at_ms: i64) {
        if self.ttl_ms > 0 {
            let until = (now_ms + self.ttl_ms).min(expires_at_ms);
            self.sessions.put(token_hash, Arc::new(account), until);
        }
    }

    pub fn remove(&self, token_hash: &str) {
        self.sessions.remove(&token_hash.to_owned());
    }

    pub fn clear(&self) {
        self.sessions.clear();
    }
}

/// What people hold around products, as their product pages show it.
///
/// For display only: checkout, lessons, media and the library ask the database, so a
/// stale entry can at worst offer to sell what the person already holds, and checkout
/// then refuses it (`already_owned`). Like the session cache, an entry lives for the TTL
/// (one second by default), and every entry is dropped at once (an epoch moves on) when
/// this node changes what anyone holds (an order settled, a free claim, a gift claimed,
/// a refund, a certificate, a referral code, a membership ended): this node shows its
/// own changes at once, other nodes within the TTL. Dropping all entries rather than
/// one person's keeps the rule simple: holdings change far less often than pages are
/// read, and a dropped entry costs one read. (The change feed's signals are not used:
/// every first view of a product is one, and would empty the cache for everyone.)
pub struct HoldingsCache {
    ttl_ms: i64,
    epoch: AtomicU64,
    entries: Timed<(AccountId, ProductId), Held>,
}

struct Held {
    /// The epoch when the read began: a change made during the read leaves it stale.
    epoch: u64,
    related: Vec<ProductId>,
    holdings: Holdings,
}

impl HoldingsCache {
    /// A TTL of zero turns caching off.
    pub fn new(ttl_ms: i64) -> Self {
        HoldingsCache {
            ttl_ms,
            epoch: AtomicU64::new(0),
            entries: Timed::new(),
        }
    }

    /// The epoch to pass to [`HoldingsCache::put`], taken before reading the store.
    pub fn epoch(&self) -> u64 {
        self.epoch.load(Ordering::SeqCst)
    }

    pub fn get(
        &self,
        account: AccountId,
        product: ProductId,
        related: &[ProductId],
        now_ms: i64,
    ) -> Option<Holdings> {
        if self.ttl_ms <= 0 {
            return None;
        }
        let held = self.entries.get(&(account, product), now_ms)?;
        (held.epoch == self.epoch() && held.related == related).then(|| held.holdings.clone())
    }

    /// Remembers what was read, unless something changed since `epoch`.
    pub fn put(
        &self,
        account: AccountId,
        product: ProductId,
        related: &[ProductId],
        holdings: Holdings,
        epoch: u64,
        now_ms: i64,
    ) {
        if self.ttl_ms > 0 && epoch == self.epoch() {
            let held = Held {
                epoch,
                related: related.to_vec(),
                holdings,
            };
            (self.entries).put((account, product), Arc::new(held), now_ms + self.ttl_ms);
        }
    }

    /// Something anyone holds changed: nothing kept is used again.
    pub fn changed(&self) {
        self.epoch.fetch_add(1, Ordering::SeqCst);
        self.entries.clear();
    }
}

/// Listing queries as cache keys.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct ListingKey(Option<&'static str>, Option<&'static str>, i64, i64);

impl ListingKey {
    fn new(q: &CatalogQuery) -> Self {
        ListingKey(
            q.kind.map(|k| k.as_str()),
            q.language.map(|l| l.tag()),
            q.page,
            q.per_page,
        )
    }
}

pub struct CatalogCache {
    ttl_ms: i64,
    products: Timed<ProductId, ProductOutline>,
    listings: Timed<ListingKey, CatalogPage>,
    /// The rate table, for showing prices in the visitor's currency.
    rates: Timed<(), Vec<ExchangeRate>>,
    /// Tax rates by country, for prices shown with the visitor's tax.
    taxes: Timed<(), Vec<TaxRate>>,
    /// What a product page shows everyone, per currency and country.
    showcases: Timed<ShowcaseKey, Showcase>,
}

impl CatalogCache {
    /// A TTL of zero turns caching off.
    pub fn new(ttl_ms: i64) -> Self {
        CatalogCache {
            ttl_ms,
            products: Timed::new(),
            listings: Timed::new(),
            rates: Timed::new(),
            taxes: Timed::new(),
            showcases: Timed::new(),
        }
    }

    pub fn product(&self, id: ProductId, now_ms: i64) -> Option<Arc<ProductOutline>> {
        if self.ttl_ms <= 0 {
            return None;
        }
        self.products.get(&id, now_ms)
    }

    pub fn put_product(&self, outline: Arc<ProductOutline>, now_ms: i64) {
        if self.ttl_ms > 0 {
            let id = outline.product.id;
            self.products.put(id, outline, now_ms + self.ttl_ms);
        }
    }

    pub fn listing(&self, query: &CatalogQuery, now_ms: i64) -> Option<Arc<CatalogPage>> {
        if self.ttl_ms <= 0 {
            return None;
        }
        self.listings.get(&ListingKey::new(query), now_ms)
    }

    pub fn put_listing(&self, query: &CatalogQuery, page: Arc<CatalogPage>, now_ms: i64) {
        if self.ttl_ms > 0 {
            self.listings
                .put(ListingKey::new(query), page, now_ms + self.ttl_ms);
        }
    }

    pub fn rates(&self, now_ms: i64) -> Option<Arc<Vec<ExchangeRate>>> {
        if self.ttl_ms <= 0 {
            return None;
        }
        self.rates.get(&(), now_ms)
    }

    pub fn put_rates(&self, rates: Arc<Vec<ExchangeRate>>, now_ms: i64) {
        if self.ttl_ms > 0 {
            self.rates.put((), rates, now_ms + self.ttl_ms);
        }
    }

    pub fn taxes(&self, now_ms: i64) -> Option<Arc<Vec<TaxRate>>> {
        if self.ttl_ms <= 0 {
            return None;
        }
        self.taxes.get(&(), now_ms)
    }

    pub fn put_taxes(&self, taxes: Arc<Vec<TaxRate>>, now_ms: i64) {
        if self.ttl_ms > 0 {
            self.taxes.put((), taxes, now_ms + self.ttl_ms);
        }
    }

    pub fn showcase(&self, key: &ShowcaseKey, now_ms: i64) -> Option<Arc<Showcase>> {
        if self.ttl_ms <= 0 {
            return None;
        }
        self.showcases.get(key, now_ms)
    }

    pub fn put_showcase(&self, key: ShowcaseKey, showcase: Arc<Showcase>, now_ms: i64) {
        if self.ttl_ms > 0 {
            self.showcases.put(key, showcase, now_ms + self.ttl_ms);
        }
    }

    /// Forgets everything (after any catalog or rate-table write).
    pub fn clear(&self) {
        self.products.clear();
        self.listings.clear();
        self.rates.clear();
        self.taxes.clear();
        self.showcases.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_domain::account::{DisplayName, Email, Role};

    fn account() -> Account {
        Account {
            id: AccountId::new(),
            email: Email::parse("a@example.com").unwrap_or_else(|e| panic!("{e}")),
            display_name: DisplayName::parse("A").unwrap_or_else(|e| panic!("{e}")),
            role: Role::Learner,
            created_at_ms: 0,
            locale: kenning_domain::locale::Locale::En,
            email_verified: false,
            time_zone: None,
        }
    }

    #[test]
    fn a_signal_counts_once_per_window() {
        let debounce = SignalDebounce::new(1000);
        let key = (AccountId::new(), ProductId::new(), SignalKind::View);
        assert!(debounce.first(key, 0));
        assert!(!debounce.first(key, 999));
        assert!(debounce.first(key, 1000));
        assert!(debounce.first((key.0, key.1, SignalKind::Study), 1000));
    }

    #[test]
    fn entries_expire_after_the_ttl() {
        let cache = SessionCache::new(1000);
        cache.put("h".into(), account(), 0, i64::MAX);
        assert!(cache.get("h", 999).is_some());
        assert!(cache.get("h", 1000).is_none());
    }

    #[test]
    fn a_session_is_never_cached_past_its_own_expiry() {
        let cache = SessionCache::new(1000);
        cache.put("h".into(), account(), 0, 10);
        assert!(cache.get("h", 9).is_some());
        assert!(cache.get("h", 10).is_none());
    }

    #[test]
    fn removal_and_a_zero_ttl_leave_nothing() {
        let cache = SessionCache::new(1000);
        cache.put("h".into(), account(), 0, i64::MAX);
        cache.remove("h");
        assert!(cache.get("h", 1).is_none());
        let off = SessionCache::new(0);
        off.put("h".into(), account(), 0, i64::MAX);
        assert!(off.get("h", 1).is_none());
    }
}
