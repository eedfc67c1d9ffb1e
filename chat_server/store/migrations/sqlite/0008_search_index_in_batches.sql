-- Messages reach the full-text index in batches (SqliteStore.index_messages: before every search and
-- every few seconds), not through a trigger inside every message's COMMIT: the trigger was ~40 % of
-- an append's SQLite work. indexed_through is the highest messages.rowid in messages_fts; rows above
-- it are not in the index yet, so only rows at or below it are removed from it on delete.
DROP TRIGGER messages_fts_insert;
CREATE TABLE fts_progress (indexed_through INTEGER NOT NULL);
INSERT INTO fts_progress (indexed_through) SELECT COALESCE(MAX(rowid), 0) FROM messages;
DROP TRIGGER messages_fts_delete;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.rowid <= (SELECT indexed_through FROM fts_progress) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
