-- Search over the curated feed: the title and the opening of the summary of
-- every curated item (story_id != 0), in an FTS5 index with the trigram
-- tokenizer, which finds any run of three or more characters, Hangul
-- included, without a morphological analyser. Of a summary, the first 100
-- characters are indexed: the opening of the lead says what an item is
-- about, and every character is a token here, which each save of a new
-- curated item pays for. The index reads its text from the view
-- item_search_text (external content).
CREATE VIEW item_search_text AS
    SELECT id, title, substr(summary, 1, 100) AS summary FROM items WHERE story_id != 0;

CREATE VIRTUAL TABLE item_search USING fts5(title, summary, content = 'item_search_text', content_rowid = 'id',
    tokenize = 'trigram');

INSERT INTO item_search(rowid, title, summary) SELECT id, title, summary FROM item_search_text;

-- Every change to a curated item's text or story waits here, in order, until
-- the transaction that made it applies the queue to item_search in one
-- statement (store.syncSearch). Written row by row, FTS5 would flush its
-- pending terms to a new segment at each statement, and merge them: that
-- tripled the cost of saving new items.
CREATE TABLE item_search_queue (
    seq     INTEGER PRIMARY KEY,
    op      TEXT    NOT NULL, -- 'insert' or 'delete'
    item_id INTEGER NOT NULL,
    title   TEXT    NOT NULL,
    summary TEXT    NOT NULL
) STRICT;

CREATE TRIGGER item_search_insert AFTER INSERT ON items WHEN new.story_id != 0 BEGIN
    INSERT INTO item_search_queue(op, item_id, title, summary) VALUES ('insert', new.id, new.title, substr(new.summary, 1, 100));
END;

CREATE TRIGGER item_search_delete AFTER DELETE ON items WHEN old.story_id != 0 BEGIN
    INSERT INTO item_search_queue(op, item_id, title, summary) VALUES ('delete', old.id, old.title, substr(old.summary, 1, 100));
END;

CREATE TRIGGER item_search_update AFTER UPDATE OF title, summary, story_id ON items
    WHEN old.story_id != 0 OR new.story_id != 0 BEGIN
    INSERT INTO item_search_queue(op, item_id, title, summary)
        SELECT 'delete', old.id, old.title, substr(old.summary, 1, 100) WHERE old.story_id != 0;
    INSERT INTO item_search_queue(op, item_id, title, summary)
        SELECT 'insert', new.id, new.title, substr(new.summary, 1, 100) WHERE new.story_id != 0;
END;
