//! Registering, logging in and out, and knowing who is asking.

use argon2::Argon2;
use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use std::net::IpAddr;

use kenning_domain::DomainError;
use kenning_domain::account::{Account, DisplayName, Email, Role, check_password_policy};
use kenning_domain::catalog::Viewer;
use kenning_domain::ids::AccountId;
use kenning_domain::jobs::Job;
use kenning_domain::locale::Locale;
use kenning_domain::mail::{MailMessage, TokenPurpose, TokenUse};
use kenning_domain::throttle::{
    LOGIN_PER_ACCOUNT, Limit, MAIL_PER_ADDRESS, PER_ADDRESS, ThrottleKey,
};
use password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use sha2::{Digest, Sha256};

use crate::mail::mail_for;
use crate::ports::{NewAccount, NewAccountToken, SessionRecord, StoreError, TokenEffect};
use crate::two_factor::SignIn;
use crate::{AppError, Kenning};

/// What a person types to register.
#[derive(Clone, Debug)]
pub struct Registration {
    pub email: String,
    pub password: String,
    pub display_name: String,
}

/// A bearer secret: sent once to the client, stored only as a SHA-256 hash.
#[derive(Clone, PartialEq, Eq)]
pub struct SessionToken(String);

impl SessionToken {
    pub fn new(raw: String) -> Self {
        SessionToken(raw)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub(crate) fn hash(&self) -> String {
        let digest = Sha256::digest(self.0.as_bytes());
        URL_SAFE_NO_PAD.encode(digest)
    }
}

impl std::fmt::Debug for SessionToken {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("SessionToken(…)")
    }
}

/// A signed-in person, as handlers see them.
#[derive(Clone, Debug)]
pub struct CurrentUser {
    pub account: Account,
}

impl CurrentUser {
    pub fn viewer(&self) -> Viewer {
        Viewer {
            account_id: self.account.id,
            role: self.account.role,
        }
    }
}

/// 32 random bytes, URL-safe.
///
/// From the thread's ChaCha generator, which the OS seeds and reseeds: as unpredictable
/// as asking the OS each time, without a system call on every request (a visitor's
/// first page makes one of these).
pub fn random_token() -> Result<String, AppError> {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut bytes);
    Ok(URL_SAFE_NO_PAD.encode(bytes))
}

/// A random (version 4) UUID from the same generator, e.g. the idempotency key a buy
/// form carries.
pub fn random_uuid() -> uuid::Uuid {
    uuid::Builder::from_random_bytes(rand::random()).into_uuid()
}

/// Argon2id with the crate's recommended parameters (19 MiB, 2 passes).
fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt_bytes = [0u8; 16];
    getrandom::fill(&mut salt_bytes).map_err(|e| AppError::Internal(format!("randomness: {e}")))?;
    let salt = SaltString::encode_b64(&salt_bytes)
        .map_err(|e| AppError::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(format!("hashing: {e}")))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Hashing is deliberately slow; keep it off the async worker threads.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, AppError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| AppError::Internal(format!("worker: {e}")))
}

/// A hash of a random password, verified against when the e-mail is unknown so that a
/// login takes as long whether or not the account exists.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$0Ev8R5g3mQ5bC3YcNjyqAZ1m0yDkYQpE8YLj5v1W0aE";

impl Kenning {
    /// Registers a learner account writing in `locale`, and mails them a link that
    /// confirms their address; `from` is the client's address, throttled.
    pub async fn register(
        &self,
        form: Registration,
        from: Option<IpAddr>,
        locale: Locale,
    ) -> Result<Account, AppError> {
        if let Some(address) = from {
            self.throttle(
                &ThrottleKey::RegisterAddress(address.to_string()),
                self.address_limit(),
            )
            .await?;
        }
        let account = self
            .insert_new_account(form, Role::Learner, locale, None)
            .await?;
        self.mail_link(&account, TokenPurpose::VerifyEmail, None)
            .await?;
        Ok(account)
    }

    fn address_limit(&self) -> Option<Limit> {
        Limit::per_window(self.settings.attempts_per_address, PER_ADDRESS.window_ms)
    }

    fn account_limit(&self) -> Option<Limit> {
        Limit::per_window(
            self.settings.login_attempts_per_account,
            LOGIN_PER_ACCOUNT.window_ms,
        )
    }

