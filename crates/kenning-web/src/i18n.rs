//! Translations with Fluent. Every visible string lives in `locales/<lang>/*.ftl`; this
//! module loads them (embedded in the binary), negotiates the locale and formats
//! messages, money and dates for it.

use std::collections::HashMap;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use fluent_langneg::{NegotiationStrategy, negotiate_languages};
use kenning_domain::locale::Locale;
use kenning_domain::money::Money;
use unic_langid::LanguageIdentifier;

use crate::zone::{WallClock, Zone};

/// The translation files, per locale. A new locale adds a folder and a line here.
const SOURCES: &[(Locale, &[&str])] = &[
    (
        Locale::En,
        &[
            include_str!("../../../locales/en/main.ftl"),
            include_str!("../../../locales/en/errors.ftl"),
        ],
    ),
    (
        Locale::ZhCn,
        &[
            include_str!("../../../locales/zh-CN/main.ftl"),
            include_str!("../../../locales/zh-CN/errors.ftl"),
        ],
    ),
];

/// All loaded translations.
pub struct I18n {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
    /// Messages that take no argument, formatted once at load: a page shows dozens of
    /// them, and formatting each per request was a large part of rendering one.
    plain: HashMap<Locale, HashMap<String, String>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("I18n").finish_non_exhaustive()
    }
}

impl I18n {
    /// Parses every embedded file; a syntax error is a bug caught by the tests.
    pub fn load() -> Result<I18n, String> {
        let mut bundles = HashMap::new();
        for (locale, sources) in SOURCES {
            let langid: LanguageIdentifier = locale
                .tag()
                .parse()
                .map_err(|e| format!("{}: {e:?}", locale.tag()))?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            // No Unicode isolation marks: the output is HTML and JSON, not mixed-direction UI.
            bundle.set_use_isolating(false);
            for source in *sources {
                let resource = FluentResource::try_new((*source).to_owned())
                    .map_err(|(_, errors)| format!("{}: {errors:?}", locale.tag()))?;
                bundle
                    .add_resource(resource)
                    .map_err(|errors| format!("{}: {errors:?}", locale.tag()))?;
            }
            bundles.insert(*locale, bundle);
        }
        let plain = bundles
            .iter()
            .map(|(locale, bundle)| (*locale, plain_messages(*locale, bundle)))
            .collect();
        Ok(I18n { bundles, plain })
    }

    /// Formats a message; a missing id falls back to English, then to the id itself.
    pub fn message(&self, locale: Locale, id: &str, args: Option<&FluentArgs<'_>>) -> String {
        if args.is_none()
            && let Some(text) = self.plain.get(&locale).and_then(|m| m.get(id))
        {
            return text.clone();
        }
        for candidate in [locale, Locale::DEFAULT] {
            let Some(bundle) = self.bundles.get(&candidate) else {
                continue;
            };
            if let Some(pattern) = bundle.get_message(id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let text = bundle.format_pattern(pattern, args, &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id, ?errors, "fluent formatting");
                }
                return text.into_owned();
            }
        }
        tracing::warn!(id, locale = locale.tag(), "missing translation");
        id.to_owned()
    }

    pub fn has(&self, locale: Locale, id: &str) -> bool {
        self.bundles.get(&locale).is_some_and(|b| b.has_message(id))
    }

    /// Message ids defined for a locale (for the completeness test).
    pub fn ids(locale: Locale) -> Vec<String> {
        let mut ids = Vec::new();
        for (l, sources) in SOURCES {
            if *l != locale {
                continue;
            }
            for source in *sources {
                for line in source.lines() {
                    if let Some((id, _)) = line.split_once(" =")
                        && !id.starts_with([' ', '#', '-'])
                        && !id.is_empty()
                    {
                        ids.push(id.trim().to_owned());
                    }
                }
            }
        }
        ids.sort();
        ids
    }
}

