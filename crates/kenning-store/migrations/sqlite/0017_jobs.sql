-- Background work, claimed by the one worker of a SQLite deployment. A job is written in
-- the same transaction as the change that causes it.
CREATE TABLE jobs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
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

-- What changed, in commit order, for the search index and caches to follow. Written by
-- triggers, so no write path can forget it.
CREATE TABLE changes (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    topic TEXT NOT NULL CHECK (topic IN ('product', 'signals')),
    entity_id TEXT NOT NULL,
    at_ms BIGINT NOT NULL DEFAULT (CAST((julianday('now') - 2440587.5) * 86400000 AS INTEGER))
);

CREATE TRIGGER products_product_insert AFTER INSERT ON products
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.id);
END;
CREATE TRIGGER products_product_update AFTER UPDATE ON products
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.id);
END;
CREATE TRIGGER products_product_delete AFTER DELETE ON products
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.id);
END;
CREATE TRIGGER product_prices_product_insert AFTER INSERT ON product_prices
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER product_prices_product_update AFTER UPDATE ON product_prices
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER product_prices_product_delete AFTER DELETE ON product_prices
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.product_id);
END;
CREATE TRIGGER chapters_product_insert AFTER INSERT ON chapters
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER chapters_product_update AFTER UPDATE ON chapters
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER chapters_product_delete AFTER DELETE ON chapters
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.product_id);
END;
CREATE TRIGGER lessons_product_insert AFTER INSERT ON lessons
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER lessons_product_update AFTER UPDATE ON lessons
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER lessons_product_delete AFTER DELETE ON lessons
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.product_id);
END;
CREATE TRIGGER product_sales_product_insert AFTER INSERT ON product_sales
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER product_sales_product_update AFTER UPDATE ON product_sales
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER product_sales_product_delete AFTER DELETE ON product_sales
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.product_id);
END;
CREATE TRIGGER live_sessions_product_insert AFTER INSERT ON live_sessions
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER live_sessions_product_update AFTER UPDATE ON live_sessions
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER live_sessions_product_delete AFTER DELETE ON live_sessions
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.product_id);
END;
CREATE TRIGGER membership_plans_product_insert AFTER INSERT ON membership_plans
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER membership_plans_product_update AFTER UPDATE ON membership_plans
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.product_id);
END;
CREATE TRIGGER membership_plans_product_delete AFTER DELETE ON membership_plans
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.product_id);
END;
CREATE TRIGGER membership_products_product_insert AFTER INSERT ON membership_products
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.plan_id);
END;
CREATE TRIGGER membership_products_product_update AFTER UPDATE ON membership_products
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.plan_id);
END;
CREATE TRIGGER membership_products_product_delete AFTER DELETE ON membership_products
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.plan_id);
END;
CREATE TRIGGER bundle_items_product_insert AFTER INSERT ON bundle_items
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.bundle_id);
END;
CREATE TRIGGER bundle_items_product_update AFTER UPDATE ON bundle_items
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', NEW.bundle_id);
END;
CREATE TRIGGER bundle_items_product_delete AFTER DELETE ON bundle_items
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('product', OLD.bundle_id);
END;
CREATE TRIGGER lesson_prices_product_insert AFTER INSERT ON lesson_prices
BEGIN
    INSERT INTO changes (topic, entity_id)
        SELECT 'product', product_id FROM lessons WHERE id = NEW.lesson_id;
END;
CREATE TRIGGER lesson_prices_product_update AFTER UPDATE ON lesson_prices
BEGIN
    INSERT INTO changes (topic, entity_id)
        SELECT 'product', product_id FROM lessons WHERE id = NEW.lesson_id;
END;
CREATE TRIGGER lesson_prices_product_delete AFTER DELETE ON lesson_prices
BEGIN
    INSERT INTO changes (topic, entity_id)
        SELECT 'product', product_id FROM lessons WHERE id = OLD.lesson_id;
END;
-- What the recommender learns from.
CREATE TRIGGER entitlements_signals_insert AFTER INSERT ON entitlements
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('signals', NEW.product_id);
END;
CREATE TRIGGER entitlements_signals_delete AFTER DELETE ON entitlements
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('signals', OLD.product_id);
END;
CREATE TRIGGER reviews_signals_insert AFTER INSERT ON reviews
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('signals', NEW.product_id);
END;
CREATE TRIGGER reviews_signals_update AFTER UPDATE ON reviews
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('signals', NEW.product_id);
END;
CREATE TRIGGER reviews_signals_delete AFTER DELETE ON reviews
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('signals', OLD.product_id);
END;
CREATE TRIGGER interactions_signals_insert AFTER INSERT ON interactions
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('signals', NEW.product_id);
END;
CREATE TRIGGER interactions_signals_update AFTER UPDATE ON interactions
BEGIN
    INSERT INTO changes (topic, entity_id) VALUES ('signals', NEW.product_id);
END;
