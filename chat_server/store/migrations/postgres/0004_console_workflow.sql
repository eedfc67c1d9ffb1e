-- Visitor context, close outcomes, internal notes, follow-ups, account settings, full-text search.
ALTER TABLE conversations ADD COLUMN page_title TEXT;
ALTER TABLE conversations ADD COLUMN user_agent TEXT;
ALTER TABLE conversations ADD COLUMN visitor_timezone TEXT;
ALTER TABLE conversations ADD COLUMN outcome TEXT;
ALTER TABLE agents ADD COLUMN departments TEXT NOT NULL DEFAULT '[]';
ALTER TABLE agents ADD COLUMN languages TEXT NOT NULL DEFAULT '[]';

-- Notes are for agents and managers only; nothing here is ever sent to a visitor.
-- kind: 'note' (an agent's), 'handover' (written with a transfer), 'whisper' (a manager's to the agent).
-- rowid: SQLite's implicit insertion order, made explicit, so "ORDER BY created_at, rowid" is one query.
CREATE TABLE notes (
    rowid BIGINT GENERATED ALWAYS AS IDENTITY,
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    author_id TEXT NOT NULL REFERENCES agents (id),
    author_name TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'note' CHECK (kind IN ('note', 'handover', 'whisper')),
    text TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX notes_conversation ON notes (conversation_id, created_at);

CREATE TABLE follow_ups (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    due_date TEXT NOT NULL,
    note TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    done_at DOUBLE PRECISION,
    done_by TEXT REFERENCES agents (id)
);
CREATE INDEX follow_ups_agent ON follow_ups (agent_id, done_at, due_date);

-- Full-text search (SQLite: FTS5): word-prefix matching over to_tsvector('simple', text), which
-- case-folds and does not stem, like FTS5's default tokenizer; see store/dialects.py.
CREATE INDEX messages_text_search ON messages USING GIN (to_tsvector('simple', text));
