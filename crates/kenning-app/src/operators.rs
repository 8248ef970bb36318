//! What operators run: people (finding them, what they bought, their role, suspending
//! and restoring them) and applications to become a creator. Every change is in the
//! audit log.

use kenning_domain::account::Role;
use kenning_domain::audit::AuditAction;
use kenning_domain::catalog::Product;
use kenning_domain::creator::{self, ApplicationForm, ApplicationStatus, CreatorApplication};
use kenning_domain::ids::{AccountId, ApplicationId};
use kenning_domain::mail::MailMessage;
use kenning_domain::order::Order;
use serde_json::json;

use crate::accounts::CurrentUser;
use crate::audit_log::{Change, admin_only};
use crate::ports::{AccountSummary, StoreError};
use crate::{AppError, Kenning};

/// One person, as the console shows them.
#[derive(Clone, Debug)]
pub struct PersonPage {
    pub summary: AccountSummary,
    /// Their orders, newest first.
    pub orders: Vec<Order>,
    /// What they hold, and since when.
    pub library: Vec<(Product, i64)>,
    pub application: Option<CreatorApplication>,
}

/// An order as the console lists it.
#[derive(Clone, Debug)]
pub struct OrderLine {
    pub order: Order,
    pub buyer_email: String,
    pub product: Option<Product>,
    pub refunded: kenning_domain::money::Money,
}

impl OrderLine {
    /// Whether some of it can still be refunded (paid, and not all given back).
    pub fn refundable(&self) -> bool {
        self.order.status == kenning_domain::order::OrderStatus::Paid
            && self.refunded.amount_minor < self.order.total.amount_minor
    }
}

impl Kenning {
    /// Orders found by id, buyer's address and day (operators), newest first, with
    /// what each bought and how much was refunded.
    pub async fn orders_for_operators(
        &self,
        user: &CurrentUser,
        search: &crate::ports::OrderSearch,
    ) -> Result<Vec<OrderLine>, AppError> {
        admin_only(user)?;
        let mut lines = Vec::new();
        for order in self.store.search_orders(search, 100).await? {
            let (buyer, product) = tokio::try_join!(
                self.store.account_by_id(order.buyer_id),
                self.store.product(order.product_id),
            )?;
            let refunded = self.refunded(&order).await?;
            lines.push(OrderLine {
                buyer_email: buyer.map(|b| b.email.to_string()).unwrap_or_default(),
                product,
                refunded,
                order,
            });
        }
        Ok(lines)
    }

    /// Applies to become a creator.
    pub async fn apply_as_creator(
        &self,
        user: &CurrentUser,
        form: ApplicationForm,
    ) -> Result<CreatorApplication, AppError> {
        if user.account.role.can_create_products() {
            return Err(AppError::AlreadyCreator);
        }
        let application = CreatorApplication {
            id: ApplicationId::new(),
            account_id: user.account.id,
            name: form.name,
            bio: form.bio,
            payout: form.payout,
            status: ApplicationStatus::Pending,
            reason: None,
            created_at_ms: self.now_ms(),
            decided_at_ms: None,
            decided_by: None,
        };
        match self.store.insert_application(&application).await {
            Err(StoreError::Duplicate) => Err(AppError::ApplicationPending),
            other => other.map(|()| application).map_err(AppError::from),
        }
    }

    /// The person's latest application, if any.
    pub async fn my_application(
        &self,
        user: &CurrentUser,
    ) -> Result<Option<CreatorApplication>, AppError> {
        Ok(self.store.latest_application(user.account.id).await?)
    }

    /// Applications in a status (operators).
    pub async fn applications_for(
        &self,
        user: &CurrentUser,
        status: Option<ApplicationStatus>,
    ) -> Result<Vec<CreatorApplication>, AppError> {
        admin_only(user)?;
        Ok(self.store.applications(status, 200).await?)
    }

