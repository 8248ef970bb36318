-- A person may delete their account: what identifies them is erased or replaced, the
-- account row stays (orders, receipts and the ledger refer to it and are kept as the
-- law requires), and it can never sign in again.
ALTER TABLE accounts ADD COLUMN deleted_at_ms BIGINT;
