//! Revenue: prices in the buyer's currency and tax by the buyer's country (here); the
//! shares others take of a sale ([`shares`]), statements and payouts ([`statements`]),
//! and receipts ([`receipts`]).

mod receipts;
mod shares;
mod statements;

pub use receipts::{HistoryLine, ReceiptView};
pub use shares::{NamedShare, NewContract};
pub use statements::{PayoutPreview, SaleDetail, Statements};

use std::sync::Arc;

use kenning_domain::DomainError;
use kenning_domain::account::Role;
use kenning_domain::audit::AuditAction;
use kenning_domain::catalog::Product;
pub use kenning_domain::fx::Offer;
use kenning_domain::fx::{self, ExchangeRate};
use kenning_domain::ids::{AccountId, ProductId};
use kenning_domain::ledger::Share;
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::{Order, Referral};
use kenning_domain::revenue::{self, PartnerContract};
use kenning_domain::tax::{self, Country, TaxLine, TaxRate};

use crate::accounts::CurrentUser;
use crate::audit_log::Change;
use crate::checkout::CurrencyChoice;
use crate::{AppError, Kenning};

const DAY_MS: i64 = 86_400_000;

/// What a price comes to with tax in a country.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Taxed {
    pub total: Money,
    pub line: TaxLine,
}

/// What a product costs one buyer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Quote {
    /// The list price in the currency (explicit or converted).
    pub list: Money,
    /// After any running sale, before tax.
    pub offer: Offer,
    pub taxed: Taxed,
}

/// What a quote reads besides the product: the rate table, the product's sale, the
/// buyer's tax rate and the time.
pub(crate) struct Priced<'a> {
    pub rates: &'a [ExchangeRate],
    pub sale: Option<kenning_domain::sale::Sale>,
    pub tax_bps: u16,
    pub now_ms: i64,
}

/// A price list's price in a currency, given the rate table (see [`Kenning::offer`]).
pub(crate) fn offer_with(
    prices: &kenning_domain::catalog::PriceList,
    choice: CurrencyChoice,
    rates: &[ExchangeRate],
) -> Result<Offer, AppError> {
    let wanted = match choice {
        CurrencyChoice::Exactly(c) | CurrencyChoice::Prefer(c) => c,
    };
    if let Some(offer) = fx::offer_in(prices, wanted, rates)? {
        return Ok(offer);
    }
    let first = prices.preferred(wanted).ok_or(AppError::NotForSale)?;
    match choice {
        CurrencyChoice::Exactly(_) => Err(DomainError::NotPricedInCurrency.into()),
        CurrencyChoice::Prefer(_) => Ok(Offer {
            price: first,
            conversion: None,
        }),
    }
}

/// Whether the rate table says prices in a currency hold the tax (yes, unless it says
/// otherwise).
pub(crate) fn tax_inclusive_in(rates: &[ExchangeRate], currency: Currency) -> bool {
    kenning_domain::fx::tax_inclusive_in(rates, currency)
}

/// What `price` comes to in `country` at `rate_bps`.
pub(crate) fn taxed_with(
    price: Money,
    country: &Country,
    rate_bps: u16,
    inclusive: bool,
) -> Result<Taxed, AppError> {
    let (total, amount) = tax::apply(price, rate_bps, inclusive)?;
    Ok(Taxed {
        total,
        line: TaxLine {
            country: country.clone(),
            rate_bps,
            inclusive,
            amount,
        },
    })
}

/// A product's quote from what was read for it ([`Kenning::quote`] reads it all).
pub(crate) fn quote_with(
    product: &Product,
    choice: CurrencyChoice,
    country: &Country,
    priced: &Priced<'_>,
) -> Result<Quote, AppError> {
    let listed = offer_with(&product.prices, choice, priced.rates)?;
    let price = kenning_domain::sale::price_now(listed.price, priced.sale, priced.now_ms);
    let inclusive = tax_inclusive_in(priced.rates, price.currency);
    let taxed = taxed_with(price, country, priced.tax_bps, inclusive)?;
    Ok(Quote {
        list: listed.price,
        offer: Offer { price, ..listed },
        taxed,
    })
}

