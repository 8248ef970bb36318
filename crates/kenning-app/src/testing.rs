//! In-memory fakes of the ports that are not storage — payments, the clock, search,
//! recommendations, media and documents — so use cases can be tested quickly over a real
//! store. Each fake really does its job in a small way (the payment provider keeps its
//! charges and answers a retried key with the same charge, search matches words, the
//! recommender counts co-purchases) and lets a test look at what it was asked.
//!
//! Built with the `testing` feature (and for this crate's own tests).

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use async_trait::async_trait;
use bytes::Bytes;
use futures::StreamExt;
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::media::MediaKind;
use kenning_domain::money::Money;
use kenning_domain::order::CardNumber;

use crate::ports::{
    BuyerMark, ByteStream, CertificateText, ChargeOutcome, ChargeRequest, Clock, DeclineReason,
    DocumentError, Documents, IndexError, LessonHit, LessonSearch, MediaStore, PaymentError,
    ProductSearch, PutStreamError, ReceiptText, RecommendationEngine, SearchEngine, SearchEntry,
    SearchHit, SearchSort, StorageError, Store, Suggestion, TrainingSet,
};
use crate::{Adapters, AppSettings, Kenning};

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct FakeClock {
    now_ms: AtomicI64,
}

impl FakeClock {
    pub fn at(now_ms: i64) -> FakeClock {
        FakeClock {
            now_ms: AtomicI64::new(now_ms),
        }
    }

    pub fn set(&self, now_ms: i64) {
        self.now_ms.store(now_ms, Ordering::SeqCst);
    }
}

impl Clock for FakeClock {
    fn now_ms(&self) -> i64 {
        self.now_ms.load(Ordering::SeqCst)
    }

    fn advance(&self, ms: i64) -> bool {
        self.now_ms.fetch_add(ms.max(0), Ordering::SeqCst);
        true
    }
}

/// A charge the fake provider took.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Charge {
    pub reference: String,
    pub amount: Money,
    pub idempotency_key: String,
    /// The last four characters of the card or saved method charged.
    pub source: String,
}

/// A refund the fake provider gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderRefund {
    pub reference: String,
    pub charge: String,
    pub amount: Money,
    pub idempotency_key: String,
}

#[derive(Debug, Default)]
struct PaymentsState {
    charges: Vec<Charge>,
    refunds: Vec<ProviderRefund>,
    /// Card numbers (digits) and saved methods the bank refuses.
    declined: HashMap<String, DeclineReason>,
    /// The provider is down: every call fails with this.
    outage: Option<String>,
    /// Cards whose bank confirms later.
    pending: HashSet<String>,
}

/// A payment provider that keeps its charges in memory. Like a real one it charges an
/// idempotency key once (a retry gets the first charge back), refuses to refund more than
/// a charge took, and refunds an idempotency key once.
#[derive(Debug, Default)]
pub struct FakePayments {
    state: Mutex<PaymentsState>,
}

impl FakePayments {
    /// The bank refuses this card (or saved method) from now on.
    pub fn decline(&self, card_or_method: &str, reason: DeclineReason) {
        lock(&self.state)
            .declined
            .insert(digits(card_or_method), reason);
    }

    /// The bank confirms this card's charges later (they answer pending).
    pub fn confirm_later(&self, card: &str) {
        lock(&self.state).pending.insert(digits(card));
    }

    /// The provider cannot be reached (`None`: it is back).
    pub fn outage(&self, error: Option<&str>) {
        lock(&self.state).outage = error.map(str::to_owned);
    }

    pub fn charges(&self) -> Vec<Charge> {
        lock(&self.state).charges.clone()
    }

    pub fn refunds(&self) -> Vec<ProviderRefund> {
        lock(&self.state).refunds.clone()
    }

