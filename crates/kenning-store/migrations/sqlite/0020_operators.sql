-- An operator may suspend an account (its sessions end, and it cannot sign in) and
-- restore it; the reason is kept with it and in the audit log.
ALTER TABLE accounts ADD COLUMN suspended_at_ms BIGINT;
ALTER TABLE accounts ADD COLUMN suspended_reason TEXT;

-- Applications to become a creator; one pending per person at a time.
CREATE TABLE creator_applications (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    bio TEXT NOT NULL,
    -- [{"currency": "EUR", "reference": "DE89 …"}, …]
    payout_json TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('pending', 'approved', 'declined')),
    reason TEXT,
    created_at_ms BIGINT NOT NULL,
    decided_at_ms BIGINT,
    decided_by TEXT REFERENCES accounts (id)
);
CREATE UNIQUE INDEX creator_applications_one_pending ON creator_applications (account_id)
    WHERE status = 'pending';
CREATE INDEX creator_applications_status ON creator_applications (status, created_at_ms);