    /// Counts an attempt at a guessable door, and refuses it once the limit is passed
    /// (the count lives in the database: every node sees it).
    /// Counts a sign-in attempt against an account (a password, or a second step's code).
    pub(crate) async fn throttle_login(&self, key: &ThrottleKey) -> Result<(), AppError> {
        self.throttle(key, self.account_limit()).await
    }

    async fn throttle(&self, key: &ThrottleKey, limit: Option<Limit>) -> Result<(), AppError> {
        let Some(limit) = limit else {
            return Ok(());
        };
        let now = self.now_ms();
        let hits = self
            .store
            .hit(&key.as_key(), limit.window_start(now))
            .await?;
        if limit.exceeded(hits) {
            tracing::warn!(key = %key.as_key(), hits, "throttled");
            return Err(AppError::TooManyAttempts {
                retry_after_s: limit.retry_after_s(now),
            });
        }
        Ok(())
    }

    /// Creates an account with any role (operator tasks and the demo catalog); its
    /// address is taken on trust.
    pub async fn create_account(
        &self,
        form: Registration,
        role: Role,
    ) -> Result<Account, AppError> {
        let now = self.now_ms();
        self.insert_new_account(form, role, Locale::DEFAULT, Some(now))
            .await
    }

    async fn insert_new_account(
        &self,
        form: Registration,
        role: Role,
        locale: Locale,
        email_verified_at_ms: Option<i64>,
    ) -> Result<Account, AppError> {
        let email = Email::parse(&form.email)?;
        let display_name = DisplayName::parse(&form.display_name)?;
        check_password_policy(&form.password)?;
        let password = form.password;
        let password_hash = blocking(move || hash_password(&password)).await??;
        let new = NewAccount {
            id: AccountId::new(),
            email: email.clone(),
            display_name: display_name.as_str().to_owned(),
            password_hash,
            role,
            created_at_ms: self.now_ms(),
            locale,
            email_verified_at_ms,
        };
        match self.store.insert_account(&new).await {
            Ok(()) => {}
            Err(StoreError::Duplicate) => return Err(AppError::EmailTaken),
            Err(e) => return Err(e.into()),
        }
        Ok(Account {
            id: new.id,
            email,
            display_name,
            role,
            created_at_ms: new.created_at_ms,
            locale,
            email_verified: email_verified_at_ms.is_some(),
            time_zone: None,
        })
    }

    /// Creates the account, or — when the e-mail exists — sets its role and password.
    /// Used by `kenning admin create`.
    pub async fn upsert_account(
        &self,
        form: Registration,
        role: Role,
    ) -> Result<Account, AppError> {
        let email = Email::parse(&form.email)?;
        match self.store.account_by_email(&email).await? {
            None => self.create_account(form, role).await,
            Some((mut account, _)) => {
                check_password_policy(&form.password)?;
                let password = form.password;
                let hash = blocking(move || hash_password(&password)).await??;
                self.store
                    .set_password_hash(account.id, &hash, None)
                    .await?;
                self.session_cache.clear();
                self.store.set_role(account.id, role).await?;
                account.role = role;
                Ok(account)
            }
        }
    }

