-- body_hash changed how it is computed (xxHash64 of the item's fields, the
-- HTML body as received rather than sanitised). Rows hashed the old way keep
-- hash_v 1: the first poll that sees one again compares its text instead of
-- its hash, and only a real change counts as a revision (ADD COLUMN with a
-- default rewrites no row).
ALTER TABLE items ADD COLUMN hash_v INTEGER NOT NULL DEFAULT 1;
