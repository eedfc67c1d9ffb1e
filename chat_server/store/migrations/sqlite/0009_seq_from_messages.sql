-- A message's seq is the conversation's highest plus one, read from messages (conversation_id, seq)
-- inside the write lock, not kept in conversations.last_seq; and messages.id is no longer a primary
-- key (nothing looks a message up by its id, and ids are made unique by construction, ids.py). Each
-- message then writes three b-trees instead of five: the table, (conversation_id, seq) and
-- messages_client (docs/performance.md, "Session 9"). The rebuild keeps every rowid, which the
-- full-text index (0004, 0008) refers to.
DROP TRIGGER messages_fts_delete;
CREATE TABLE messages_rebuilt (
    id TEXT NOT NULL,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq INTEGER NOT NULL,
    client_id TEXT,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('visitor', 'agent', 'system')),
    author_id TEXT,
    author_name TEXT,
    text TEXT NOT NULL,
    created_at REAL NOT NULL,
    UNIQUE (conversation_id, seq)
);
INSERT INTO messages_rebuilt (rowid, id, conversation_id, seq, client_id, author_kind, author_id, author_name,
                              text, created_at)
SELECT rowid, id, conversation_id, seq, client_id, author_kind, author_id, author_name, text, created_at
FROM messages;
DROP TABLE messages;
ALTER TABLE messages_rebuilt RENAME TO messages;
CREATE UNIQUE INDEX messages_client ON messages (conversation_id, author_kind, client_id)
    WHERE client_id IS NOT NULL;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
WHEN old.rowid <= (SELECT indexed_through FROM fts_progress) BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
ALTER TABLE conversations DROP COLUMN last_seq;
