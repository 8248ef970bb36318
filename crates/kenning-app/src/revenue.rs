//! Prices in the buyer's currency, tax by the buyer's country, revenue shares
//! (co-creators, partner contracts, affiliates), statements and payouts.

use std::sync::Arc;

use kenning_domain::DomainError;
use kenning_domain::account::{Email, Role};
use kenning_domain::catalog::Product;
pub use kenning_domain::fx::Offer;
use kenning_domain::fx::{self, ExchangeRate};
use kenning_domain::ids::{AccountId, PartnerContractId, PayoutId, ProductId};
use kenning_domain::ledger::{self, LedgerAccount, Share};
use kenning_domain::money::{Currency, Money};
use kenning_domain::order::{Order, ReceiptNumber, Referral};
use kenning_domain::revenue::{self, AffiliateProgram, CoCreator, PartnerContract};
use kenning_domain::statement::{Period, Statement};
use kenning_domain::tax::{self, Country, TaxLine, TaxRate};

use crate::accounts::CurrentUser;
use crate::checkout::CurrencyChoice;
use crate::ports::PayoutRecord;
use crate::{AppError, Kenning};

const DAY_MS: i64 = 86_400_000;

/// Receipts numbered in one transaction.
const RECEIPT_BATCH: i64 = 500;

/// How long a referral lasts when the creator has not said.
pub const DEFAULT_COOKIE_DAYS: i64 = 30;

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

/// A co-creator as a creator names them.
#[derive(Clone, Debug)]
pub struct NamedShare {
    pub email: String,
    pub bps: u16,
}

/// What an operator fills in for a partner contract.
#[derive(Clone, Debug)]
pub struct NewContract {
    pub partner_email: String,
    /// Either a product (its creator is the contract's creator) or a creator.
    pub product_id: Option<ProductId>,
    pub creator_id: Option<AccountId>,
    pub bps: u16,
    pub starts_at_ms: Option<i64>,
    pub ends_at_ms: Option<i64>,
}

/// One statement per currency the person had money in.
#[derive(Clone, Debug)]
pub struct Statements {
    pub period: Period,
    pub statements: Vec<Statement>,
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
    rates
        .iter()
        .find(|r| r.currency == currency)
        .is_none_or(|r| r.tax_inclusive)
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

    pub async fn set_tax_rate(&self, user: &CurrentUser, rate: TaxRate) -> Result<(), AppError> {
        Self::require_admin(user)?;
        self.store.set_tax_rate(&rate, self.now_ms()).await?;
        // Product pages show the tax of the visitor's country.
        self.catalog_cache.clear();
        tracing::info!(country = %rate.country, bps = rate.rate_bps, actor = %user.account.id, "tax rate set");
        Ok(())
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
        self.store.set_exchange_rate(&rate, self.now_ms()).await?;
        self.catalog_cache.clear();
        tracing::info!(currency = %rate.currency, actor = %user.account.id, "exchange rate set");
        Ok(())
    }

    // --- Co-creators, partners, affiliates ---------------------------------------

    /// The product's co-creators with their e-mail addresses (its creator and admins).
    pub async fn cocreators(
        &self,
        user: &CurrentUser,
        product: ProductId,
    ) -> Result<Vec<(CoCreator, Email)>, AppError> {
        let product = self.editable_product(user, product).await?;
        let shares = self.store.cocreators(product.id).await?;
        let accounts = futures::future::try_join_all(
            (shares.iter()).map(|s| self.store.account_by_id(s.account_id)),
        )
        .await?;
        Ok((shares.into_iter().zip(accounts))
            .filter_map(|(share, account)| account.map(|a| (share, a.email)))
            .collect())
    }

    /// Replaces the product's co-creators, named by e-mail (each must have an account).
    pub async fn set_cocreators(
        &self,
        user: &CurrentUser,
        product: ProductId,
        shares: &[NamedShare],
    ) -> Result<Vec<CoCreator>, AppError> {
        let product = self.editable_product(user, product).await?;
        let mut resolved = Vec::with_capacity(shares.len());
        for share in shares {
            let email = Email::parse(&share.email)?;
            let (account, _) = self
                .store
                .account_by_email(&email)
                .await?
                .ok_or(AppError::NotFound("account"))?;
            resolved.push(CoCreator {
                account_id: account.id,
                bps: share.bps,
            });
        }
        revenue::validate_cocreators(product.creator_id, &resolved)?;
        self.store.set_cocreators(product.id, &resolved).await?;
        Ok(resolved)
    }