impl Kenning {
    fn require_admin(user: &CurrentUser) -> Result<(), AppError> {
        if user.account.role == Role::Admin {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// The product's price in a currency: its explicit price there, or its first price
    /// converted with the rate table (`Prefer` falls back to the first price).
    pub async fn offer(
        &self,
        product: &Product,
        choice: CurrencyChoice,
    ) -> Result<Offer, AppError> {
        self.offer_from(&product.prices, choice).await
    }

    /// A price list's price in a currency, as [`Kenning::offer`] explains.
    pub async fn offer_from(
        &self,
        prices: &kenning_domain::catalog::PriceList,
        choice: CurrencyChoice,
    ) -> Result<Offer, AppError> {
        let rates = self.store.exchange_rates().await?;
        offer_with(prices, choice, &rates)
    }

    /// What a published product costs in a currency and country: list price, sale price
    /// and tax (coupons and bundle credit come at checkout).
    pub async fn quote(
        &self,
        id: ProductId,
        choice: CurrencyChoice,
        country: &Country,
    ) -> Result<Quote, AppError> {
        let product = self
            .store
            .product(id)
            .await?
            .filter(Product::is_published)
            .ok_or(AppError::NotFound("product"))?;
        let rates = self.store.exchange_rates().await?;
        let sale = self.store.sale(id).await?;
        let rate_bps = self
            .store
            .tax_rate(country)
            .await?
            .map_or(0, |r| r.rate_bps);
        quote_with(
            &product,
            choice,
            country,
            &Priced {
                rates: &rates,
                sale,
                tax_bps: rate_bps,
                now_ms: self.now_ms(),
            },
        )
    }

    /// Whether prices in a currency are shown with tax included (yes, unless the rate
    /// table says otherwise).
    pub async fn tax_inclusive(&self, currency: Currency) -> Result<bool, AppError> {
        Ok(tax_inclusive_in(
            &self.store.exchange_rates().await?,
            currency,
        ))
    }

    /// What `price` comes to for a buyer in `country` (no rate on file: no tax).
    pub async fn taxed(&self, price: Money, country: &Country) -> Result<Taxed, AppError> {
        let rate_bps = self
            .store
            .tax_rate(country)
            .await?
            .map_or(0, |r| r.rate_bps);
        let inclusive = self.tax_inclusive(price.currency).await?;
        taxed_with(price, country, rate_bps, inclusive)
    }

    /// The affiliate a referral code names, when the product's creator runs a programme,
    /// the buyer came by the link within the programme's days, and the code is not the
    /// buyer's or the creator's own.
    pub(crate) async fn referral_for(
        &self,
        visit: Option<(&str, i64)>,
        buyer: AccountId,
        product: &Product,
    ) -> Result<Option<Referral>, AppError> {
        let Some((code, since_ms)) = visit.filter(|(c, _)| !c.trim().is_empty()) else {
            return Ok(None);
        };
        let code = code.trim();
        let now = self.now_ms();
        let Some(affiliate) = self.store.referral_owner(code).await? else {
            return Ok(None);
        };
        if affiliate == buyer || affiliate == product.creator_id {
            return Ok(None);
        }
        Ok(self
            .store
            .affiliate_program(product.creator_id)
            .await?
            .filter(|p| p.bps > 0 && now <= since_ms.saturating_add(p.cookie_days * DAY_MS))
            .map(|p| Referral {
                affiliate,
                bps: p.bps,
            }))
    }

    /// The shares a sale of this order pays, under the rules in force now.
    pub(crate) async fn shares_for(
        &self,
        order: &Order,
        product: &Product,
    ) -> Result<Vec<Share>, AppError> {
        let now = self.now_ms();
        let contracts: Vec<PartnerContract> = self
            .store
            .partner_contracts_of(product.creator_id)
            .await?
            .into_iter()
            .filter(|c| c.covers(product.id, now))
            .collect();
        let cocreators = self.store.cocreators(product.id).await?;
        Ok(revenue::sale_shares(
            order.referral.map(|r| (r.affiliate, r.bps)),
            &contracts,
            &cocreators,
        ))
    }

    // --- Operator settings -------------------------------------------------------

    pub async fn tax_rates(&self) -> Result<Vec<TaxRate>, AppError> {
        Ok(self.store.tax_rates().await?)
    }

    /// The tax rates, for showing prices as a visitor's country pays them (kept for the
    /// catalog's TTL; checkout reads the store).
    pub async fn display_tax_rates(&self) -> Result<Arc<Vec<TaxRate>>, AppError> {
        let now = self.now_ms();
        if let Some(taxes) = self.catalog_cache.taxes(now) {
            return Ok(taxes);
        }
        let taxes = Arc::new(self.store.tax_rates().await?);
        self.catalog_cache.put_taxes(Arc::clone(&taxes), now);
        Ok(taxes)
    }

    pub async fn set_tax_rate(&self, user: &CurrentUser, rate: TaxRate) -> Result<(), AppError> {
        Self::require_admin(user)?;
        let before = self.store.tax_rate(&rate.country).await?;
        self.store.set_tax_rate(&rate, self.now_ms()).await?;
        // Product pages show the tax of the visitor's country.
        self.catalog_cache.clear();
        tracing::info!(country = %rate.country, bps = rate.rate_bps, actor = %user.account.id, "tax rate set");
        let mut change = Change::of(format!("tax:{}", rate.country))
            .after(serde_json::json!({"rate_bps": rate.rate_bps}));
        if let Some(before) = before {
            change = change.before(serde_json::json!({"rate_bps": before.rate_bps}));
        }
        self.audit(Some(user), AuditAction::TaxRateSet, change)
            .await
    }

    pub async fn exchange_rates(&self) -> Result<Vec<ExchangeRate>, AppError> {
        Ok(self.store.exchange_rates().await?)
    }

    /// The rate table for showing prices in listings (cached like the catalog; checkout
    /// and quotes read the table itself).
    pub async fn display_rates(&self) -> Result<Arc<Vec<ExchangeRate>>, AppError> {
        let now = self.now_ms();
        if let Some(rates) = self.catalog_cache.rates(now) {
            return Ok(rates);
        }
        let rates = Arc::new(self.store.exchange_rates().await?);
        self.catalog_cache.put_rates(Arc::clone(&rates), now);
        Ok(rates)
    }

    pub async fn set_exchange_rate(
        &self,
        user: &CurrentUser,
        rate: ExchangeRate,
    ) -> Result<(), AppError> {
        Self::require_admin(user)?;
        let rate = rate.validate()?;
        let before = self
            .store
            .exchange_rates()
            .await?
            .into_iter()
            .find(|r| r.currency == rate.currency);
        self.store.set_exchange_rate(&rate, self.now_ms()).await?;
        self.catalog_cache.clear();
        tracing::info!(currency = %rate.currency, actor = %user.account.id, "exchange rate set");
        let as_json = |r: &ExchangeRate| {
            serde_json::json!({
                "per_usd_e8": r.per_base_e8,
                "rounding": r.rounding.as_str(),
                "tax_inclusive": r.tax_inclusive,
            })
        };
        let mut change = Change::of(format!("currency:{}", rate.currency)).after(as_json(&rate));
        if let Some(before) = &before {
            change = change.before(as_json(before));
        }
        self.audit(Some(user), AuditAction::ExchangeRateSet, change)
            .await
    }
}
