-- Sources are keyed by their configured URL; fetch state lives beside them so that
-- a restart keeps schedules, validators and backoff.
CREATE TABLE sources (
    id                 INTEGER PRIMARY KEY,
    url                TEXT    NOT NULL UNIQUE,
    name               TEXT    NOT NULL DEFAULT '',
    rank               INTEGER NOT NULL DEFAULT 0,
    active             INTEGER NOT NULL DEFAULT 1,
    current_url        TEXT    NOT NULL DEFAULT '',
    etag               TEXT    NOT NULL DEFAULT '',
    last_modified      TEXT    NOT NULL DEFAULT '',
    last_attempt       INTEGER NOT NULL DEFAULT 0,
    last_success       INTEGER NOT NULL DEFAULT 0,
    next_fetch         INTEGER NOT NULL DEFAULT 0,
    status             INTEGER NOT NULL DEFAULT 0,
    consecutive_errors INTEGER NOT NULL DEFAULT 0,
    last_error         TEXT    NOT NULL DEFAULT '',
    gone               INTEGER NOT NULL DEFAULT 0,
    items_seen         INTEGER NOT NULL DEFAULT 0,
    items_kept         INTEGER NOT NULL DEFAULT 0,
    feed_title         TEXT    NOT NULL DEFAULT '',
    feed_link          TEXT    NOT NULL DEFAULT '',
    feed_id            TEXT    NOT NULL DEFAULT ''
) STRICT;

-- Every fetched item is stored, kept by the topic filter or not, with the verdict
-- and its reasons, so that a changed filter can be re-applied: title, summary and
-- body_text are exactly what the classifier read. content is the sanitised HTML
-- body, kept only for items the filter kept (only those are republished). Identity is the
-- source plus a 64-bit hash of the item's key (GUID, else link, else title+date);
-- url_hash finds the same article arriving from another source.
CREATE TABLE items (
    id         INTEGER PRIMARY KEY,
    source_id  INTEGER NOT NULL REFERENCES sources(id),
    key_hash   INTEGER NOT NULL,
    url_hash   INTEGER NOT NULL,
    body_hash  INTEGER NOT NULL,
    guid       TEXT    NOT NULL,
    url        TEXT    NOT NULL,
    title      TEXT    NOT NULL,
    summary    TEXT    NOT NULL,
    body_text  TEXT    NOT NULL,
    content    TEXT    NOT NULL,
    author     TEXT    NOT NULL,
    lang       TEXT    NOT NULL,
    published  INTEGER NOT NULL,
    updated    INTEGER NOT NULL,
    first_seen INTEGER NOT NULL,
    match      INTEGER NOT NULL,
    fresh      INTEGER NOT NULL,
    score      REAL    NOT NULL,
    reasons    TEXT    NOT NULL,
    facets     TEXT    NOT NULL,
    story_id   INTEGER NOT NULL DEFAULT 0,
    similarity REAL    NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX items_identity ON items(source_id, key_hash);
CREATE INDEX items_url ON items(url_hash) WHERE url_hash != 0;
CREATE INDEX items_story ON items(story_id) WHERE story_id != 0;
CREATE INDEX items_first_seen ON items(first_seen);

-- A story is one piece of news, reported by one or more items. The curated feed
-- publishes one entry per visible story; entry_id is fixed when the story starts.
CREATE TABLE stories (
    id           INTEGER PRIMARY KEY,
    entry_id     TEXT    NOT NULL UNIQUE,
    lead_item_id INTEGER NOT NULL,
    source_id    INTEGER NOT NULL,
    published    INTEGER NOT NULL,
    first_seen   INTEGER NOT NULL,
    updated      INTEGER NOT NULL,
    lang         TEXT    NOT NULL,
    facets       TEXT    NOT NULL,
    members      INTEGER NOT NULL,
    visible      INTEGER NOT NULL
) STRICT;
CREATE INDEX stories_curated ON stories(published DESC, id DESC) WHERE visible = 1;

-- Identities of deleted items, remembered so that a feed still listing an item
-- does not bring it back after retention removed it.
CREATE TABLE tombstones (
    source_id  INTEGER NOT NULL,
    key_hash   INTEGER NOT NULL,
    deleted_at INTEGER NOT NULL,
    PRIMARY KEY (source_id, key_hash)
) STRICT, WITHOUT ROWID;