    /// Checks the credentials and opens a session. Failed attempts are throttled per
    /// account (known or not, so the answer tells nothing) and per client address
    /// (`from`); a success clears its account's count.
    pub async fn log_in(
        &self,
        email: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> Result<(Account, SessionToken), AppError> {
        match self.sign_in(email, password, None, from).await? {
            SignIn::Done(account, token) => Ok((account, token)),
            SignIn::CodeNeeded { .. } => Err(AppError::TwoFactorRequired),
        }
    }

    /// The right password for `email` (throttled as [`Kenning::log_in`] says), or why not.
    pub(crate) async fn check_credentials(
        &self,
        email: &str,
        password: &str,
        from: Option<IpAddr>,
    ) -> Result<Account, AppError> {
        let now = self.now_ms();
        let from_key = from.map(|a| ThrottleKey::LoginAddress(a.to_string()));
        if let (Some(key), Some(limit)) = (&from_key, self.address_limit())
            && self
                .store
                .count(&key.as_key(), limit.window_start(now))
                .await?
                >= limit.attempts
        {
            return Err(AppError::TooManyAttempts {
                retry_after_s: limit.retry_after_s(now),
            });
        }
        let account_key = ThrottleKey::LoginAccount(email.trim().to_lowercase());
        self.throttle(&account_key, self.account_limit()).await?;
        // A malformed e-mail cannot belong to anyone: same answer as a wrong password.
        let found = match Email::parse(email) {
            Ok(email) => self.store.account_by_email(&email).await?,
            Err(_) => None,
        };
        let password = password.to_owned();
        let (account, hash) = match found {
            Some((account, hash)) => (Some(account), hash),
            None => (None, DUMMY_HASH.to_owned()),
        };
        let ok = blocking(move || verify_password(&password, &hash)).await?;
        let account = match (account, ok) {
            (Some(account), true) => account,
            _ => {
                if let Some(key) = &from_key {
                    // Counted; this answer stays "wrong password", the next is refused.
                    let _ = self.throttle(key, self.address_limit()).await;
                }
                return Err(AppError::InvalidCredentials);
            }
        };
        // The failed-attempt count is cleared when the whole sign-in succeeds (a second
        // step's wrong codes count against the same account).
        // Only after the password is right: the answer tells only its owner.
        if self.store.is_suspended(account.id).await? {
            return Err(AppError::AccountSuspended);
        }
        Ok(account)
    }

    /// Opens a session for an account whose sign-in is complete.
    pub(crate) async fn open_session(&self, account: &Account) -> Result<SessionToken, AppError> {
        let token = SessionToken(random_token()?);
        let now = self.now_ms();
        let expires = now + self.settings.session_days * 24 * 60 * 60 * 1000;
        self.store
            .insert_session(&token.hash(), account.id, now, expires)
            .await?;
        Ok(token)
    }

    pub async fn log_out(&self, token: &SessionToken) -> Result<(), AppError> {
        let who = self.authenticate(token).await?;
        let hash = token.hash();
        self.store.delete_session(&hash).await?;
        self.session_cache.remove(&hash);
        if let Some(user) = who {
            self.access_changed(user.account.id);
        }
        Ok(())
    }

    /// The person behind a session token, if it is valid and unexpired.
    /// The person behind a session token, if it is valid and unexpired. Served from the
    /// session cache for up to its TTL (see [`crate::cache`]).
    pub async fn authenticate(
        &self,
        token: &SessionToken,
    ) -> Result<Option<CurrentUser>, AppError> {
        let hash = token.hash();
        let now = self.now_ms();
        if let Some(account) = self.session_cache.get(&hash, now) {
            return Ok(Some(CurrentUser {
                account: (*account).clone(),
            }));
        }
        let Some((account, expires_at_ms)) = self.store.session_account(&hash, now).await? else {
            return Ok(None);
        };
        self.session_cache
            .put(hash, account.clone(), now, expires_at_ms);
        Ok(Some(CurrentUser { account }))
    }
}

/// A signed-in session as its owner sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionView {
    /// A short, stable name for the session (not its secret).
    pub id: String,
    pub created_at_ms: i64,
    pub expires_at_ms: i64,
    /// The session asking.
    pub current: bool,
}

impl SessionView {
    fn of(record: SessionRecord, current: &str) -> SessionView {
        SessionView {
            id: record.token_hash.chars().take(8).collect(),
            created_at_ms: record.created_at_ms,
            expires_at_ms: record.expires_at_ms,
            current: record.token_hash == current,
        }
    }
}

/// Mailed links, password and profile changes, and one's own sessions.
impl Kenning {
    /// Stores a single-use link for `purpose` and queues the mail that carries it (to
    /// `new_email` for a change of address, else to the account's address), at most
    /// [`MAIL_PER_ADDRESS`] an hour to one address.
    async fn mail_link(
        &self,
        account: &Account,
        purpose: TokenPurpose,
        new_email: Option<Email>,
    ) -> Result<(), AppError> {
        let to = new_email.clone().unwrap_or_else(|| account.email.clone());
        self.throttle(
            &ThrottleKey::MailTo(to.as_str().to_owned()),
            Some(MAIL_PER_ADDRESS),
        )
        .await?;
        let token = SessionToken(random_token()?);
        let now = self.now_ms();
        let raw = token.as_str().to_owned();
        let message = match purpose {
            TokenPurpose::VerifyEmail => MailMessage::VerifyEmail { token: raw },
            TokenPurpose::ResetPassword => MailMessage::ResetPassword { token: raw },
            TokenPurpose::ChangeEmail => MailMessage::ConfirmNewEmail { token: raw },
        };
        let mut mail = mail_for(account, message);
        mail.to = to;
        let record = NewAccountToken {
            token_hash: token.hash(),
            account_id: account.id,
            purpose,
            email: new_email,
            created_at_ms: now,
            expires_at_ms: now + purpose.lifetime_ms(),
        };
        self.store
            .issue_token(&record, &Job::SendMail { mail }, now)
            .await?;
        Ok(())
    }

