-- What a person is told in the bell: answers, refunds, announcements.
CREATE TABLE notifications (
    id BIGSERIAL PRIMARY KEY,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    payload_json TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    read_at_ms BIGINT
);
CREATE INDEX notifications_account ON notifications (account_id, id);

-- Kinds a person does not want by mail (mail is on unless a row says otherwise).
CREATE TABLE notification_mail_off (
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    kind TEXT NOT NULL,
    PRIMARY KEY (account_id, kind)
);
