-- Canned replies with their full edit history and usage; the positive-language assistant's rules and counters.

-- scope_key makes "same shortcut in the same language and scope" one unique index: '' for global,
-- the department for department replies, the owner's agent id for personal ones.
-- Deleting is soft (deleted_at) so history, usage and a revert survive it.
CREATE TABLE canned_responses (
    id TEXT PRIMARY KEY,
    shortcut TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT NOT NULL,
    language TEXT NOT NULL,
    scope TEXT NOT NULL CHECK (scope IN ('global', 'department', 'personal')),
    department TEXT,
    owner_id TEXT REFERENCES agents (id),
    scope_key TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    deleted_at REAL
);
CREATE UNIQUE INDEX canned_responses_shortcut ON canned_responses (language, scope, scope_key, shortcut)
    WHERE deleted_at IS NULL;
CREATE INDEX canned_responses_owner ON canned_responses (owner_id) WHERE owner_id IS NOT NULL;

-- One row per saved state: version 1 is the creation; a delete is a version too.
CREATE TABLE canned_response_versions (
    canned_response_id TEXT NOT NULL REFERENCES canned_responses (id),
    version INTEGER NOT NULL,
    action TEXT NOT NULL CHECK (action IN ('create', 'update', 'delete', 'revert', 'import', 'seed')),
    shortcut TEXT NOT NULL,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    category TEXT NOT NULL,
    language TEXT NOT NULL,
    scope TEXT NOT NULL,
    department TEXT,
    owner_id TEXT,
    changed_by TEXT REFERENCES agents (id),
    changed_by_name TEXT,
    changed_at REAL NOT NULL,
    reverted_from INTEGER,
    PRIMARY KEY (canned_response_id, version)
);

CREATE TABLE canned_response_usage (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    canned_response_id TEXT NOT NULL REFERENCES canned_responses (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    conversation_id TEXT REFERENCES conversations (id),
    used_at REAL NOT NULL
);
CREATE INDEX canned_response_usage_reply ON canned_response_usage (canned_response_id, used_at);
CREATE INDEX canned_response_usage_conversation ON canned_response_usage (conversation_id);

-- phrase_key is the phrase case-folded with spaces collapsed: one rule per phrase and language.
CREATE TABLE assistant_rules (
    id TEXT PRIMARY KEY,
    language TEXT NOT NULL,
    phrase TEXT NOT NULL,
    phrase_key TEXT NOT NULL,
    reframe TEXT NOT NULL,
    note TEXT,
    updated_at REAL NOT NULL,
    updated_by TEXT REFERENCES agents (id),
    UNIQUE (language, phrase_key)
);

-- Counters per agent per UTC day, for the reports.
CREATE TABLE assistant_feedback (
    agent_id TEXT NOT NULL REFERENCES agents (id),
    day TEXT NOT NULL,
    shown INTEGER NOT NULL DEFAULT 0,
    accepted INTEGER NOT NULL DEFAULT 0,
    ignored INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (agent_id, day)
);

-- One-time jobs already done, e.g. loading the starter library (so deleting everything does not re-seed).
CREATE TABLE canned_seed_log (
    name TEXT PRIMARY KEY,
    done_at REAL NOT NULL
);