    fn take(&self, source: &str, amount: Money, key: &str) -> Result<ChargeOutcome, PaymentError> {
        let mut state = lock(&self.state);
        if let Some(error) = &state.outage {
            return Err(PaymentError::Unavailable(error.clone()));
        }
        if let Some(reason) = state.declined.get(source) {
            return Ok(ChargeOutcome::Declined(*reason));
        }
        let pending = state.pending.contains(source);
        let reference = match state.charges.iter().find(|c| c.idempotency_key == key) {
            Some(earlier) if earlier.amount != amount => {
                return Err(PaymentError::Refused(format!(
                    "idempotency key {key} reused for another amount"
                )));
            }
            Some(earlier) => earlier.reference.clone(),
            None => {
                let reference = format!("fake_ch_{}", state.charges.len() + 1);
                state.charges.push(Charge {
                    reference: reference.clone(),
                    amount,
                    idempotency_key: key.to_owned(),
                    source: source
                        .get(source.len().saturating_sub(4)..)
                        .unwrap_or(source)
                        .to_owned(),
                });
                reference
            }
        };
        Ok(if pending {
            ChargeOutcome::Pending { reference }
        } else {
            ChargeOutcome::Succeeded { reference }
        })
    }
}

fn digits(card: &str) -> String {
    card.chars().filter(|c| !c.is_whitespace()).collect()
}

#[async_trait]
impl crate::ports::PaymentProvider for FakePayments {
    fn name(&self) -> &'static str {
        "fake"
    }

    async fn charge(&self, request: ChargeRequest) -> Result<ChargeOutcome, PaymentError> {
        self.take(
            request.card.digits(),
            request.amount,
            &request.idempotency_key,
        )
    }

    fn payment_method(&self, card: &CardNumber) -> String {
        format!("fake_pm_{}", card.digits())
    }

    async fn charge_method(
        &self,
        method: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<ChargeOutcome, PaymentError> {
        let card = method.strip_prefix("fake_pm_").unwrap_or(method);
        self.take(card, amount, idempotency_key)
    }

    async fn refund(
        &self,
        reference: &str,
        amount: Money,
        idempotency_key: &str,
    ) -> Result<String, PaymentError> {
        let mut state = lock(&self.state);
        if let Some(error) = &state.outage {
            return Err(PaymentError::Unavailable(error.clone()));
        }
        if let Some(earlier) = state
            .refunds
            .iter()
            .find(|r| r.idempotency_key == idempotency_key)
        {
            return Ok(earlier.reference.clone());
        }
        let Some(charge) = state.charges.iter().find(|c| c.reference == reference) else {
            return Err(PaymentError::Refused(format!("no charge {reference}")));
        };
        let refunded: i64 = state
            .refunds
            .iter()
            .filter(|r| r.charge == reference)
            .map(|r| r.amount.amount_minor)
            .sum();
        if amount.currency != charge.amount.currency
            || refunded + amount.amount_minor > charge.amount.amount_minor
        {
            return Err(PaymentError::Refused(format!(
                "refund of {amount:?} exceeds charge {reference}"
            )));
        }
        let refund = ProviderRefund {
            reference: format!("fake_re_{}", state.refunds.len() + 1),
            charge: reference.to_owned(),
            amount,
            idempotency_key: idempotency_key.to_owned(),
        };
        state.refunds.push(refund.clone());
        Ok(refund.reference)
    }
}

/// Object storage in a map.
#[derive(Debug, Default)]
pub struct MemoryMedia {
    objects: Mutex<BTreeMap<String, Bytes>>,
}

impl MemoryMedia {
    pub fn keys(&self) -> Vec<String> {
        lock(&self.objects).keys().cloned().collect()
    }
}

#[async_trait]
impl MediaStore for MemoryMedia {
    async fn put(&self, key: &str, bytes: Bytes) -> Result<(), StorageError> {
        lock(&self.objects).insert(key.to_owned(), bytes);
        Ok(())
    }

    async fn get(&self, key: &str) -> Result<Option<Bytes>, StorageError> {
        Ok(lock(&self.objects).get(key).cloned())
    }

    async fn put_stream(
        &self,
        key: &str,
        mut body: ByteStream,
        max_bytes: u64,
    ) -> Result<u64, PutStreamError> {
        let mut whole = Vec::new();
        while let Some(chunk) = body.next().await {
            let chunk = chunk.map_err(PutStreamError::Failed)?;
            whole.extend_from_slice(&chunk);
            if whole.len() as u64 > max_bytes {
                // Nothing is kept of a file past its limit.
                lock(&self.objects).remove(key);
                return Err(PutStreamError::TooLarge);
            }
        }
        let n = whole.len() as u64;
        lock(&self.objects).insert(key.to_owned(), Bytes::from(whole));
        Ok(n)
    }

