//! Signing in, with an optional second step: a code from an authenticator app (TOTP,
//! RFC 6238, 30-second steps, six digits) or a one-time recovery code. Turning it on
//! takes a code from the new secret, so nobody locks themselves out by a typo.

use std::net::IpAddr;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use kenning_domain::account::Account;
use kenning_domain::ids::AccountId;
use kenning_domain::throttle::ThrottleKey;
use sha2::{Digest, Sha256};
use totp_rs::{Algorithm, Secret, TOTP};

use crate::accounts::{CurrentUser, SessionToken, random_token};
use crate::{AppError, Kenning};

/// How long the step between a right password and its code may take.
const CHALLENGE_MS: i64 = 5 * 60 * 1000;
/// Recovery codes given when two-step sign-in is turned on.
const RECOVERY_CODES: usize = 10;
const STEP_S: u64 = 30;

/// Where a sign-in stands after the password.
#[derive(Debug)]
pub enum SignIn {
    Done(Account, SessionToken),
    /// Two-step sign-in is on: send the code with this challenge.
    CodeNeeded {
        challenge: String,
    },
}

/// What an authenticator app needs to start making codes.
#[derive(Clone, Debug)]
pub struct TwoFactorSetup {
    /// The secret as typed into an app (base32).
    pub secret: String,
    /// `otpauth://totp/…`, which apps read (as a link or from a QR code).
    pub url: String,
}

/// Whether two-step sign-in is on, and how many recovery codes are left.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TwoFactorStatus {
    pub enabled: bool,
    pub recovery_codes_left: i64,
}

fn totp(secret_base32: &str, email: &str) -> Result<TOTP, AppError> {
    let bytes = Secret::Encoded(secret_base32.to_owned())
        .to_bytes()
        .map_err(|e| AppError::Internal(format!("totp secret: {e:?}")))?;
    TOTP::new(
        Algorithm::SHA1,
        6,
        0,
        STEP_S,
        bytes,
        Some("Kenning".to_owned()),
        email.replace(':', ""),
    )
    .map_err(|e| AppError::Internal(format!("totp: {e}")))
}

/// The 30-second step a six-digit code belongs to, within one step of `now_ms`.
fn matching_step(totp: &TOTP, code: &str, now_ms: i64) -> Option<i64> {
    let now_s = u64::try_from(now_ms / 1000).ok()?;
    let current = now_s / STEP_S;
    [current.saturating_sub(1), current, current + 1]
        .into_iter()
        .find(|step| totp.check(code, step * STEP_S))
        .and_then(|step| i64::try_from(step).ok())
}

fn code_hash(code: &str) -> String {
    let normal: String = code
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    URL_SAFE_NO_PAD.encode(Sha256::digest(normal.as_bytes()))
}

/// A recovery code: ten letters and digits in two groups (`k3p9x-w2m7q`).
fn recovery_code() -> Result<String, AppError> {
    let raw: String = random_token()?
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .take(10)
        .collect();
    let (a, b) = raw.split_at(raw.len().min(5));
    Ok(format!("{a}-{b}"))
}

impl Kenning {
    /// Signs in with a password, and a code when two-step sign-in is on: given, it is
    /// checked at once (the API); left out, a challenge is answered for the code to be
    /// sent with ([`Kenning::finish_sign_in`], the pages).
    pub async fn sign_in(
        &self,
        email: &str,
        password: &str,
        code: Option<&str>,
        from: Option<IpAddr>,
    ) -> Result<SignIn, AppError> {
        let account = self.check_credentials(email, password, from).await?;
        if self.store.totp_secret(account.id).await?.is_some() {
            let Some(code) = code else {
                let challenge = random_token()?;
                let hash = SessionToken::new(challenge.clone()).hash();
                self.store
                    .insert_login_challenge(&hash, account.id, self.now_ms() + CHALLENGE_MS)
                    .await?;
                return Ok(SignIn::CodeNeeded { challenge });
            };
            self.second_step(&account, code).await?;
        }
        self.signed_in(account).await
    }

    /// The second step of a sign-in that answered [`SignIn::CodeNeeded`].
    pub async fn finish_sign_in(
        &self,
        challenge: &str,
        code: &str,
    ) -> Result<(Account, SessionToken), AppError> {
        let hash = SessionToken::new(challenge.to_owned()).hash();
        let id = self
            .store
            .login_challenge(&hash, self.now_ms())
            .await?
            .ok_or(AppError::LinkExpired)?;
        let account = self
            .store
            .account_by_id(id)
            .await?
            .ok_or(AppError::LinkExpired)?;
        self.second_step(&account, code).await?;
        self.store.delete_login_challenge(&hash).await?;
        match self.signed_in(account).await? {
            SignIn::Done(account, token) => Ok((account, token)),
            SignIn::CodeNeeded { .. } => Err(AppError::TwoFactorRequired),
        }
    }

    async fn signed_in(&self, account: Account) -> Result<SignIn, AppError> {
        self.store
            .forget(&ThrottleKey::LoginAccount(account.email.as_str().to_owned()).as_key())
            .await?;
        let token = self.open_session(&account).await?;
        Ok(SignIn::Done(account, token))
    }