    /// Approves (the person becomes a creator) or declines (with a reason) a pending
    /// application; the person is told by mail.
    pub async fn decide_application(
        &self,
        user: &CurrentUser,
        id: ApplicationId,
        approve: bool,
        reason: &str,
    ) -> Result<CreatorApplication, AppError> {
        admin_only(user)?;
        let reason = if approve {
            Some(reason.trim().to_owned()).filter(|r| !r.is_empty())
        } else {
            Some(creator::reason(reason)?)
        };
        if self.store.application(id).await?.is_none() {
            return Err(AppError::NotFound("application"));
        }
        let decided = self
            .store
            .decide_application(
                id,
                approve,
                reason.as_deref(),
                user.account.id,
                self.now_ms(),
            )
            .await?
            .ok_or(AppError::ApplicationDecided)?;
        // Their role changed: cached sessions carry the old one.
        self.session_cache.clear();
        let (action, message) = if approve {
            (AuditAction::CreatorApproved, MailMessage::CreatorApproved)
        } else {
            (
                AuditAction::CreatorDeclined,
                MailMessage::CreatorDeclined {
                    reason: reason.clone().unwrap_or_default(),
                },
            )
        };
        let mut change = Change::of(format!("account:{}", decided.account_id))
            .before(json!({"application": decided.id.to_string(), "status": "pending"}))
            .after(json!({"status": decided.status.as_str()}));
        if let Some(reason) = &reason {
            change = change.reason(reason);
        }
        self.audit(Some(user), action, change).await?;
        if let Some(applicant) = self.store.account_by_id(decided.account_id).await? {
            self.mail_to(&applicant, message).await?;
        }
        Ok(decided)
    }

    /// Accounts whose address or name contains `query` (operators).
    pub async fn people(
        &self,
        user: &CurrentUser,
        query: &str,
    ) -> Result<Vec<AccountSummary>, AppError> {
        admin_only(user)?;
        Ok(self.store.search_accounts(query, 100).await?)
    }

    /// One person with their orders, holdings and application (operators).
    pub async fn person(&self, user: &CurrentUser, id: AccountId) -> Result<PersonPage, AppError> {
        admin_only(user)?;
        let summary = self
            .store
            .account_summary(id)
            .await?
            .ok_or(AppError::NotFound("account"))?;
        let (orders, library, application) = tokio::try_join!(
            self.store.orders_of(id),
            self.store.library(id),
            self.store.latest_application(id),
        )?;
        Ok(PersonPage {
            summary,
            orders,
            library,
            application,
        })
    }

    /// The operator acting on someone else (never themselves).
    async fn other_person(
        &self,
        user: &CurrentUser,
        id: AccountId,
    ) -> Result<AccountSummary, AppError> {
        admin_only(user)?;
        if id == user.account.id {
            return Err(AppError::CannotChangeSelf);
        }
        self.store
            .account_summary(id)
            .await?
            .ok_or(AppError::NotFound("account"))
    }

    /// Gives someone another role (operators; not their own).
    pub async fn change_role(
        &self,
        user: &CurrentUser,
        id: AccountId,
        role: Role,
    ) -> Result<AccountSummary, AppError> {
        let before = self.other_person(user, id).await?;
        self.store.set_role(id, role).await?;
        self.session_cache.clear();
        let change = Change::of(format!("account:{id}"))
            .before(json!({"role": before.account.role.as_str()}))
            .after(json!({"role": role.as_str()}));
        self.audit(Some(user), AuditAction::RoleChanged, change)
            .await?;
        let mut after = before;
        after.account.role = role;
        Ok(after)
    }

    /// Suspends someone (operators; not themselves): every session of theirs ends and
    /// they cannot sign in until restored.
    pub async fn suspend(
        &self,
        user: &CurrentUser,
        id: AccountId,
        reason: &str,
    ) -> Result<(), AppError> {
        let reason = creator::reason(reason)?;
        let before = self.other_person(user, id).await?;
        self.store
            .set_suspension(id, Some((self.now_ms(), &reason)))
            .await?;
        self.session_cache.clear();
        self.access_changed(id);
        let change = Change::of(format!("account:{id}"))
            .before(json!({"suspended": before.suspended.is_some()}))
            .after(json!({"suspended": true}))
            .reason(&reason);
        self.audit(Some(user), AuditAction::AccountSuspended, change)
            .await
    }

    /// Lifts a suspension (operators).
    pub async fn restore(
        &self,
        user: &CurrentUser,
        id: AccountId,
        reason: &str,
    ) -> Result<(), AppError> {
        let before = self.other_person(user, id).await?;
        self.store.set_suspension(id, None).await?;
        let change = Change::of(format!("account:{id}"))
            .before(json!({"suspended": before.suspended.is_some()}))
            .after(json!({"suspended": false}))
            .reason(reason.trim());
        self.audit(Some(user), AuditAction::AccountRestored, change)
            .await
    }
}
