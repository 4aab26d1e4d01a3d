-- Only curated items belong to a story (story_id != 0), four in five items do
-- not, and every query that reads items_story asks for one story. With every
-- item in it, each new item added an index entry no query ever reads. The
-- partial index is usable because each of those queries repeats the condition,
-- story_id != 0, word for word (a bound story_id = ? does not imply it).
DROP INDEX items_story;
CREATE INDEX items_story ON items(story_id, published) WHERE story_id != 0;