    /// Follows a mailed link once.
    async fn use_link(
        &self,
        token: &str,
        purpose: TokenPurpose,
        effect: TokenEffect,
    ) -> Result<Account, AppError> {
        let hash = SessionToken(token.to_owned()).hash();
        let used = match self
            .store
            .use_token(&hash, purpose, &effect, self.now_ms())
            .await
        {
            Err(StoreError::Duplicate) => return Err(AppError::EmailTaken),
            other => other?,
        };
        // Cached sessions carry the account as it was.
        self.session_cache.clear();
        match used {
            TokenUse::Used(account) => Ok(account),
            TokenUse::AlreadyUsed => Err(AppError::LinkUsed),
            TokenUse::Expired => Err(AppError::LinkExpired),
            TokenUse::Unknown => Err(AppError::LinkInvalid),
        }
    }

    /// Mails a password-reset link when `email` belongs to an account. The answer is
    /// the same either way (and as quick: the mail is queued), so it tells nobody
    /// whether an address has an account. Throttled per client address and per
    /// address mailed.
    pub async fn request_password_reset(
        &self,
        email: &str,
        from: Option<IpAddr>,
    ) -> Result<(), AppError> {
        if let Some(address) = from {
            self.throttle(
                &ThrottleKey::ResetAddress(address.to_string()),
                self.address_limit(),
            )
            .await?;
        }
        let email = Email::parse(email)?;
        let Some((account, _)) = self.store.account_by_email(&email).await? else {
            return Ok(());
        };
        match self
            .mail_link(&account, TokenPurpose::ResetPassword, None)
            .await
        {
            // Saying "too many" only for known addresses would tell which exist.
            Err(AppError::TooManyAttempts { .. }) => Ok(()),
            other => other,
        }
    }

    /// Sets a new password with a mailed reset link: works once, within its hour, and
    /// ends every session of the account (a reset also confirms the address, since
    /// the link came through it).
    pub async fn reset_password(&self, token: &str, password: &str) -> Result<Account, AppError> {
        check_password_policy(password)?;
        let password = password.to_owned();
        let hash = blocking(move || hash_password(&password)).await??;
        let account = self
            .use_link(
                token,
                TokenPurpose::ResetPassword,
                TokenEffect::SetPassword(hash),
            )
            .await?;
        self.mail_to(&account, MailMessage::PasswordChanged).await?;
        Ok(account)
    }

    /// Confirms the address a verification link was mailed to.
    pub async fn verify_email(&self, token: &str) -> Result<Account, AppError> {
        self.use_link(token, TokenPurpose::VerifyEmail, TokenEffect::VerifyEmail)
            .await
    }

    /// Mails a new verification link to a person whose address is not confirmed.
    pub async fn resend_verification(&self, user: &CurrentUser) -> Result<(), AppError> {
        if user.account.email_verified {
            return Err(AppError::AlreadyVerified);
        }
        self.mail_link(&user.account, TokenPurpose::VerifyEmail, None)
            .await
    }

    /// Checks the person's current password (changes to the account ask for it).
    pub(crate) async fn check_current_password(
        &self,
        user: &CurrentUser,
        password: &str,
    ) -> Result<(), AppError> {
        // Guessed like a login: a borrowed session cannot try passwords without end.
        self.throttle_login(&ThrottleKey::LoginAccount(
            user.account.email.as_str().to_owned(),
        ))
        .await?;
        let hash = self
            .store
            .password_hash(user.account.id)
            .await?
            .ok_or(AppError::Unauthenticated)?;
        let password = password.to_owned();
        if blocking(move || verify_password(&password, &hash)).await? {
            Ok(())
        } else {
            Err(AppError::WrongPassword)
        }
    }

