//! Reviews and ratings (评价/评分) from verified buyers.

use crate::DomainError;
use crate::ids::{AccountId, ProductId};

/// Longest review text, in characters.
pub const MAX_REVIEW_CHARS: usize = 4_000;

/// One to five stars.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Rating(u8);

impl Rating {
    pub fn new(stars: i64) -> Result<Rating, DomainError> {
        u8::try_from(stars)
            .ok()
            .filter(|s| (1..=5).contains(s))
            .map(Rating)
            .ok_or(DomainError::InvalidRating)
    }

    pub fn stars(self) -> u8 {
        self.0
    }
}

/// What a buyer writes: stars and optional text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReviewDraft {
    pub rating: Rating,
    pub body: String,
}

impl ReviewDraft {
    pub fn new(stars: i64, body: &str) -> Result<ReviewDraft, DomainError> {
        let rating = Rating::new(stars)?;
        let body = crate::text::parse(body, crate::text::Lines::Many, MAX_REVIEW_CHARS)?;
        Ok(ReviewDraft { rating, body })
    }
}

/// A review as stored: one per person and product, replaced when they write again.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub product_id: ProductId,
    pub account_id: AccountId,
    pub author_name: String,
    pub rating: Rating,
    pub body: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
}

/// Who may review: someone who owns the product and did not make it.
pub fn can_review(product_creator: AccountId, reviewer: AccountId, entitled: bool) -> bool {
    entitled && product_creator != reviewer
}

/// The ratings of a product, as a count and a sum of stars.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RatingSummary {
    pub count: i64,
    pub sum: i64,
}

impl RatingSummary {
    /// The mean in hundredths of a star, rounded half up (450 is 4.5 stars); None
    /// without ratings. Integer arithmetic, so every node computes the same value.
    pub fn average_centi(&self) -> Option<i64> {
        if self.count <= 0 {
            return None;
        }
        self.sum
            .checked_mul(100)
            .and_then(|s| s.checked_add(self.count / 2))
            .map(|s| s / self.count)
    }

    /// The mean with one decimal ("4.5"), rounded half up; None without ratings.
    pub fn average_display(&self) -> Option<String> {
        if self.count <= 0 {
            return None;
        }
        let tenths = self
            .sum
            .checked_mul(10)
            .and_then(|s| s.checked_add(self.count / 2))
            .map(|s| s / self.count)?;
        Some(format!("{}.{}", tenths / 10, tenths % 10))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn review_text_holds_no_control_characters() {
        assert_eq!(ReviewDraft::new(4, "good\0"), Err(DomainError::InvalidText));
        assert_eq!(
            ReviewDraft::new(4, "good\nvery").map(|d| d.body),
            Ok("good\nvery".into())
        );
    }

    #[test]
    fn ratings_are_one_to_five_stars() {
        assert_eq!(Rating::new(0), Err(DomainError::InvalidRating));
        assert_eq!(Rating::new(6), Err(DomainError::InvalidRating));
        assert_eq!(Rating::new(-3), Err(DomainError::InvalidRating));
        assert_eq!(Rating::new(1_000), Err(DomainError::InvalidRating));
        assert_eq!(Rating::new(5).map(Rating::stars), Ok(5));
    }

    #[test]
    fn review_text_is_trimmed_and_bounded() {
        let ok = ReviewDraft::new(4, "  clear and kind  ").unwrap();
        assert_eq!(ok.body, "clear and kind");
        let long = "字".repeat(MAX_REVIEW_CHARS + 1);
        assert_eq!(ReviewDraft::new(4, &long), Err(DomainError::TextTooLong));
        assert!(ReviewDraft::new(4, &"字".repeat(MAX_REVIEW_CHARS)).is_ok());
    }

    #[test]
    fn only_buyers_who_did_not_make_it_review() {
        let (creator, buyer) = (AccountId::new(), AccountId::new());
        assert!(can_review(creator, buyer, true));
        assert!(!can_review(creator, buyer, false));
        assert!(!can_review(creator, creator, true));
    }

    #[test]
    fn averages_round_half_up() {
        let s = RatingSummary { count: 2, sum: 9 };
        assert_eq!(s.average_centi(), Some(450));
        assert_eq!(s.average_display().as_deref(), Some("4.5"));
        let s = RatingSummary { count: 3, sum: 13 };
        assert_eq!(s.average_centi(), Some(433));
        assert_eq!(s.average_display().as_deref(), Some("4.3"));
        assert_eq!(RatingSummary::default().average_centi(), None);
        assert_eq!(RatingSummary::default().average_display(), None);
    }

    proptest! {
        #[test]
        fn the_average_lies_between_one_and_five_stars(stars in proptest::collection::vec(1i64..=5, 1..200)) {
            let s = RatingSummary {
                count: i64::try_from(stars.len()).unwrap(),
                sum: stars.iter().sum(),
            };
            let centi = s.average_centi().unwrap();
            prop_assert!((100..=500).contains(&centi));
            let min = stars.iter().min().unwrap() * 100;
            let max = stars.iter().max().unwrap() * 100;
            prop_assert!(centi >= min && centi <= max);
        }
    }
}
