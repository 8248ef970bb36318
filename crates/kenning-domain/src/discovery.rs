//! What recommendations learn from: signals of interest, each kind with its weight, and
//! the description of a product that content-based suggestions compare.

use crate::catalog::Product;
use crate::ids::{AccountId, ProductId};
use crate::review::Rating;

/// A kind of interest a person shows in a product.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SignalKind {
    /// They own it (bought or claimed).
    Purchase,
    /// They studied one of its lessons.
    Study,
    /// They opened its page.
    View,
    /// They rated it: good ratings add interest, poor ones take some away.
    Review,
}

impl SignalKind {
    /// The kind named by [`SignalKind::as_str`].
    pub fn parse(s: &str) -> Option<SignalKind> {
        match s {
            "purchase" => Some(SignalKind::Purchase),
            "study" => Some(SignalKind::Study),
            "view" => Some(SignalKind::View),
            "review" => Some(SignalKind::Review),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            SignalKind::Purchase => "purchase",
            SignalKind::Study => "study",
            SignalKind::View => "view",
            SignalKind::Review => "review",
        }
    }

    /// How much one such signal says, relative to a purchase. A view is a weak hint,
    /// study shows the purchase is valued; a review weighs this per star away from three.
    pub fn weight(self) -> f64 {
        match self {
            SignalKind::Purchase => 1.0,
            SignalKind::Study => 0.5,
            SignalKind::View => 0.2,
            SignalKind::Review => 0.25,
        }
    }
}

/// How often a person showed one kind of interest in one product.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Signal {
    pub account: AccountId,
    pub product: ProductId,
    pub kind: SignalKind,
    pub times: i64,
    /// The stars given, for a review.
    pub rating: Option<Rating>,
}

/// Repeats beyond this add nothing more.
const MAX_COUNTED_REPEATS: u32 = 20;

impl Signal {
    /// The kind's weight, growing with the logarithm of repeats: the tenth visit says a
    /// little more than the first, not ten times as much.
    pub fn weight(&self) -> f64 {
        if self.kind == SignalKind::Review {
            let stars = self.rating.map_or(3, Rating::stars);
            return self.kind.weight() * (f64::from(stars) - 3.0);
        }
        let times = u32::try_from(self.times.max(1))
            .unwrap_or(MAX_COUNTED_REPEATS)
            .min(MAX_COUNTED_REPEATS);
        self.kind.weight() * (1.0 + f64::from(times).ln() / 4.0)
    }
}

/// The features content-based suggestions compare: tags, creator, kind and languages.
pub fn product_features(product: &Product) -> Vec<String> {
    let mut features: Vec<String> = product.tags.iter().map(|t| format!("tag:{t}")).collect();
    features.push(format!("creator:{}", product.creator_id));
    features.push(format!("kind:{}", product.kind.as_str()));
    features.extend(
        product
            .languages()
            .iter()
            .map(|l| format!("lang:{}", l.tag())),
    );
    features
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_round_trip_and_weigh_purchases_most() {
        for kind in [
            SignalKind::Purchase,
            SignalKind::Study,
            SignalKind::View,
            SignalKind::Review,
        ] {
            assert_eq!(SignalKind::parse(kind.as_str()), Some(kind));
        }
        assert_eq!(SignalKind::parse("click"), None);
        assert!(SignalKind::Purchase.weight() > SignalKind::Study.weight());
        assert!(SignalKind::Study.weight() > SignalKind::View.weight());
    }

    #[test]
    fn repeats_count_with_diminishing_returns() {
        let signal = |times| Signal {
            account: AccountId::new(),
            product: ProductId::new(),
            kind: SignalKind::View,
            times,
            rating: None,
        };
        let once = signal(1).weight();
        let ten = signal(10).weight();
        assert!((once - SignalKind::View.weight()).abs() < 1e-12);
        assert!(ten > once && ten < 2.0 * once);
        assert_eq!(signal(1_000_000).weight(), signal(20).weight());
        assert_eq!(signal(-5).weight(), once);
    }

    #[test]
    fn good_reviews_add_interest_and_poor_ones_take_it_away() {
        let review = |stars| Signal {
            account: AccountId::new(),
            product: ProductId::new(),
            kind: SignalKind::Review,
            times: 1,
            rating: Rating::new(stars).ok(),
        };
        assert!(review(5).weight() > review(4).weight());
        assert_eq!(review(3).weight(), 0.0);
        assert!(review(1).weight() < 0.0);
        // A purchase rated one star still says more than nothing.
        assert!(SignalKind::Purchase.weight() + review(1).weight() > 0.0);
    }
}
