//! Accounts and sessions: round trips, one account per e-mail, sessions that expire, and
//! a new password that ends every session.

use kenning_app::ports::*;
use kenning_domain::account::{Email, Role};
use kenning_domain::ids::AccountId;
use kenning_domain::jobs::Job;
use kenning_domain::mail::{Mail, MailMessage, TokenPurpose, TokenUse};
use kenning_store::SqlStore;

use crate::fixtures::{DAY, NOW, account, new_account};

on_both_databases!(
    an_account_reads_back_as_written,
    an_email_belongs_to_one_account,
    a_session_leads_to_its_account_until_it_expires,
    a_new_password_ends_every_session,
    a_mailed_link_works_once_and_not_after_it_expires,
    two_uses_of_one_link_at_once_succeed_once,
    a_reset_link_sets_the_password_and_ends_every_session,
    changing_a_missing_account_is_not_found,
);

async fn an_account_reads_back_as_written(store: SqlStore) {
    let new = new_account(Role::Creator);
    store.insert_account(&new).await.unwrap();

    let by_id = store.account_by_id(new.id).await.unwrap().unwrap();
    assert_eq!(by_id.id, new.id);
    assert_eq!(by_id.email, new.email);
    assert_eq!(by_id.display_name.as_str(), new.display_name);
    assert_eq!(by_id.role, Role::Creator);
    assert_eq!(by_id.created_at_ms, NOW);

    let (by_email, hash) = store.account_by_email(&new.email).await.unwrap().unwrap();
    assert_eq!(by_email, by_id);
    assert_eq!(hash, new.password_hash);

    store.set_role(new.id, Role::Admin).await.unwrap();
    store
        .set_password_hash(new.id, "new-hash", None)
        .await
        .unwrap();
    let (changed, hash) = store.account_by_email(&new.email).await.unwrap().unwrap();
    assert_eq!(changed.role, Role::Admin);
    assert_eq!(hash, "new-hash");

    let stranger = Email::parse("nobody@example.com").unwrap();
    assert!(store.account_by_email(&stranger).await.unwrap().is_none());
    assert!(
        store
            .account_by_id(AccountId::new())
            .await
            .unwrap()
            .is_none()
    );
}

async fn an_email_belongs_to_one_account(store: SqlStore) {
    let first = new_account(Role::Learner);
    store.insert_account(&first).await.unwrap();
    let mut second = new_account(Role::Learner);
    second.email = first.email.clone();
    assert!(matches!(
        store.insert_account(&second).await,
        Err(StoreError::Duplicate)
    ));
    assert!(store.account_by_id(second.id).await.unwrap().is_none());

    // Many people registering the same address at once: exactly one gets it.
    let email = new_account(Role::Learner).email;
    let tries = crate::fixtures::all_at_once(8, |_| {
        let store = store.clone();
        let mut new = new_account(Role::Learner);
        new.email = email.clone();
        async move { store.insert_account(&new).await }
    })
    .await;
    assert_eq!(tries.iter().filter(|r| r.is_ok()).count(), 1, "{tries:?}");
    assert!(
        tries
            .iter()
            .all(|r| r.is_ok() || matches!(r, Err(StoreError::Duplicate))),
        "{tries:?}"
    );
}

async fn a_session_leads_to_its_account_until_it_expires(store: SqlStore) {
    let person = account(&store, Role::Learner).await;
    let expires = NOW + 30 * DAY;
    store
        .insert_session("token-hash-1", person.id, NOW, expires)
        .await
        .unwrap();

    let (found, until) = store
        .session_account("token-hash-1", NOW + DAY)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(found, person);
    assert_eq!(until, expires);
    // Expired at its expiry, not a moment later.
    assert!(
        store
            .session_account("token-hash-1", expires)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_account("token-hash-2", NOW)
            .await
            .unwrap()
            .is_none()
    );

    // A token hash names one session.
    let other = account(&store, Role::Learner).await;
    assert!(matches!(
        store
            .insert_session("token-hash-1", other.id, NOW, expires)
            .await,
        Err(StoreError::Duplicate)
    ));

    store.delete_session("token-hash-1").await.unwrap();
    assert!(
        store
            .session_account("token-hash-1", NOW)
            .await
            .unwrap()
            .is_none()
    );
    // Deleting what is gone is fine (logging out twice).
    store.delete_session("token-hash-1").await.unwrap();
}

async fn a_new_password_ends_every_session(store: SqlStore) {
    let person = account(&store, Role::Learner).await;
    let bystander = account(&store, Role::Learner).await;
    for token in ["laptop", "phone"] {
        store
            .insert_session(token, person.id, NOW, NOW + DAY)
            .await
            .unwrap();
    }
    store
        .insert_session("bystander", bystander.id, NOW, NOW + DAY)
        .await
        .unwrap();

    store
        .set_password_hash(person.id, "rotated", Some("laptop"))
        .await
        .unwrap();
    // The session that changed it stays; every other ends.
    assert!(
        store
            .session_account("laptop", NOW)
            .await
            .unwrap()
            .is_some()
    );
    assert!(store.session_account("phone", NOW).await.unwrap().is_none());
    store
        .set_password_hash(person.id, "again", None)
        .await
        .unwrap();
    assert!(
        store
            .session_account("laptop", NOW)
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        store
            .session_account("bystander", NOW)
            .await
            .unwrap()
            .is_some()
    );
}

