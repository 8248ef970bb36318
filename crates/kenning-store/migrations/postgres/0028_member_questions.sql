-- Questions members ask through a membership that includes the desk: no order pays for
-- them, so `order_id` may be empty; one left unanswered past its deadline expires
-- (there is nothing to refund).
ALTER TABLE questions ALTER COLUMN order_id DROP NOT NULL;
ALTER TABLE questions DROP CONSTRAINT questions_status_check;
ALTER TABLE questions ADD CONSTRAINT questions_status_check
    CHECK (status IN ('asked', 'answered', 'refunded', 'expired'));