    async fn get_range(&self, key: &str, start: u64, end: u64) -> Result<ByteStream, StorageError> {
        let bytes = self
            .get(key)
            .await?
            .ok_or_else(|| StorageError::Missing(key.to_owned()))?;
        let len = bytes.len() as u64;
        if start > end || end > len {
            return Err(StorageError::InvalidKey(format!(
                "range {start}..{end} outside {len} bytes"
            )));
        }
        let (start, end) = (
            usize::try_from(start).map_err(|e| StorageError::InvalidKey(e.to_string()))?,
            usize::try_from(end).map_err(|e| StorageError::InvalidKey(e.to_string()))?,
        );
        let part = bytes.slice(start..end);
        Ok(futures::stream::iter([Ok(part)]).boxed())
    }
}

/// The words of a text, lower-cased, for matching.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// A search index over the entries it was given: a product matches when every word of
/// the query is among the words of its title, description, tags, lesson titles or
/// preview text (any language); locked lesson text is kept apart and searched only
/// within the products a query names.
#[derive(Debug, Default)]
pub struct MemorySearch {
    entries: Mutex<BTreeMap<ProductId, SearchEntry>>,
    lesson_queries: Mutex<Vec<LessonSearch>>,
}

impl MemorySearch {
    /// The products indexed now.
    pub fn indexed(&self) -> Vec<ProductId> {
        lock(&self.entries).keys().copied().collect()
    }

    pub fn entry(&self, product: ProductId) -> Option<SearchEntry> {
        lock(&self.entries).get(&product).cloned()
    }

    /// Every lesson search asked of it, oldest first.
    pub fn lesson_queries(&self) -> Vec<LessonSearch> {
        lock(&self.lesson_queries).clone()
    }

    fn public_words(entry: &SearchEntry) -> HashSet<String> {
        let p = &entry.product;
        let mut texts: Vec<String> = Vec::new();
        for locale in p.title.locales() {
            texts.push(p.title.get(locale).to_owned());
        }
        for locale in p.description.locales() {
            texts.push(p.description.get(locale).to_owned());
        }
        texts.extend(p.tags.iter().cloned());
        for lesson in &entry.lessons {
            for locale in lesson.title.locales() {
                texts.push(lesson.title.get(locale).to_owned());
            }
        }
        for lesson in &entry.previews {
            for locale in lesson.body.locales() {
                texts.push(lesson.body.get(locale).to_owned());
            }
        }
        texts.iter().flat_map(|t| words(t)).collect()
    }
}

impl SearchEngine for MemorySearch {
    fn upsert(&self, entry: &SearchEntry) -> Result<(), IndexError> {
        lock(&self.entries).insert(entry.product.id, entry.clone());
        Ok(())
    }

    fn remove(&self, product: ProductId) -> Result<(), IndexError> {
        lock(&self.entries).remove(&product);
        Ok(())
    }

    fn rebuild(&self, entries: &[SearchEntry]) -> Result<(), IndexError> {
        let mut index = lock(&self.entries);
        index.clear();
        for entry in entries {
            index.insert(entry.product.id, entry.clone());
        }
        Ok(())
    }