    /// Signs a partner up for a share of a product's or a creator's sales (operators).
    pub async fn create_partner_contract(
        &self,
        user: &CurrentUser,
        new: NewContract,
    ) -> Result<PartnerContract, AppError> {
        Self::require_admin(user)?;
        let partner = Email::parse(&new.partner_email)?;
        let (partner, _) = self
            .store
            .account_by_email(&partner)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let creator_id = match (new.product_id, new.creator_id) {
            (Some(product), _) => {
                self.store
                    .product(product)
                    .await?
                    .ok_or(AppError::NotFound("product"))?
                    .creator_id
            }
            (None, Some(creator)) => {
                let account = self
                    .store
                    .account_by_id(creator)
                    .await?
                    .ok_or(AppError::NotFound("account"))?;
                if !account.role.can_create_products() {
                    return Err(DomainError::InvalidShare.into());
                }
                account.id
            }
            (None, None) => return Err(DomainError::InvalidShare.into()),
        };
        let now = self.now_ms();
        let contract = PartnerContract {
            id: PartnerContractId::new(),
            partner_id: partner.id,
            creator_id,
            product_id: new.product_id,
            bps: new.bps,
            starts_at_ms: new.starts_at_ms.unwrap_or(now),
            ends_at_ms: new.ends_at_ms,
            created_at_ms: now,
        }
        .validate()?;
        self.store.insert_partner_contract(&contract).await?;
        tracing::info!(contract = %contract.id, actor = %user.account.id, "partner contract signed");
        Ok(contract)
    }

    /// Contracts the person is a party to: as creator or as partner.
    pub async fn my_contracts(&self, user: &CurrentUser) -> Result<Vec<PartnerContract>, AppError> {
        let mut all = self.store.partner_contracts_of(user.account.id).await?;
        all.extend(self.store.contracts_as_partner(user.account.id).await?);
        Ok(all)
    }

    /// The creator's affiliate programme (off until set).
    pub async fn affiliate_program(
        &self,
        creator: AccountId,
    ) -> Result<AffiliateProgram, AppError> {
        Ok(self
            .store
            .affiliate_program(creator)
            .await?
            .unwrap_or(AffiliateProgram {
                creator_id: creator,
                bps: 0,
                cookie_days: DEFAULT_COOKIE_DAYS,
            }))
    }

    pub async fn set_affiliate_program(
        &self,
        user: &CurrentUser,
        bps: u16,
        cookie_days: i64,
    ) -> Result<AffiliateProgram, AppError> {
        if !user.account.role.can_create_products() {
            return Err(AppError::Forbidden);
        }
        let program = AffiliateProgram {
            creator_id: user.account.id,
            bps,
            cookie_days,
        }
        .validate()?;
        self.store
            .set_affiliate_program(&program, self.now_ms())
            .await?;
        // Product pages offer the commission to those who share them.
        self.catalog_cache.clear();
        Ok(program)
    }

    /// The person's referral code, made on first use.
    pub async fn referral_code(&self, user: &CurrentUser) -> Result<String, AppError> {
        if let Some(code) = self.store.referral_code_of(user.account.id).await? {
            return Ok(code);
        }
        let code: String = crate::accounts::random_token()?.chars().take(10).collect();
        let kept = self
            .store
            .insert_referral_code(user.account.id, &code)
            .await?;
        self.holdings_changed();
        Ok(kept)
    }

    /// Whether a referral code exists (so a link with a stale code sets no cookie).
    pub async fn referral_code_exists(&self, code: &str) -> Result<bool, AppError> {
        if code.is_empty() || code.len() > 64 {
            return Ok(false);
        }
        Ok(self.store.referral_owner(code).await?.is_some())
    }

    // --- Statements and payouts --------------------------------------------------

    /// The person's statements for a month, one per currency with any movement or
    /// balance.
    pub async fn statements(
        &self,
        user: &CurrentUser,
        period: Period,
    ) -> Result<Statements, AppError> {
        let account = user.account.id;
        let opening = self.store.owed_before(account, period.start_ms()).await?;
        let lines = self
            .store
            .earnings_lines(account, period.start_ms(), period.end_ms())
            .await?;
        let mut currencies: Vec<Currency> = opening
            .iter()
            .map(|m| m.currency)
            .chain(lines.iter().map(|l| l.amount.currency))
            .collect();
        currencies.sort();
        currencies.dedup();
        let statements = currencies
            .into_iter()
            .map(|c| {
                let open = opening
                    .iter()
                    .find(|m| m.currency == c)
                    .map_or(0, |m| m.amount_minor);
                let mine = lines
                    .iter()
                    .filter(|l| l.amount.currency == c)
                    .cloned()
                    .collect();
                Statement::build(c, open, mine)
            })
            .collect();
        Ok(Statements { period, statements })
    }

