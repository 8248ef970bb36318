-- A live session's seat held by an unpaid order while its buyer pays: counted against
-- the capacity until this time, so two buyers cannot both take the last seat.
ALTER TABLE orders ADD COLUMN seat_hold_until_ms BIGINT;