    fn search(&self, query: &ProductSearch) -> Result<Vec<SearchHit>, IndexError> {
        let wanted = words(&query.text);
        let index = lock(&self.entries);
        let mut hits: Vec<&SearchEntry> = index
            .values()
            .filter(|e| {
                let have = MemorySearch::public_words(e);
                !wanted.is_empty() && wanted.iter().all(|w| have.contains(w))
            })
            .filter(|e| query.kind.is_none_or(|k| e.product.kind == k))
            .filter(|e| {
                let price = e.product.prices.in_currency(query.currency);
                let minor = price.map(|p| p.amount_minor);
                query
                    .min_price
                    .is_none_or(|min| minor.is_some_and(|m| m >= min))
                    && query
                        .max_price
                        .is_none_or(|max| minor.is_some_and(|m| m <= max))
            })
            .collect();
        match query.sort {
            SearchSort::Newest => {
                hits.sort_by_key(|e| std::cmp::Reverse(e.product.published_at_ms))
            }
            SearchSort::PriceLow | SearchSort::PriceHigh => {
                hits.sort_by_key(|e| {
                    e.product
                        .prices
                        .in_currency(query.currency)
                        .map_or(i64::MAX, |p| p.amount_minor)
                });
                if query.sort == SearchSort::PriceHigh {
                    hits.reverse();
                }
            }
            SearchSort::Relevance | SearchSort::Rating => {}
        }
        Ok(hits
            .into_iter()
            .take(query.limit)
            .map(|e| SearchHit {
                product: e.product.id,
                highlight: e.product.title.get(query.locale).to_owned(),
            })
            .collect())
    }

    fn search_lessons(&self, query: &LessonSearch) -> Result<Vec<LessonHit>, IndexError> {
        lock(&self.lesson_queries).push(query.clone());
        let wanted = words(&query.text);
        let index = lock(&self.entries);
        let mut hits = Vec::new();
        for entry in index.values() {
            if let Some(allowed) = &query.products
                && !allowed.contains(&entry.product.id)
            {
                continue;
            }
            for lesson in &entry.locked {
                let have: HashSet<String> = lesson
                    .body
                    .locales()
                    .flat_map(|l| words(lesson.body.get(l)))
                    .collect();
                if !wanted.is_empty() && wanted.iter().all(|w| have.contains(w)) {
                    hits.push(LessonHit {
                        lesson: lesson.id,
                        product: entry.product.id,
                        highlight: lesson.title.get(query.locale).to_owned(),
                    });
                }
            }
        }
        hits.truncate(query.limit);
        Ok(hits)
    }
}

#[derive(Debug, Default)]
struct Model {
    /// Interest per person and product.
    interest: HashMap<AccountId, HashMap<ProductId, f64>>,
    /// Total interest per product.
    popularity: Vec<(ProductId, f64)>,
    products: Vec<ProductId>,
}

/// A recommender that counts: popular means most total interest, "similar" means
/// chosen by the same people, and a person is offered what the people who share their
/// interests chose, because of the product they share most.
#[derive(Debug, Default)]
pub struct CountingRecommender {
    model: Mutex<Model>,
    trainings: Mutex<Vec<TrainingSet>>,
}

impl CountingRecommender {
    /// Every training set it was given, oldest first.
    pub fn trainings(&self) -> Vec<TrainingSet> {
        lock(&self.trainings).clone()
    }

    fn weight(model: &Model, product: ProductId) -> f64 {
        model
            .popularity
            .iter()
            .find(|(p, _)| *p == product)
            .map_or(0.0, |(_, w)| *w)
    }

    fn ranked(model: &Model, scores: HashMap<ProductId, f64>) -> Vec<ProductId> {
        let mut scored: Vec<(ProductId, f64)> = scores.into_iter().collect();
        scored.sort_by(|a, b| {
            b.1.total_cmp(&a.1)
                .then(
                    CountingRecommender::weight(model, b.0)
                        .total_cmp(&CountingRecommender::weight(model, a.0)),
                )
                .then(a.0.cmp(&b.0))
        });
        scored.into_iter().map(|(p, _)| p).collect()
    }
}

impl RecommendationEngine for CountingRecommender {
    fn train(&self, data: &TrainingSet) {
        lock(&self.trainings).push(data.clone());
        let mut model = Model::default();
        let mut popularity: HashMap<ProductId, f64> = HashMap::new();
        for &(account, product, weight) in &data.interest {
            *model
                .interest
                .entry(account)
                .or_default()
                .entry(product)
                .or_default() += weight;
            *popularity.entry(product).or_default() += weight;
        }
        model.popularity = popularity.into_iter().collect();
        model
            .popularity
            .sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        model.products = data.products.iter().map(|(p, _)| *p).collect();
        *lock(&self.model) = model;
    }