/// Every message of a locale that formats without arguments, formatted.
fn plain_messages(
    locale: Locale,
    bundle: &FluentBundle<FluentResource>,
) -> HashMap<String, String> {
    I18n::ids(locale)
        .into_iter()
        .filter_map(|id| {
            let pattern = bundle.get_message(&id)?.value()?;
            let mut errors = Vec::new();
            let text = bundle
                .format_pattern(pattern, None, &mut errors)
                .into_owned();
            errors.is_empty().then_some((id, text))
        })
        .collect()
}

/// Picks the best supported locale from an Accept-Language header.
pub fn negotiate(accept_language: &str) -> Locale {
    let requested = fluent_langneg::accepted_languages::parse(accept_language);
    let available: Vec<LanguageIdentifier> = Locale::ALL
        .iter()
        .filter_map(|l| l.tag().parse().ok())
        .collect();
    let default: Option<LanguageIdentifier> = Locale::DEFAULT.tag().parse().ok();
    let chosen = negotiate_languages(
        &requested,
        &available,
        default.as_ref(),
        NegotiationStrategy::Lookup,
    );
    chosen
        .first()
        .and_then(|id| Locale::parse(&id.to_string()).ok())
        .unwrap_or(Locale::DEFAULT)
}

/// A translator bound to one locale, and the time zone times are shown in (UTC when
/// none is known).
#[derive(Clone, Copy)]
pub struct Tr<'a> {
    pub i18n: &'a I18n,
    pub locale: Locale,
    pub zone: Option<&'a Zone>,
}

impl<'a> Tr<'a> {
    pub fn new(i18n: &'a I18n, locale: Locale) -> Self {
        Tr {
            i18n,
            locale,
            zone: None,
        }
    }

    /// The same translator, showing times in `zone`.
    pub fn in_zone(self, zone: Option<&'a Zone>) -> Self {
        Tr { zone, ..self }
    }

    fn wall_clock(&self, ms: i64) -> Option<WallClock> {
        match self.zone {
            Some(zone) => zone.wall_clock(ms),
            None => Zone::utc().wall_clock(ms),
        }
    }

    pub fn t(&self, id: &str) -> String {
        self.i18n.message(self.locale, id, None)
    }

    /// A message with one argument.
    pub fn t_with(
        &self,
        id: &str,
        name: &'static str,
        value: impl Into<FluentValue<'a>>,
    ) -> String {
        let mut args = FluentArgs::new();
        args.set(name, value);
        self.i18n.message(self.locale, id, Some(&args))
    }

    /// A message with several arguments.
    pub fn t_args(&self, id: &str, pairs: Vec<(&'static str, FluentValue<'a>)>) -> String {
        let mut args = FluentArgs::new();
        for (name, value) in pairs {
            args.set(name, value);
        }
        self.i18n.message(self.locale, id, Some(&args))
    }

