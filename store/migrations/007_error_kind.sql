-- The kind of a source's last error ("timeout", "not_feed", "denied", ...), which
-- public status pages show instead of the error's text: the text can quote what
-- a remote server answered. '' when the last poll succeeded or was saved before
-- kinds were kept.
ALTER TABLE sources ADD COLUMN error_kind TEXT NOT NULL DEFAULT '';
