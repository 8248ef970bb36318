-- A live session's seat held by an unpaid order while its buyer pays: counted against
-- the capacity until this time, so two buyers cannot both take the last seat.
ALTER TABLE orders ADD COLUMN seat_hold_until_ms BIGINT;
-- How many of the order's payment pages at the provider expired unpaid: the next page
-- opened for the order is a new one.
ALTER TABLE orders ADD COLUMN expired_pages BIGINT NOT NULL DEFAULT 0;