    /// Money with the locale's currency symbol and digit grouping, e.g. "US$1,299.00".
    pub fn money(&self, money: &Money) -> String {
        let id = format!("currency-{}", money.currency.code());
        let symbol = if self.i18n.has(self.locale, &id) {
            self.t(&id)
        } else {
            format!("{} ", money.currency.code())
        };
        let digits = money.major_digits();
        let (sign, digits) = match digits.strip_prefix('-') {
            Some(rest) => ("-", rest),
            None => ("", digits.as_str()),
        };
        let (whole, frac) = match digits.split_once('.') {
            Some((w, f)) => (w, Some(f)),
            None => (digits, None),
        };
        let separator = self.t("number-group-separator");
        let mut grouped = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                grouped.push_str(&separator);
            }
            grouped.push(c);
        }
        match frac {
            Some(f) => format!(
                "{sign}{symbol}{grouped}{}{f}",
                self.t("number-decimal-separator")
            ),
            None => format!("{sign}{symbol}{grouped}"),
        }
    }

    /// A date for this locale, in the translator's zone ("Nov 22, 2026" /
    /// "2026年11月22日").
    pub fn date(&self, ms: i64) -> String {
        let Some(at) = self.wall_clock(ms) else {
            return String::new();
        };
        let mut args = FluentArgs::new();
        args.set("year", i64::from(at.year));
        args.set("month", i64::from(at.month));
        args.set("day", i64::from(at.day));
        args.set("monthName", self.t(&format!("month-{}", at.month)));
        self.i18n.message(self.locale, "date-format", Some(&args))
    }

    /// A date and time of day in the translator's zone, with the zone named
    /// ("Nov 22, 2026, 19:30 (Europe/Berlin)").
    pub fn datetime(&self, ms: i64) -> String {
        let Some(at) = self.wall_clock(ms) else {
            return String::new();
        };
        let mut args = FluentArgs::new();
        args.set("date", self.date(ms));
        args.set("time", format!("{:02}:{:02}", at.hour, at.minute));
        args.set("zone", self.zone.map_or("UTC", Zone::name).to_owned());
        self.i18n
            .message(self.locale, "datetime-format", Some(&args))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use kenning_domain::money::Currency;

    fn i18n() -> I18n {
        I18n::load().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_locale_defines_every_message() {
        let en = I18n::ids(Locale::En);
        assert!(en.len() > 50);
        for locale in Locale::ALL {
            assert_eq!(I18n::ids(locale), en, "{} differs from en", locale.tag());
        }
    }

    #[test]
    fn messages_without_arguments_are_kept_formatted_and_others_are_not() {
        let i = i18n();
        for locale in Locale::ALL {
            let plain = &i.plain[&locale];
            assert!(plain.len() > 50, "{}", locale.tag());
            let bundle = &i.bundles[&locale];
            for (id, text) in plain {
                let pattern = bundle.get_message(id).and_then(|m| m.value());
                let pattern = pattern.unwrap_or_else(|| panic!("{id}"));
                let mut errors = Vec::new();
                assert_eq!(bundle.format_pattern(pattern, None, &mut errors), *text);
            }
            assert!(!plain.contains_key("nav-signed-in-as"));
            assert!(
                Tr::new(&i, locale)
                    .t_with("nav-signed-in-as", "name", "Ada")
                    .contains("Ada")
            );
        }
        assert_eq!(
            Tr::new(&i, Locale::ZhCn).t("nav-login"),
            i.plain[&Locale::ZhCn]["nav-login"]
        );
    }

    #[test]
    fn accept_language_picks_chinese_for_any_chinese_variant() {
        assert_eq!(negotiate("zh-CN,zh;q=0.9,en;q=0.8"), Locale::ZhCn);
        assert_eq!(negotiate("zh"), Locale::ZhCn);
        assert_eq!(negotiate("fr-FR,en;q=0.5"), Locale::En);
        assert_eq!(negotiate("de"), Locale::En);
        assert_eq!(negotiate(""), Locale::En);
    }

    #[test]
    fn money_is_formatted_for_the_locale() {
        let i = i18n();
        let usd = Money::new(129_900, Currency::USD);
        assert_eq!(Tr::new(&i, Locale::En).money(&usd), "$1,299.00");
        assert_eq!(Tr::new(&i, Locale::ZhCn).money(&usd), "US$1,299.00");
        let cny = Money::new(9900, Currency::CNY);
        assert_eq!(Tr::new(&i, Locale::ZhCn).money(&cny), "¥99.00");
    }

    #[test]
    fn dates_are_formatted_for_the_locale() {
        let i = i18n();
        let ms = 1_795_305_600_000; // 2026-11-22 UTC
        assert_eq!(Tr::new(&i, Locale::En).date(ms), "Nov 22, 2026");
        assert_eq!(Tr::new(&i, Locale::ZhCn).date(ms), "2026年11月22日");
    }

    #[test]
    fn error_codes_have_messages_in_both_languages() {
        let i = i18n();
        for locale in Locale::ALL {
            assert!(i.has(locale, "error-weak_password"));
            assert!(i.has(locale, "error-card_declined"));
        }
    }
}
