//! Locales Kenning speaks and text kept in several languages.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::DomainError;
use crate::money::Currency;

/// A language the interface is translated into. More are added by a variant here and a
/// folder under `locales/`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Locale {
    #[serde(rename = "en")]
    En,
    #[serde(rename = "zh-CN")]
    ZhCn,
}

impl Locale {
    pub const ALL: [Locale; 2] = [Locale::En, Locale::ZhCn];
    pub const DEFAULT: Locale = Locale::En;

    /// The BCP 47 tag, as used in `<html lang>` and folder names.
    pub fn tag(&self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::ZhCn => "zh-CN",
        }
    }

    /// Parses a tag loosely: "zh", "zh-cn", "zh-Hans-CN" and "zh_CN" all mean zh-CN.
    pub fn parse(tag: &str) -> Result<Locale, DomainError> {
        let lower = tag.trim().to_ascii_lowercase().replace('_', "-");
        let primary = lower.split('-').next().unwrap_or_default();
        match primary {
            "en" => Ok(Locale::En),
            "zh" => Ok(Locale::ZhCn),
            _ => Err(DomainError::UnknownLocale),
        }
    }

    /// The country a person reading in this locale most likely buys from, when nothing
    /// better is known.
    pub fn default_country(&self) -> crate::tax::Country {
        crate::tax::Country::known(match self {
            Locale::En => "US",
            Locale::ZhCn => "CN",
        })
    }

    /// The currency a person reading in this locale most likely pays in.
    pub fn default_currency(&self) -> Currency {
        match self {
            Locale::En => Currency::USD,
            Locale::ZhCn => Currency::CNY,
        }
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

/// Text written in one or more languages, e.g. a product title.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct LocalizedText(BTreeMap<Locale, String>);

impl LocalizedText {
    pub fn new() -> Self {
        Self::default()
    }

    /// Builds from (locale, text) pairs, dropping blank entries.
    pub fn from_pairs<I, S>(pairs: I) -> Self
    where
        I: IntoIterator<Item = (Locale, S)>,
        S: Into<String>,
    {
        let mut text = Self::new();
        for (locale, value) in pairs {
            text.set(locale, value);
        }
        text
    }

    /// Sets the text for a locale; blank text removes it.
    pub fn set(&mut self, locale: Locale, value: impl Into<String>) {
        let value = value.into();
        let trimmed = value.trim();
        if trimmed.is_empty() {
            self.0.remove(&locale);
        } else {
            self.0.insert(locale, trimmed.to_owned());
        }
    }

    /// The text in `locale`, falling back to English and then to any language present.
    pub fn get(&self, locale: Locale) -> &str {
        self.0
            .get(&locale)
            .or_else(|| self.0.get(&Locale::DEFAULT))
            .or_else(|| self.0.values().next())
            .map(String::as_str)
            .unwrap_or_default()
    }

    /// The text in exactly this locale, without fallback.
    pub fn exact(&self, locale: Locale) -> Option<&str> {
        self.0.get(&locale).map(String::as_str)
    }

    pub fn locales(&self) -> impl Iterator<Item = Locale> + '_ {
        self.0.keys().copied()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// Checks that no entry is longer than `max` characters.
    pub fn check_len(&self, max: usize) -> Result<(), DomainError> {
        if self.0.values().any(|v| v.chars().count() > max) {
            Err(DomainError::TextTooLong)
        } else {
            Ok(())
        }
    }

    /// Checks every entry as a text field of `lines` (no control characters, see
    /// [`crate::text`]) of at most `max` characters.
    pub fn check_text(&self, lines: crate::text::Lines, max: usize) -> Result<(), DomainError> {
        for value in self.0.values() {
            crate::text::check(value, lines)?;
        }
        self.check_len(max)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tags_parse_loosely() {
        assert_eq!(Locale::parse("zh-Hans-CN"), Ok(Locale::ZhCn));
        assert_eq!(Locale::parse("en-GB"), Ok(Locale::En));
        assert_eq!(Locale::parse("fr"), Err(DomainError::UnknownLocale));
    }

    #[test]
    fn text_falls_back_to_english_then_anything() {
        let t = LocalizedText::from_pairs([(Locale::En, "Rust"), (Locale::ZhCn, "锈")]);
        assert_eq!(t.get(Locale::ZhCn), "锈");
        let only_zh = LocalizedText::from_pairs([(Locale::ZhCn, "锈")]);
        assert_eq!(only_zh.get(Locale::En), "锈");
        assert_eq!(LocalizedText::new().get(Locale::En), "");
    }

    #[test]
    fn blank_text_is_not_kept() {
        let t = LocalizedText::from_pairs([(Locale::En, "  ")]);
        assert!(t.is_empty());
    }
}
