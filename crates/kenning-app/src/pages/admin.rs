//! Operators' pages: the tax and exchange-rate tables, read concurrently.

use kenning_domain::account::Role;
use kenning_domain::fx::ExchangeRate;
use kenning_domain::tax::TaxRate;

use crate::accounts::CurrentUser;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct RatesPage {
    pub taxes: Vec<TaxRate>,
    pub currencies: Vec<ExchangeRate>,
}

impl Kenning {
    /// The rate tables, for operators (others: `Forbidden`).
    pub async fn rates_page(&self, user: &CurrentUser) -> Result<RatesPage, AppError> {
        if user.account.role != Role::Admin {
            return Err(AppError::Forbidden);
        }
        let (taxes, currencies) = tokio::try_join!(self.tax_rates(), self.exchange_rates())?;
        Ok(RatesPage { taxes, currencies })
    }
}