async fn changing_a_missing_account_is_not_found(store: SqlStore) {
    assert!(matches!(
        store.set_role(AccountId::new(), Role::Admin).await,
        Err(StoreError::NotFound)
    ));
}

fn link(
    account: &kenning_domain::account::Account,
    hash: &str,
    purpose: TokenPurpose,
) -> (NewAccountToken, Job) {
    let token = NewAccountToken {
        token_hash: hash.to_owned(),
        account_id: account.id,
        purpose,
        email: None,
        created_at_ms: NOW,
        expires_at_ms: NOW + 1000,
    };
    let mail = Job::SendMail {
        mail: Mail {
            to: account.email.clone(),
            name: "P".into(),
            locale: account.locale,
            time_zone: None,
            message: MailMessage::VerifyEmail {
                token: hash.to_owned(),
            },
        },
    };
    (token, mail)
}

async fn a_mailed_link_works_once_and_not_after_it_expires(store: SqlStore) {
    let person = account(&store, Role::Learner).await;
    assert!(!person.email_verified);
    let (token, mail) = link(&person, "h1", TokenPurpose::VerifyEmail);
    store.issue_token(&token, &mail, NOW).await.unwrap();
    // The mail was queued with the link.
    let queued = store.jobs(None, 10).await.unwrap();
    assert!(queued.iter().any(|j| j.job.as_ref() == Some(&mail)));

    // For another purpose the link is unknown, and stays unused.
    assert_eq!(
        store
            .use_token(
                "h1",
                TokenPurpose::ResetPassword,
                &TokenEffect::VerifyEmail,
                NOW
            )
            .await
            .unwrap(),
        TokenUse::Unknown
    );
    let used = store
        .use_token(
            "h1",
            TokenPurpose::VerifyEmail,
            &TokenEffect::VerifyEmail,
            NOW,
        )
        .await
        .unwrap();
    let TokenUse::Used(verified) = used else {
        panic!("{used:?}")
    };
    assert!(verified.email_verified);
    assert_eq!(
        store
            .use_token(
                "h1",
                TokenPurpose::VerifyEmail,
                &TokenEffect::VerifyEmail,
                NOW
            )
            .await
            .unwrap(),
        TokenUse::AlreadyUsed
    );

    let (late, mail) = link(&person, "h2", TokenPurpose::VerifyEmail);
    store.issue_token(&late, &mail, NOW).await.unwrap();
    assert_eq!(
        store
            .use_token(
                "h2",
                TokenPurpose::VerifyEmail,
                &TokenEffect::VerifyEmail,
                NOW + 1000
            )
            .await
            .unwrap(),
        TokenUse::Expired
    );
    assert_eq!(
        store
            .use_token(
                "nope",
                TokenPurpose::VerifyEmail,
                &TokenEffect::VerifyEmail,
                NOW
            )
            .await
            .unwrap(),
        TokenUse::Unknown
    );
}

async fn two_uses_of_one_link_at_once_succeed_once(store: SqlStore) {
    let person = account(&store, Role::Learner).await;
    let (token, mail) = link(&person, "race", TokenPurpose::ResetPassword);
    store.issue_token(&token, &mail, NOW).await.unwrap();
    let effect = TokenEffect::SetPassword("new".into());
    let (a, b) = tokio::join!(
        store.use_token("race", TokenPurpose::ResetPassword, &effect, NOW),
        store.use_token("race", TokenPurpose::ResetPassword, &effect, NOW),
    );
    let outcomes = [a.unwrap(), b.unwrap()];
    assert_eq!(
        outcomes
            .iter()
            .filter(|o| matches!(o, TokenUse::Used(_)))
            .count(),
        1,
        "{outcomes:?}"
    );
    assert!(outcomes.contains(&TokenUse::AlreadyUsed));
}

async fn a_reset_link_sets_the_password_and_ends_every_session(store: SqlStore) {
    let person = account(&store, Role::Learner).await;
    store
        .insert_session("old", person.id, NOW, NOW + DAY)
        .await
        .unwrap();
    let (first, mail) = link(&person, "r1", TokenPurpose::ResetPassword);
    store.issue_token(&first, &mail, NOW).await.unwrap();
    let (second, mail) = link(&person, "r2", TokenPurpose::ResetPassword);
    store.issue_token(&second, &mail, NOW).await.unwrap();
    let effect = TokenEffect::SetPassword("reset-hash".into());
    assert!(matches!(
        store
            .use_token("r2", TokenPurpose::ResetPassword, &effect, NOW)
            .await
            .unwrap(),
        TokenUse::Used(_)
    ));
    assert_eq!(
        store.password_hash(person.id).await.unwrap().as_deref(),
        Some("reset-hash")
    );
    assert!(store.session_account("old", NOW).await.unwrap().is_none());
    // The other link mailed before is used up with it.
    assert_eq!(
        store
            .use_token("r1", TokenPurpose::ResetPassword, &effect, NOW)
            .await
            .unwrap(),
        TokenUse::AlreadyUsed
    );
}
