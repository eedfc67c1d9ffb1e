-- Routing: department, language and priority of each conversation; offers that went unanswered.
ALTER TABLE conversations ADD COLUMN department TEXT;
ALTER TABLE conversations ADD COLUMN language TEXT;
ALTER TABLE conversations ADD COLUMN priority INTEGER NOT NULL DEFAULT 1;
ALTER TABLE conversations ADD COLUMN was_offline INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN sla_breached_at DOUBLE PRECISION;
CREATE INDEX conversations_department ON conversations (department, created_at);

-- An offer an agent let ring out ('missed') or turned down ('declined').
CREATE TABLE offer_outcomes (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    outcome TEXT NOT NULL CHECK (outcome IN ('missed', 'declined')),
    created_at DOUBLE PRECISION NOT NULL
);
CREATE INDEX offer_outcomes_agent ON offer_outcomes (agent_id, created_at);
