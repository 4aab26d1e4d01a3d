-- A curator's corrections of the topic filter: an item taken into the curated
-- feed (keep = 1) or out of it (keep = 0), whatever the filter says. The label
-- is applied to the item's stored verdict (match, reasons) when it is set, and
-- again whenever the item is judged anew (a revision, reclassify). It lives as
-- long as its item: retention deletes it with the item. entry_id is the id the
-- curated feed published the item under when it was labelled (its story's, else
-- its own), so that the same id finds it again after it left its story.
CREATE TABLE labels (
    item_id  INTEGER PRIMARY KEY REFERENCES items(id) ON DELETE CASCADE,
    keep     INTEGER NOT NULL,
    note     TEXT    NOT NULL,
    labelled INTEGER NOT NULL,
    entry_id TEXT    NOT NULL
) STRICT;
