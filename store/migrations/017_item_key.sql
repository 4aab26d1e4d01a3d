-- An item's key within its source (aggregate.Item.Key) was stored only as
-- key_hash. Its entry id (aggregate.EntryID) needs the key itself when an item
-- starts a story outside a poll (a curator's label, reclassify): a key that is
-- the GUID or the link can be told from those, but one made from the title and
-- date (an item without either) could not, and the entry id was computed from
-- an empty key, the same for every such item of the source. item_key holds
-- the key when it is neither the GUID nor the link; '' otherwise.
ALTER TABLE items ADD COLUMN item_key TEXT NOT NULL DEFAULT '';