    /// Changes the password (the current one is asked for); every other session ends,
    /// and the address is told.
    pub async fn change_password(
        &self,
        user: &CurrentUser,
        session: Option<&SessionToken>,
        current: &str,
        new: &str,
    ) -> Result<(), AppError> {
        check_password_policy(new)?;
        self.check_current_password(user, current).await?;
        let new = new.to_owned();
        let hash = blocking(move || hash_password(&new)).await??;
        let keep = session.map(SessionToken::hash);
        self.store
            .set_password_hash(user.account.id, &hash, keep.as_deref())
            .await?;
        self.session_cache.clear();
        self.mail_to(&user.account, MailMessage::PasswordChanged)
            .await
    }

    /// Changes the name shown to others and the language mail is written in.
    pub async fn update_profile(
        &self,
        user: &CurrentUser,
        display_name: &str,
        locale: Locale,
    ) -> Result<Account, AppError> {
        let name = DisplayName::parse(display_name)?;
        self.store.set_display_name(user.account.id, &name).await?;
        self.store.set_locale(user.account.id, locale).await?;
        self.session_cache.clear();
        Ok(Account {
            display_name: name,
            locale,
            ..user.account.clone()
        })
    }

    /// Keeps the zone the person's times are shown in (`zone` is an IANA name the caller
    /// has checked against the time-zone database). Nothing is written when it is the
    /// one kept already.
    pub async fn set_time_zone(&self, user: &CurrentUser, zone: &str) -> Result<(), AppError> {
        let zone = zone.trim();
        let well_formed = (1..=64).contains(&zone.len())
            && zone
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c));
        if !well_formed {
            return Err(DomainError::InvalidTimeZone.into());
        }
        if user.account.time_zone.as_deref() == Some(zone) {
            return Ok(());
        }
        self.store.set_time_zone(user.account.id, zone).await?;
        self.session_cache.clear();
        Ok(())
    }

    /// Mails a link to `new_email` that makes it the account's address once followed
    /// (the current password is asked for; the old address stays until then).
    pub async fn request_email_change(
        &self,
        user: &CurrentUser,
        password: &str,
        new_email: &str,
    ) -> Result<(), AppError> {
        let email = Email::parse(new_email)?;
        self.check_current_password(user, password).await?;
        if email == user.account.email || self.store.account_by_email(&email).await?.is_some() {
            return Err(AppError::EmailTaken);
        }
        self.mail_link(&user.account, TokenPurpose::ChangeEmail, Some(email))
            .await
    }

    /// Follows a change-of-address link: the new address replaces the old, confirmed.
    pub async fn confirm_email_change(&self, token: &str) -> Result<Account, AppError> {
        self.use_link(token, TokenPurpose::ChangeEmail, TokenEffect::ChangeEmail)
            .await
    }

    /// The person's signed-in sessions, newest first, the asking one marked.
    pub async fn sessions(
        &self,
        user: &CurrentUser,
        session: Option<&SessionToken>,
    ) -> Result<Vec<SessionView>, AppError> {
        let current = session.map(SessionToken::hash).unwrap_or_default();
        Ok(self
            .store
            .sessions_of(user.account.id, self.now_ms())
            .await?
            .into_iter()
            .map(|record| SessionView::of(record, &current))
            .collect())
    }

    /// Signs the person out everywhere but here; returns how many sessions ended.
    pub async fn end_other_sessions(
        &self,
        user: &CurrentUser,
        session: Option<&SessionToken>,
    ) -> Result<u64, AppError> {
        let keep = session.map(SessionToken::hash).unwrap_or_default();
        let ended = self
            .store
            .delete_other_sessions(user.account.id, &keep)
            .await?;
        self.session_cache.clear();
        Ok(ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_hashed_password_verifies_and_a_wrong_one_does_not() {
        let hash = hash_password("correct horse battery").unwrap_or_default();
        assert!(hash.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &hash));
        assert!(!verify_password("wrong horse battery", &hash));
    }

    #[test]
    fn the_dummy_hash_parses_so_unknown_emails_cost_a_verification() {
        assert!(PasswordHash::new(DUMMY_HASH).is_ok());
    }

    #[test]
    fn tokens_are_hashed_before_storage() {
        let t = SessionToken("abc".into());
        assert_ne!(t.hash(), "abc");
        assert_eq!(format!("{t:?}"), "SessionToken(…)");
    }
}
