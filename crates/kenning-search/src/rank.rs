//! Which matches a search returns, and in what order. Relevance is cut, not only sorted:
//! a short list of what was asked for beats the same list padded with products that
//! share one word with the query or come near a word of it.
//!
//! 1. Exact words first; the loose tier (prefixes, typos, Chinese character pairs) only
//!    when exact words find fewer than a few products.
//! 2. A product matching fewer of the query's words scores less than its BM25 sum says
//!    (coordination, as classic Lucene did), so a product matching every word stands out.
//! 3. Whatever scores far below the best match is dropped.
//! 4. The rest is sorted by score or by a column (newest, price, rating): sorting changes
//!    the order of the matches, never which ones are shown.

use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};

use tantivy::collector::{DocSetCollector, TopDocs};
use tantivy::query::{BooleanQuery, ConstScoreQuery, Occur, Query};
use tantivy::schema::Field;
use tantivy::{DocAddress, Searcher};

use crate::words::{Tier, Word, union};
use crate::{RATING, SearchError, SearchIndex, Sort};

/// Fewer exact matches than this and loose ones are considered too.
const FEW_EXACT: usize = 3;
/// Matches scoring below this share of the best one are dropped.
const CUT_BELOW_BEST: f32 = 0.3;
/// A product matching m of n words scores (m/n)^COORDINATION of its sum.
const COORDINATION: i32 = 1;
/// At most this many matches are ranked; sorting by a column sorts the best of them.
const CANDIDATES: usize = 1000;

pub(crate) type Scored = Vec<(f32, DocAddress)>;

impl SearchIndex {
    /// The matches worth showing, best first: exact words, then loose ones if exact words
    /// find little, weighted by how many words they match and cut far below the best.
    pub(crate) fn relevant(
        &self,
        searcher: &Searcher,
        words: &[Word],
        filters: &[Box<dyn Query>],
    ) -> Result<Scored, SearchError> {
        let mut hits = self.scored(searcher, words, filters, Tier::Exact)?;
        if hits.len() < FEW_EXACT {
            hits = self.scored(searcher, words, filters, Tier::Loose)?;
        }
        hits.sort_by(|a, b| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1)));
        let best = hits.first().map_or(0.0, |(score, _)| *score);
        hits.retain(|(score, _)| *score >= best * CUT_BELOW_BEST);
        Ok(hits)
    }

    /// Matches of any word at this tier, within the filters, coordinated.
    fn scored(
        &self,
        searcher: &Searcher,
        words: &[Word],
        filters: &[Box<dyn Query>],
        tier: Tier,
    ) -> Result<Scored, SearchError> {
        let Some(text) = union(words.iter().filter_map(|w| w.query(tier)).collect()) else {
            return Ok(Vec::new());
        };
        let mut clauses: Vec<(Occur, Box<dyn Query>)> = vec![(Occur::Must, text)];
        // Filters decide what matches, never how well.
        clauses.extend(filters.iter().map(|f| {
            (
                Occur::Must,
                Box::new(ConstScoreQuery::new(f.box_clone(), 0.0)) as Box<dyn Query>,
            )
        }));
        let query = BooleanQuery::new(clauses);
        let mut hits =
            searcher.search(&query, &TopDocs::with_limit(CANDIDATES).order_by_score())?;
        coordinate(searcher, words, tier, &mut hits)?;
        Ok(hits)
    }

    /// A page of matches in the order asked for: as ranked, or by a column read from the
    /// fast fields (products without a value in it last either way; only the final page
    /// is ever loaded from the store).
    pub(crate) fn ordered(
        &self,
        searcher: &Searcher,
        mut hits: Scored,
        sort: Sort,
        price_field: Option<Field>,
        limit: usize,
    ) -> Result<Scored, SearchError> {
        let column = match (sort, price_field) {
            (Sort::Relevance, _) | (Sort::PriceLow | Sort::PriceHigh, None) => None,
            (Sort::Newest, _) => Some(("published".to_owned(), true)),
            (Sort::Rating, _) => Some((RATING.to_owned(), true)),
            (Sort::PriceLow | Sort::PriceHigh, Some(field)) => Some((
                self.index.schema().get_field_name(field).to_owned(),
                sort == Sort::PriceHigh,
            )),
        };
        if let Some((column, descending)) = column {
            hits = sorted_by_column(searcher, hits, &column, descending)?;
        }
        hits.truncate(limit);
        Ok(hits)
    }
}

/// Matches sorted by an i64 fast field (ties by address, so pages are stable).
fn sorted_by_column(
    searcher: &Searcher,
    hits: Scored,
    column: &str,
    descending: bool,
) -> Result<Scored, SearchError> {
    let missing = if descending { i64::MIN } else { i64::MAX };
    let mut columns = HashMap::new();
    let mut keyed = Vec::with_capacity(hits.len());
    for (score, address) in hits {
        let values = match columns.entry(address.segment_ord) {
            Entry::Occupied(e) => e.into_mut(),
            Entry::Vacant(e) => e.insert(
                searcher
                    .segment_reader(address.segment_ord)
                    .fast_fields()
                    .i64(column)?,
            ),
        };
        keyed.push((
            values.first(address.doc_id).unwrap_or(missing),
            score,
            address,
        ));
    }
    if descending {
        keyed.sort_by_key(|(v, _, a)| (std::cmp::Reverse(*v), *a));
    } else {
        keyed.sort_by_key(|(v, _, a)| (*v, *a));
    }
    Ok(keyed.into_iter().map(|(_, s, a)| (s, a)).collect())
}

/// Scales each score by the share of the query's words the product matches.
fn coordinate(
    searcher: &Searcher,
    words: &[Word],
    tier: Tier,
    hits: &mut Scored,
) -> Result<(), SearchError> {
    if words.len() < 2 || hits.is_empty() {
        return Ok(());
    }
    let mut matched: HashMap<DocAddress, i32> = HashMap::new();
    for query in words.iter().filter_map(|w| w.query(tier)) {
        let found: HashSet<DocAddress> = searcher.search(&query, &DocSetCollector)?;
        for (_, address) in hits.iter() {
            if found.contains(address) {
                *matched.entry(*address).or_default() += 1;
            }
        }
    }
    let total = words.len() as f32;
    for (score, address) in hits.iter_mut() {
        let share = matched.get(address).copied().unwrap_or(0) as f32 / total;
        *score *= share.powi(COORDINATION);
    }
    Ok(())
}
