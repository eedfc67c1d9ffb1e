-- PostgreSQL twin of sqlite/0001: DOUBLE PRECISION for times (REAL would be 4-byte here).
-- Agents, their sessions, visitors, conversations, messages and ratings.
CREATE TABLE agents (
    id TEXT PRIMARY KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('agent', 'manager')),
    password_hash TEXT NOT NULL,
    capacity INTEGER,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE agent_sessions (
    token_hash TEXT PRIMARY KEY,
    agent_id TEXT NOT NULL REFERENCES agents (id),
    created_at DOUBLE PRECISION NOT NULL,
    expires_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX agent_sessions_agent ON agent_sessions (agent_id);

CREATE TABLE visitors (
    id TEXT PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    name TEXT,
    email TEXT,
    created_at DOUBLE PRECISION NOT NULL
);

CREATE TABLE conversations (
    id TEXT PRIMARY KEY,
    visitor_id TEXT NOT NULL REFERENCES visitors (id),
    agent_id TEXT REFERENCES agents (id),
    status TEXT NOT NULL CHECK (status IN ('queued', 'assigned', 'closed', 'offline')),
    visitor_name TEXT,
    visitor_email TEXT,
    page_url TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    assigned_at DOUBLE PRECISION,
    closed_at DOUBLE PRECISION,
    closed_by TEXT,
    last_seq INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX conversations_visitor ON conversations (visitor_id, created_at);
CREATE INDEX conversations_agent ON conversations (agent_id, status);
CREATE INDEX conversations_status ON conversations (status, created_at);

-- Everyone who took part: a rating credits each of them.
CREATE TABLE conversation_agents (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    joined_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (conversation_id, agent_id)
);

CREATE TABLE messages (
    id TEXT PRIMARY KEY,
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    seq INTEGER NOT NULL,
    client_id TEXT,
    author_kind TEXT NOT NULL CHECK (author_kind IN ('visitor', 'agent', 'system')),
    author_id TEXT,
    author_name TEXT,
    text TEXT NOT NULL,
    created_at DOUBLE PRECISION NOT NULL,
    UNIQUE (conversation_id, seq)
);
-- A resend with the same client_id must find the first copy.
CREATE UNIQUE INDEX messages_client ON messages (conversation_id, author_kind, client_id)
    WHERE client_id IS NOT NULL;

CREATE TABLE ratings (
    conversation_id TEXT PRIMARY KEY REFERENCES conversations (id),
    score INTEGER NOT NULL CHECK (score BETWEEN 1 AND 5),
    comment TEXT,
    created_at DOUBLE PRECISION NOT NULL
);