    /// Checks a code (or a recovery code) for the account: each works once, and wrong
    /// ones count against the account like wrong passwords.
    async fn second_step(&self, account: &Account, code: &str) -> Result<(), AppError> {
        let key = ThrottleKey::LoginAccount(account.email.as_str().to_owned());
        self.throttle_login(&key).await?;
        let secret = self
            .store
            .totp_secret(account.id)
            .await?
            .ok_or(AppError::TwoFactorRequired)?;
        let code = code.trim();
        if code.len() == 6 && code.chars().all(|c| c.is_ascii_digit()) {
            let generator = totp(&secret, account.email.as_str())?;
            if let Some(step) = matching_step(&generator, code, self.now_ms())
                && self.store.take_totp_step(account.id, step).await?
            {
                return Ok(());
            }
        } else if self
            .store
            .use_recovery_code(account.id, &code_hash(code), self.now_ms())
            .await?
        {
            tracing::info!(account = %account.id, "signed in with a recovery code");
            return Ok(());
        }
        Err(AppError::InvalidTwoFactorCode)
    }

    /// Starts turning two-step sign-in on: a new secret for the person's app. The
    /// password is asked for (a borrowed session must not lock its owner out), and a
    /// secret that is on is never replaced (turn it off first).
    pub async fn start_two_factor(
        &self,
        user: &CurrentUser,
        password: &str,
    ) -> Result<TwoFactorSetup, AppError> {
        self.check_current_password(user, password).await?;
        if self.store.totp_secret(user.account.id).await?.is_some() {
            return Err(AppError::TwoFactorOn);
        }
        let mut bytes = [0u8; 20];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
        let Secret::Encoded(secret) = Secret::Raw(bytes.to_vec()).to_encoded() else {
            return Err(AppError::Internal("totp secret encoding".into()));
        };
        let url = totp(&secret, user.account.email.as_str())?.get_url();
        self.store
            .set_pending_totp(user.account.id, &secret)
            .await?;
        Ok(TwoFactorSetup { secret, url })
    }

    /// The setup being made, if any (to show it again).
    pub async fn pending_two_factor(
        &self,
        user: &CurrentUser,
    ) -> Result<Option<TwoFactorSetup>, AppError> {
        let Some(secret) = self.store.pending_totp(user.account.id).await? else {
            return Ok(None);
        };
        let url = totp(&secret, user.account.email.as_str())?.get_url();
        Ok(Some(TwoFactorSetup { secret, url }))
    }

    /// Turns two-step sign-in on with a code from the new secret; answers the recovery
    /// codes, shown this once.
    pub async fn confirm_two_factor(
        &self,
        user: &CurrentUser,
        code: &str,
    ) -> Result<Vec<String>, AppError> {
        if self.store.totp_secret(user.account.id).await?.is_some() {
            return Err(AppError::TwoFactorOn);
        }
        let secret = self
            .store
            .pending_totp(user.account.id)
            .await?
            .ok_or(AppError::NotFound("two-step setup"))?;
        let generator = totp(&secret, user.account.email.as_str())?;
        let step = matching_step(&generator, code.trim(), self.now_ms())
            .ok_or(AppError::InvalidTwoFactorCode)?;
        let codes = (0..RECOVERY_CODES)
            .map(|_| recovery_code())
            .collect::<Result<Vec<_>, _>>()?;
        let hashes: Vec<String> = codes.iter().map(|c| code_hash(c)).collect();
        // Only the secret the code was checked against is turned on.
        if !self
            .store
            .enable_totp(user.account.id, &secret, &hashes, step)
            .await?
        {
            return Err(AppError::InvalidTwoFactorCode);
        }
        tracing::info!(account = %user.account.id, "two-step sign-in turned on");
        Ok(codes)
    }

    /// Turns two-step sign-in off (the password is asked for).
    pub async fn disable_two_factor(
        &self,
        user: &CurrentUser,
        password: &str,
    ) -> Result<(), AppError> {
        self.check_current_password(user, password).await?;
        self.store.disable_totp(user.account.id).await?;
        tracing::info!(account = %user.account.id, "two-step sign-in turned off");
        Ok(())
    }

    pub async fn two_factor_status(&self, user: &CurrentUser) -> Result<TwoFactorStatus, AppError> {
        let id: AccountId = user.account.id;
        let (secret, left) = tokio::try_join!(
            self.store.totp_secret(id),
            self.store.recovery_codes_left(id)
        )?;
        Ok(TwoFactorStatus {
            enabled: secret.is_some(),
            recovery_codes_left: left,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_code_matches_its_step_and_its_neighbours_only() {
        let generator = totp("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP", "a@example.com")
            .unwrap_or_else(|e| panic!("{e}"));
        let now_ms = 1_800_000_000_000;
        let step = now_ms / 1000 / 30;
        let code = generator.generate(u64::try_from(now_ms / 1000).unwrap_or(0));
        assert_eq!(matching_step(&generator, &code, now_ms), Some(step));
        assert_eq!(
            matching_step(&generator, &code, now_ms + 30_000),
            Some(step)
        );
        assert_eq!(matching_step(&generator, &code, now_ms + 90_000), None);
        assert_eq!(matching_step(&generator, "000000x", now_ms), None);
    }

    #[test]
    fn recovery_codes_are_read_loosely() {
        let code = recovery_code().unwrap_or_default();
        assert_eq!(code.len(), 11);
        assert_eq!(
            code_hash(&code),
            code_hash(&code.to_uppercase().replace('-', " "))
        );
    }
}
