-- A story's members by published time: when new members join a story, Save
-- brings it up to date from its row, unless another member shares the lead's
-- published second (a tie that the sources' ranks decide, and they may have
-- changed); this index answers that with one seek instead of reading every
-- member. It serves every lookup by story_id as before.
DROP INDEX items_story;
CREATE INDEX items_story ON items(story_id, published);