    fn for_user(&self, user: AccountId, k: usize) -> Vec<Suggestion> {
        let model = lock(&self.model);
        let Some(mine) = model.interest.get(&user) else {
            return Vec::new();
        };
        let mut scores: HashMap<ProductId, f64> = HashMap::new();
        let mut because: HashMap<ProductId, (ProductId, f64)> = HashMap::new();
        for (other, theirs) in &model.interest {
            if *other == user {
                continue;
            }
            for (shared, mine_w) in mine.iter().filter(|(p, _)| theirs.contains_key(*p)) {
                for (candidate, w) in theirs.iter().filter(|(p, _)| !mine.contains_key(*p)) {
                    let score = mine_w * w;
                    *scores.entry(*candidate).or_default() += score;
                    let best = because.entry(*candidate).or_insert((*shared, 0.0));
                    if score > best.1 {
                        *best = (*shared, score);
                    }
                }
            }
        }
        CountingRecommender::ranked(&model, scores)
            .into_iter()
            .take(k)
            .map(|product| Suggestion {
                product,
                because: because.get(&product).map(|(b, _)| *b),
            })
            .collect()
    }

    fn similar(&self, product: ProductId, k: usize) -> Vec<ProductId> {
        let model = lock(&self.model);
        let mut scores: HashMap<ProductId, f64> = HashMap::new();
        for theirs in model.interest.values() {
            let Some(w) = theirs.get(&product) else {
                continue;
            };
            for (other, v) in theirs.iter().filter(|(p, _)| **p != product) {
                *scores.entry(*other).or_default() += w * v;
            }
        }
        CountingRecommender::ranked(&model, scores)
            .into_iter()
            .take(k)
            .collect()
    }

    fn popular(&self, k: usize) -> Vec<ProductId> {
        lock(&self.model)
            .popularity
            .iter()
            .take(k)
            .map(|(p, _)| *p)
            .collect()
    }
}

/// Documents as plain text: enough to see what was asked for. A marked copy is the
/// original with the mark's line appended (video and audio come back unchanged, and an
/// original that is not UTF-8 text is "unreadable", like a damaged PDF).
#[derive(Debug, Default)]
pub struct PlainDocuments {
    /// Marking jobs running now, and the most that ever ran at once.
    marking: AtomicUsize,
    pub most_marking: AtomicUsize,
}

impl Documents for PlainDocuments {
    fn certificate_pdf(&self, text: &CertificateText) -> Result<Vec<u8>, DocumentError> {
        Ok(format!(
            "certificate\n{}\n{} {} {}\n{}\n{}",
            text.title, text.preamble, text.holder, text.completed, text.product, text.verification
        )
        .into_bytes())
    }

    fn receipt_pdf(&self, text: &ReceiptText) -> Result<Vec<u8>, DocumentError> {
        let rows: Vec<String> = text
            .rows
            .iter()
            .map(|r| format!("{}: {}", r.label, r.value))
            .collect();
        Ok(format!(
            "receipt\n{}\n{}\n{}\n{}",
            text.title,
            text.parties.join("\n"),
            rows.join("\n"),
            text.footer
        )
        .into_bytes())
    }

    fn mark(
        &self,
        kind: MediaKind,
        original: Vec<u8>,
        mark: &BuyerMark,
        out: &mut dyn std::io::Write,
    ) -> Result<(), DocumentError> {
        let write = |out: &mut dyn std::io::Write, bytes: &[u8]| {
            out.write_all(bytes)
                .map_err(|e| DocumentError::Write(e.to_string()))
        };
        if !matches!(kind, MediaKind::Pdf | MediaKind::Epub) {
            return write(out, &original);
        }
        let running = self.marking.fetch_add(1, Ordering::SeqCst) + 1;
        self.most_marking.fetch_max(running, Ordering::SeqCst);
        // Long enough for parallel downloads to overlap when nothing bounds them.
        std::thread::sleep(std::time::Duration::from_millis(20));
        self.marking.fetch_sub(1, Ordering::SeqCst);
        let text =
            std::str::from_utf8(&original).map_err(|e| DocumentError::Unreadable(e.to_string()))?;
        write(out, text.as_bytes())?;
        write(
            out,
            format!("\n{} [{}]", mark.line, mark.reference).as_bytes(),
        )
    }
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