    /// Pays out everyone owed at least `minimum_major` major units of a currency (all
    /// currencies when `currency` is `None`): each of their earnings accounts is settled
    /// in one ledger transaction. Operators only.
    pub async fn run_payouts(
        &self,
        user: &CurrentUser,
        currency: Option<Currency>,
        minimum_major: i64,
    ) -> Result<Vec<PayoutRecord>, AppError> {
        Self::require_admin(user)?;
        if minimum_major < 0 {
            return Err(DomainError::InvalidAmount.into());
        }
        let owed = self.store.owed_balances().await?;
        // Group per person and currency: (person, currency, their accounts' balances).
        type Group = (AccountId, Currency, Vec<(LedgerAccount, Money)>);
        let mut groups: Vec<Group> = Vec::new();
        for o in owed
            .into_iter()
            .filter(|o| currency.is_none_or(|c| o.amount.currency == c))
        {
            let account = LedgerAccount::Earnings(o.payee, o.account_id);
            match groups
                .iter_mut()
                .find(|(a, c, _)| *a == o.account_id && *c == o.amount.currency)
            {
                Some((_, _, parts)) => parts.push((account, o.amount)),
                None => groups.push((o.account_id, o.amount.currency, vec![(account, o.amount)])),
            }
        }
        let mut made = Vec::new();
        for (account_id, currency, parts) in groups {
            let total: i64 = parts.iter().map(|(_, m)| m.amount_minor).sum();
            let minimum = Money::parse_major(&minimum_major.to_string(), currency)?;
            if total <= 0 || total < minimum.amount_minor {
                continue;
            }
            let entries = ledger::payout(&parts, self.payments.name())?;
            let record = PayoutRecord {
                id: PayoutId::new(),
                account_id,
                amount: Money::new(total, currency),
                actor_id: user.account.id,
                created_at_ms: self.now_ms(),
            };
            match self.store.record_payout(&record, &entries).await {
                // Another run paid it meanwhile.
                Err(crate::ports::StoreError::Conflict) => continue,
                other => other?,
            }
            tracing::info!(payout = %record.id, account = %account_id, amount = total, "paid out");
            made.push(record);
        }
        Ok(made)
    }

    /// The latest payouts (operators).
    pub async fn payouts(&self, user: &CurrentUser) -> Result<Vec<PayoutRecord>, AppError> {
        Self::require_admin(user)?;
        Ok(self.store.payouts(200).await?)
    }
}

/// Everything a receipt shows.
#[derive(Clone, Debug)]
pub struct ReceiptView {
    pub order: Order,
    pub product: Product,
    pub buyer: kenning_domain::account::Account,
    /// The card's last four digits, when a card paid.
    pub card_last4: Option<String>,
    /// (when, amount) of each refund.
    pub refunds: Vec<(i64, Money)>,
    /// The receipt's number.
    pub number: Option<ReceiptNumber>,
    /// The seller of record, when the operator is (else the creator sells).
    pub merchant: Option<crate::Merchant>,
}

/// One line of a person's order history.
#[derive(Clone, Debug)]
pub struct HistoryLine {
    pub order: Order,
    pub product: Product,
    pub refunded: Money,
}

impl Kenning {
    /// The person's orders, newest first, with what they bought and got back.
    pub async fn order_history(&self, user: &CurrentUser) -> Result<Vec<HistoryLine>, AppError> {
        let mut lines = Vec::new();
        for order in self.store.orders_of(user.account.id).await? {
            let Some(product) = self.store.product(order.product_id).await? else {
                continue;
            };
            let refunded = self.refunded(&order).await?;
            lines.push(HistoryLine {
                order,
                product,
                refunded,
            });
        }
        Ok(lines)
    }

    /// The receipt of a paid order, for its buyer (and operators).
    pub async fn receipt(
        &self,
        user: &CurrentUser,
        id: kenning_domain::ids::OrderId,
    ) -> Result<ReceiptView, AppError> {
        let crate::checkout::OrderView { order, product } =
            self.order_seen_by(user, id, true).await?;
        if order.status != kenning_domain::order::OrderStatus::Paid {
            return Err(AppError::NotFound("order"));
        }
        let buyer = self
            .store
            .account_by_id(order.buyer_id)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        Ok(ReceiptView {
            card_last4: self.store.paid_card(id).await?,
            refunds: self.store.refunds_of(id).await?,
            number: self.receipt_number(id).await?,
            merchant: self.settings.merchant.clone(),
            order,
            product,
            buyer,
        })
    }

    /// A paid order's receipt number; a receipt shown before the background numbering
    /// came by is numbered now.
    async fn receipt_number(
        &self,
        id: kenning_domain::ids::OrderId,
    ) -> Result<Option<ReceiptNumber>, AppError> {
        if let Some(number) = self.store.receipt_number(id).await? {
            return Ok(Some(number));
        }
        self.number_receipts().await?;
        Ok(self.store.receipt_number(id).await?)
    }

    /// Numbers the receipts of paid orders waiting for one, in the order they were paid.
    /// Runs in the background every few seconds, away from payments: taking a number
    /// while paying would make every payment wait for the one before it.
    pub async fn number_receipts(&self) -> Result<u64, AppError> {
        let mut numbered = 0;
        while self.store.receipts_to_number().await? {
            let n = self
                .store
                .number_receipts(RECEIPT_BATCH, ReceiptNumber::year_of)
                .await?;
            if n == 0 {
                break;
            }
            numbered += n;
        }
        Ok(numbered)
    }

    /// A receipt as a PDF, in the words given.
    pub async fn receipt_pdf(&self, text: crate::ports::ReceiptText) -> Result<Vec<u8>, AppError> {
        self.write_document(move |d| d.receipt_pdf(&text)).await
    }
}
