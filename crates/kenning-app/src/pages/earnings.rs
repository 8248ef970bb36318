//! The earnings page: a month's statements, the person's referral code, a creator's
//! affiliate programme, partner contracts and, for operators, recent payouts. The
//! parts are independent and read concurrently.

use kenning_domain::account::Role;
use kenning_domain::revenue::{AffiliateProgram, PartnerContract};
use kenning_domain::statement::Period;

use crate::accounts::CurrentUser;
use crate::ports::PayoutRecord;
use crate::revenue::Statements;
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct EarningsPage {
    pub statements: Statements,
    pub referral_code: String,
    /// The creator's own programme, for those who can create products.
    pub program: Option<AffiliateProgram>,
    pub contracts: Vec<Contract>,
    /// Recent payouts, for operators.
    pub payouts: Option<Vec<PayoutRecord>>,
}

/// A partner contract the person is in, on either side.
#[derive(Clone, Debug)]
pub struct Contract {
    pub contract: PartnerContract,
    /// The person is the partner (otherwise the creator).
    pub as_partner: bool,
}

impl Kenning {
    pub async fn earnings_page(
        &self,
        user: &CurrentUser,
        period: Period,
    ) -> Result<EarningsPage, AppError> {
        let program = async {
            match user.account.role.can_create_products() {
                true => Ok(Some(self.affiliate_program(user.account.id).await?)),
                false => Ok(None),
            }
        };
        let payouts = async {
            match user.account.role {
                Role::Admin => Ok(Some(self.payouts(user).await?)),
                _ => Ok::<_, AppError>(None),
            }
        };
        let (statements, referral_code, program, contracts, payouts) = tokio::try_join!(
            self.statements(user, period),
            self.referral_code(user),
            program,
            self.my_contracts(user),
            payouts,
        )?;
        Ok(EarningsPage {
            statements,
            referral_code,
            program,
            contracts: contracts
                .into_iter()
                .map(|contract| Contract {
                    as_partner: contract.partner_id == user.account.id,
                    contract,
                })
                .collect(),
            payouts,
        })
    }
}
