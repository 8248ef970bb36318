//! Tax rates and exchange rates.

use async_trait::async_trait;
use kenning_domain::fx::ExchangeRate;
use kenning_domain::tax::{Country, TaxRate};

use super::StoreResult;

/// Tax rates by country.
#[async_trait]
pub trait TaxStore: Send + Sync {
    async fn tax_rates(&self) -> StoreResult<Vec<TaxRate>>;
    async fn tax_rate(&self, country: &Country) -> StoreResult<Option<TaxRate>>;
    /// Inserts or replaces a country's rate.
    async fn set_tax_rate(&self, rate: &TaxRate, now_ms: i64) -> StoreResult<()>;
}

/// The exchange rate table.
#[async_trait]
pub trait ExchangeRateStore: Send + Sync {
    async fn exchange_rates(&self) -> StoreResult<Vec<ExchangeRate>>;
    /// Inserts or replaces a currency's row of the rate table.
    async fn set_exchange_rate(&self, rate: &ExchangeRate, now_ms: i64) -> StoreResult<()>;
}
