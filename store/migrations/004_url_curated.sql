-- Only curated items are looked up by URL (to join the story of the same
-- article from another source), so only they need to be in items_url: with
-- every item in it, each new item dirtied a random page of a large index (a
-- page of WAL per item, once the database holds a few hundred thousand). The
-- partial index is usable with a bound url_hash because the query repeats its
-- condition, story_id != 0, word for word.
DROP INDEX items_url;
CREATE INDEX items_url ON items(url_hash) WHERE story_id != 0;
