-- Nobody pays for what they already hold. A buyer's payment decisions (taking an order
-- for payment, settling it) run one at a time: each first updates the buyer's row, which
-- is a row lock on PostgreSQL and the write lock on SQLite. An order refused because its
-- buyer holds what it buys is released and can never be paid: its status stays 'pending'
-- (the column's CHECK cannot change on SQLite) and released_at_ms says when.
ALTER TABLE accounts ADD COLUMN last_payment_decision_ms BIGINT;
ALTER TABLE orders ADD COLUMN released_at_ms BIGINT;
