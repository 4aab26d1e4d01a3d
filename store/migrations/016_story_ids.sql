-- The highest story id ever given. A story is deleted when its last report
-- leaves it (a curator's label, reclassify, retention); the next new story took
-- the highest id left plus one, so a deleted newest story's id, and the
-- /story/ID page and links already published for it, went to an unrelated story.
-- A new story's id is now above every id given before (store.storyTx.reserve).
CREATE TABLE story_ids (last INTEGER NOT NULL) STRICT;
INSERT INTO story_ids(last) SELECT max(coalesce((SELECT max(id) FROM stories), 0),
    coalesce((SELECT max(id) FROM story_merges), 0));
CREATE TRIGGER story_ids_last AFTER INSERT ON stories WHEN new.id > (SELECT last FROM story_ids) BEGIN
    UPDATE story_ids SET last = new.id;
END;
