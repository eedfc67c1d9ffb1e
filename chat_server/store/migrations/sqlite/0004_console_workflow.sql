-- Visitor context, close outcomes, internal notes, follow-ups, account settings, full-text search.
ALTER TABLE conversations ADD COLUMN page_title TEXT;
ALTER TABLE conversations ADD COLUMN user_agent TEXT;
ALTER TABLE conversations ADD COLUMN visitor_timezone TEXT;
ALTER TABLE conversations ADD COLUMN outcome TEXT;
ALTER TABLE agents ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';

-- Notes are for agents and managers only; nothing here is ever sent to a visitor.
-- kind: 'note' (an agent's), 'handover' (written with a transfer), 'whisper' (a manager's to the agent).
CREATE TABLE notes (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    author_id TEXT NOT NULL REFERENCES agents (id),
    author_name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'handover', 'whisper')),
    text TEXT NOT NULL,
    created_at REAL NOT NULL
);
CREATE INDEX notes_conversation ON notes (conversation_id, created_at);

CREATE TABLE follow_ups (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    due_date TEXT NOT NULL,
    note TEXT,
    created_at REAL NOT NULL,
    done_at REAL,
    done_by TEXT REFERENCES agents (id)
);
CREATE INDEX follow_ups_agent ON follow_ups (agent_id, done_at, due_date);

CREATE VIRTUAL TABLE messages_fts USING fts5 (text, content = 'messages', content_rowid = 'rowid');
INSERT INTO messages_fts (rowid, text) SELECT rowid, text FROM messages;
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
    INSERT INTO messages_fts (rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
    INSERT INTO messages_fts (messages_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
