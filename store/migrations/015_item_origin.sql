-- The outlet an aggregator's item names as its original (Google News's
-- <source>, an Atom entry's <source>) and that outlet's link, shown as the
-- report's outlet in place of the aggregator's. '' for items of an outlet's own
-- feed and for items saved before this migration.
ALTER TABLE items ADD COLUMN origin TEXT NOT NULL DEFAULT '';
ALTER TABLE items ADD COLUMN origin_url TEXT NOT NULL DEFAULT '';
