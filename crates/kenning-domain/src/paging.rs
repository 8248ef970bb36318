//! Pages of a listing and how many items a request may ask for. Both come from query
//! strings, so both are bounded: a page past [`MAX_PAGE`] or a size outside `1..=max` is
//! refused (`invalid_page`) rather than clamped into a wrapped offset.

use crate::DomainError;

/// The deepest page anyone may ask for (10,000 pages of the largest size is a million
/// items, more than any listing here holds).
pub const MAX_PAGE: i64 = 10_000;
/// The most items one page of the catalog holds.
pub const MAX_PER_PAGE: i64 = 100;

/// A checked page request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Paging {
    page: i64,
    per_page: i64,
}

impl Paging {
    /// Page `page` (from 1) of `per_page` items (1 to [`MAX_PER_PAGE`]).
    pub fn new(page: i64, per_page: i64) -> Result<Paging, DomainError> {
        if (1..=MAX_PAGE).contains(&page) && (1..=MAX_PER_PAGE).contains(&per_page) {
            Ok(Paging { page, per_page })
        } else {
            Err(DomainError::InvalidPage)
        }
    }

    pub fn page(self) -> i64 {
        self.page
    }

    pub fn per_page(self) -> i64 {
        self.per_page
    }

    /// How many items come before this page (cannot overflow: both factors are bounded).
    pub fn offset(self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }
}

/// A requested number of items: `default` when absent, else 1 to `max`.
pub fn limit(requested: Option<i64>, default: usize, max: usize) -> Result<usize, DomainError> {
    match requested {
        None => Ok(default),
        Some(n) => usize::try_from(n)
            .ok()
            .filter(|n| (1..=max).contains(n))
            .ok_or(DomainError::InvalidPage),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_are_bounded_instead_of_wrapping() {
        assert_eq!(Paging::new(1, 24).map(Paging::offset), Ok(0));
        assert_eq!(Paging::new(3, 24).map(Paging::offset), Ok(48));
        assert_eq!(
            Paging::new(MAX_PAGE, MAX_PER_PAGE).map(Paging::offset),
            Ok(999_900)
        );
        for (page, per_page) in [
            (i64::MAX, 24),
            (0, 24),
            (-1, 24),
            (1, 0),
            (1, 101),
            (MAX_PAGE + 1, 1),
        ] {
            assert_eq!(
                Paging::new(page, per_page),
                Err(DomainError::InvalidPage),
                "{page} {per_page}"
            );
        }
    }

    #[test]
    fn limits_have_a_default_and_a_ceiling() {
        assert_eq!(limit(None, 10, 50), Ok(10));
        assert_eq!(limit(Some(50), 10, 50), Ok(50));
        assert_eq!(limit(Some(51), 10, 50), Err(DomainError::InvalidPage));
        assert_eq!(limit(Some(0), 10, 50), Err(DomainError::InvalidPage));
        assert_eq!(limit(Some(-5), 10, 50), Err(DomainError::InvalidPage));
    }
}
