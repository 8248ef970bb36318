-- Where a person is, so times are shown on their clock (an IANA zone name, e.g.
-- Asia/Shanghai); empty until their browser says.
ALTER TABLE accounts ADD COLUMN time_zone TEXT;
