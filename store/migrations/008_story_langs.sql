-- The languages of a story's members, kept with the story as a sorted JSON array
-- (["en","ko"]) so that an entry says which languages reported it, and names
-- the first reports of each, without reading every member.
ALTER TABLE stories ADD COLUMN langs TEXT NOT NULL DEFAULT '[]';
UPDATE stories SET langs = (SELECT json_group_array(lang ORDER BY lang)
    FROM (SELECT DISTINCT lang FROM items WHERE story_id = stories.id AND story_id != 0));
-- A story's members by language, then published time: an entry's first reports
-- of each language are one seek each, and so are the members tied with the lead
-- (one seek per language of the story). Still partial, as every query that
-- reads it repeats story_id != 0.
DROP INDEX items_story;
CREATE INDEX items_story ON items(story_id, lang, published) WHERE story_id != 0;
