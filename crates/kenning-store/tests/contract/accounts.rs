//! Accounts and sessions: round trips, one account per e-mail, sessions that expire, and
//! a new password that ends every session.

use kenning_app::ports::*;
use kenning_domain::account::{Email, Role};
use kenning_domain::ids::AccountId;
use kenning_store::SqlStore;

use crate::fixtures::{DAY, NOW, account, new_account};

on_both_databases!(
    an_account_reads_back_as_written,
    an_email_belongs_to_one_account,
    a_session_leads_to_its_account_until_it_expires,
    a_new_password_ends_every_session,
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
    store.set_password_hash(new.id, "new-hash").await.unwrap();
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

    store.set_password_hash(person.id, "rotated").await.unwrap();
    for token in ["laptop", "phone"] {
        assert!(store.session_account(token, NOW).await.unwrap().is_none());
    }
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
