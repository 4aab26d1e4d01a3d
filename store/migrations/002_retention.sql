-- Retention prunes tombstones by age; without this index every hourly run would
-- scan the whole table, which grows with every item ever deleted.
CREATE INDEX tombstones_deleted_at ON tombstones(deleted_at);

-- SQLite uses a partial index only when the query's WHERE clause implies the
-- index's, and "story_id = ?" (a bound parameter) or a join on story_id does
-- not imply "story_id != 0". So recomputing a story and finding an article's
-- story by URL scanned the whole items table, once per story touched: saves
-- and retention got slower as the database grew. Full indexes serve those
-- lookups and every query the partial ones served.
DROP INDEX items_story;
DROP INDEX items_url;
CREATE INDEX items_story ON items(story_id);
CREATE INDEX items_url ON items(url_hash);
