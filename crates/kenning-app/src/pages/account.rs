//! The account page: where one is signed in and how one signs in, read concurrently.

use crate::accounts::{CurrentUser, SessionToken, SessionView};
use crate::two_factor::{TwoFactorSetup, TwoFactorStatus};
use crate::{AppError, Kenning};

#[derive(Clone, Debug)]
pub struct AccountPage {
    pub sessions: Vec<SessionView>,
    pub two_factor: TwoFactorStatus,
    /// A two-step setup started and not yet confirmed (none while it is on).
    pub setup: Option<TwoFactorSetup>,
}

impl Kenning {
    pub async fn account_page(
        &self,
        user: &CurrentUser,
        session: Option<&SessionToken>,
    ) -> Result<AccountPage, AppError> {
        let (sessions, two_factor, setup) = tokio::try_join!(
            self.sessions(user, session),
            self.two_factor_status(user),
            self.pending_two_factor(user),
        )?;
        Ok(AccountPage {
            sessions,
            setup: setup.filter(|_| !two_factor.enabled),
            two_factor,
        })
    }
}
