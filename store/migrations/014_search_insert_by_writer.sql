-- A new curated item is queued for the search index by the writer that
-- inserts it (store.writer.saveItem), not by a trigger. With a trigger on
-- INSERT, SQLite opens a statement journal for every insert into items and
-- copies each page it changes into it first: a tenth of the cost of saving
-- new items. Deleted and re-storied items are still queued by the triggers
-- of migration 012, on statements far rarer than inserts.
DROP TRIGGER item_search_insert;
