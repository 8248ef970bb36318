-- Revenue: tax by the buyer's country, exchange rates, revenue shares (co-creators,
-- partner contracts, affiliates) and payouts.

-- Tax on digital goods by the buyer's country, in basis points. Operators keep it up
-- to date; these are the standard rates for electronically supplied services in 2026.
CREATE TABLE tax_rates (
    country TEXT PRIMARY KEY NOT NULL,
    rate_bps BIGINT NOT NULL CHECK (rate_bps BETWEEN 0 AND 5000),
    updated_at_ms BIGINT NOT NULL
);
INSERT INTO tax_rates (country, rate_bps, updated_at_ms) VALUES
    ('AT', 2000, 0),
    ('BE', 2100, 0),
    ('BG', 2000, 0),
    ('HR', 2500, 0),
    ('CY', 1900, 0),
    ('CZ', 2100, 0),
    ('DK', 2500, 0),
    ('EE', 2400, 0),
    ('FI', 2550, 0),
    ('FR', 2000, 0),
    ('DE', 1900, 0),
    ('GR', 2400, 0),
    ('HU', 2700, 0),
    ('IE', 2300, 0),
    ('IT', 2200, 0),
    ('LV', 2100, 0),
    ('LT', 2100, 0),
    ('LU', 1700, 0),
    ('MT', 1800, 0),
    ('NL', 2100, 0),
    ('PL', 2300, 0),
    ('PT', 2300, 0),
    ('RO', 2100, 0),
    ('SK', 2300, 0),
    ('SI', 2200, 0),
    ('ES', 2100, 0),
    ('SE', 2500, 0),
    ('CN', 600, 0),
    ('GB', 2000, 0),
    ('US', 0, 0),
    ('JP', 1000, 0),
    ('SG', 900, 0),
    ('AU', 1000, 0),
    ('NZ', 1500, 0),
    ('CA', 500, 0),
    ('CH', 810, 0),
    ('NO', 2500, 0),
    ('KR', 1000, 0),
    ('IN', 1800, 0),
    ('TW', 500, 0),
    ('HK', 0, 0),
    ('MY', 800, 0);

-- The rate table: units of each currency per US dollar (x 10^8), how prices converted
-- into it are rounded, and whether its prices are shown with tax included.
CREATE TABLE exchange_rates (
    currency TEXT PRIMARY KEY NOT NULL,
    per_base_e8 BIGINT NOT NULL CHECK (per_base_e8 > 0),
    rounding TEXT NOT NULL CHECK (rounding IN ('exact', 'whole', 'ninety_nine', 'tens')),
    tax_inclusive INTEGER NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
INSERT INTO exchange_rates (currency, per_base_e8, rounding, tax_inclusive, updated_at_ms) VALUES
    ('USD', 100000000, 'ninety_nine', 0, 0),
    ('CNY', 710000000, 'whole', 1, 0),
    ('EUR', 92000000, 'ninety_nine', 1, 0),
    ('GBP', 79000000, 'ninety_nine', 1, 0),
    ('JPY', 15000000000, 'tens', 1, 0),
    ('SGD', 134000000, 'ninety_nine', 1, 0),
    ('AUD', 152000000, 'ninety_nine', 1, 0),
    ('CAD', 138000000, 'ninety_nine', 0, 0),
    ('HKD', 780000000, 'whole', 1, 0),
    ('KRW', 138000000000, 'tens', 1, 0),
    ('INR', 8400000000, 'whole', 1, 0),
    ('CHF', 88000000, 'ninety_nine', 1, 0),
    ('KWD', 30700000, 'exact', 1, 0),
    ('TWD', 3200000000, 'whole', 1, 0);

-- What an order's total holds: the tax line (country, rate, shown inclusive or not,
-- amount), the conversion it was priced with (from which currency, at which rate x 10^8)
-- and the affiliate who referred it with their commission.
ALTER TABLE orders ADD COLUMN tax_country TEXT;
ALTER TABLE orders ADD COLUMN tax_rate_bps BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN tax_inclusive INTEGER NOT NULL DEFAULT 1;
ALTER TABLE orders ADD COLUMN tax_minor BIGINT NOT NULL DEFAULT 0;
ALTER TABLE orders ADD COLUMN fx_from TEXT;
ALTER TABLE orders ADD COLUMN fx_rate_e8 BIGINT;
ALTER TABLE orders ADD COLUMN affiliate_id TEXT REFERENCES accounts (id);
ALTER TABLE orders ADD COLUMN affiliate_bps BIGINT NOT NULL DEFAULT 0;

-- Co-creators of a product and their share of its net sales.
CREATE TABLE product_shares (
    product_id TEXT NOT NULL REFERENCES products (id),
    account_id TEXT NOT NULL REFERENCES accounts (id),
    bps BIGINT NOT NULL CHECK (bps BETWEEN 1 AND 10000),
    PRIMARY KEY (product_id, account_id)
);

-- Partner contracts (利益分配): a partner's share of one product's or all of a
-- creator's net sales while the contract runs.
CREATE TABLE partner_contracts (
    id TEXT PRIMARY KEY NOT NULL,
    partner_id TEXT NOT NULL REFERENCES accounts (id),
    creator_id TEXT NOT NULL REFERENCES accounts (id),
    product_id TEXT REFERENCES products (id),
    bps BIGINT NOT NULL CHECK (bps BETWEEN 1 AND 10000),
    starts_at_ms BIGINT NOT NULL,
    ends_at_ms BIGINT,
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX partner_contracts_creator ON partner_contracts (creator_id);

-- Affiliate programmes (分销): a creator's commission on the sales others refer, and
-- how many days a referral lasts.
CREATE TABLE affiliate_programs (
    creator_id TEXT PRIMARY KEY NOT NULL REFERENCES accounts (id),
    bps BIGINT NOT NULL CHECK (bps BETWEEN 0 AND 9000),
    cookie_days BIGINT NOT NULL CHECK (cookie_days BETWEEN 1 AND 365),
    updated_at_ms BIGINT NOT NULL
);

-- Each person's referral code, made the first time they ask for a link.
CREATE TABLE referral_codes (
    code TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL UNIQUE REFERENCES accounts (id)
);

-- Payouts: what was owed to someone, moved to "paid out" by a payout run.
CREATE TABLE payouts (
    id TEXT PRIMARY KEY NOT NULL,
    account_id TEXT NOT NULL REFERENCES accounts (id),
    currency TEXT NOT NULL,
    amount_minor BIGINT NOT NULL CHECK (amount_minor > 0),
    actor_id TEXT NOT NULL REFERENCES accounts (id),
    created_at_ms BIGINT NOT NULL
);
CREATE INDEX payouts_account ON payouts (account_id, created_at_ms);
