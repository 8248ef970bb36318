-- Background work, claimed by workers on any node (FOR UPDATE SKIP LOCKED). A job is
-- written in the same transaction as the change that causes it.
CREATE TABLE jobs (
    id BIGSERIAL PRIMARY KEY,
    kind TEXT NOT NULL,
    payload TEXT NOT NULL,
    -- Unique while the row exists: periodic jobs are keyed by their period, per-item
    -- jobs by their item, so a second offer does nothing.
    unique_key TEXT UNIQUE,
    status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    attempts BIGINT NOT NULL DEFAULT 0,
    run_at_ms BIGINT NOT NULL,
    locked_by TEXT,
    locked_until_ms BIGINT,
    last_error TEXT,
    created_at_ms BIGINT NOT NULL,
    finished_at_ms BIGINT
);
CREATE INDEX jobs_due ON jobs (status, run_at_ms);

-- What changed, in commit order, for every node to follow: its search index and caches
-- catch up by reading past the last sequence number it applied (after a reconnect too);
-- a notification on `kenning_changes` only wakes it. Written by triggers, so no write
-- path can forget it.
CREATE TABLE changes (
    seq BIGSERIAL PRIMARY KEY,
    topic TEXT NOT NULL CHECK (topic IN ('product', 'signals')),
    entity_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL DEFAULT (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT
);

-- `kenning_changed(topic, column)`: notes the row's product (named by `column`) as changed.
CREATE FUNCTION kenning_changed() RETURNS TRIGGER AS $$
DECLARE
    entity TEXT;
BEGIN
    IF TG_OP = 'DELETE' THEN
        entity := to_jsonb(OLD) ->> TG_ARGV[1];
    ELSE
        entity := to_jsonb(NEW) ->> TG_ARGV[1];
    END IF;
    IF entity IS NOT NULL THEN
        INSERT INTO changes (topic, entity_id) VALUES (TG_ARGV[0], entity);
        PERFORM pg_notify('kenning_changes', TG_ARGV[0] || ':' || entity);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

-- A price for one lesson changes its product.
CREATE FUNCTION kenning_lesson_price_changed() RETURNS TRIGGER AS $$
DECLARE
    entity TEXT;
BEGIN
    SELECT product_id INTO entity FROM lessons
        WHERE id = CASE WHEN TG_OP = 'DELETE' THEN OLD.lesson_id ELSE NEW.lesson_id END;
    IF entity IS NOT NULL THEN
        INSERT INTO changes (topic, entity_id) VALUES ('product', entity);
        PERFORM pg_notify('kenning_changes', 'product:' || entity);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER products_changed AFTER INSERT OR UPDATE OR DELETE ON products
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'id');
CREATE TRIGGER product_prices_changed AFTER INSERT OR UPDATE OR DELETE ON product_prices
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'product_id');
CREATE TRIGGER chapters_changed AFTER INSERT OR UPDATE OR DELETE ON chapters
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'product_id');
CREATE TRIGGER lessons_changed AFTER INSERT OR UPDATE OR DELETE ON lessons
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'product_id');
CREATE TRIGGER product_sales_changed AFTER INSERT OR UPDATE OR DELETE ON product_sales
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'product_id');
CREATE TRIGGER live_sessions_changed AFTER INSERT OR UPDATE OR DELETE ON live_sessions
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'product_id');
CREATE TRIGGER membership_plans_changed AFTER INSERT OR UPDATE OR DELETE ON membership_plans
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'product_id');
CREATE TRIGGER membership_products_changed AFTER INSERT OR UPDATE OR DELETE ON membership_products
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'plan_id');
CREATE TRIGGER bundle_items_changed AFTER INSERT OR UPDATE OR DELETE ON bundle_items
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('product', 'bundle_id');
CREATE TRIGGER lesson_prices_changed AFTER INSERT OR UPDATE OR DELETE ON lesson_prices
    FOR EACH ROW EXECUTE FUNCTION kenning_lesson_price_changed();
-- What the recommender learns from.
CREATE TRIGGER entitlements_signal AFTER INSERT OR DELETE ON entitlements
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('signals', 'product_id');
CREATE TRIGGER reviews_signal AFTER INSERT OR UPDATE OR DELETE ON reviews
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('signals', 'product_id');
CREATE TRIGGER interactions_signal AFTER INSERT OR UPDATE ON interactions
    FOR EACH ROW EXECUTE FUNCTION kenning_changed('signals', 'product_id');
