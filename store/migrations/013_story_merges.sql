-- Stories merged into another: a Korean story and an English story found to
-- report one event (aggregate/story Bridges). The merged story's members moved
-- to into_id, and its row is gone; its id keeps answering with the story it
-- joined (/story/ID redirects there), and is never given to a new story. Its
-- entry id and lead are kept so that a label naming that entry (gleaner label
-- ENTRY-ID) still finds the item it showed.
CREATE TABLE story_merges (
    id           INTEGER PRIMARY KEY,
    into_id      INTEGER NOT NULL,
    merged_at    INTEGER NOT NULL,
    entry_id     TEXT    NOT NULL,
    lead_item_id INTEGER NOT NULL
) STRICT;
CREATE INDEX story_merges_into ON story_merges(into_id);
CREATE INDEX story_merges_entry ON story_merges(entry_id);
