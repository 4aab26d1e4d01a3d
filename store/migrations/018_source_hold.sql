-- The time until which a source's host asked to be left alone: a 429 or 503
-- with Retry-After sets it, any answer after it clears it (Unix seconds, 0 for
-- none). A round of every source from a new process (gleaner fetch from cron)
-- holds the host until then, not until the source's own next poll, which its
-- backoff may put hours later.
ALTER TABLE sources ADD COLUMN hold_until INTEGER NOT NULL DEFAULT 0;
-- A source that was holding its host when this migration ran keeps its hold:
-- its next poll is when the Retry-After (or the backoff after it) ends.
UPDATE sources SET hold_until = next_fetch WHERE status IN (429, 503) AND error_kind IN ('rate_limited', 'unavailable');
