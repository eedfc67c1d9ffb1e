-- Ratings keep the scale the visitor answered on; the score stays on one 1..5 axis so reports can
-- mix scales (three levels: 1, 3, 5; thumbs: 1, 5). See chat_server/services/ratings.py.
ALTER TABLE ratings ADD COLUMN scale TEXT NOT NULL DEFAULT 'stars5';

-- A manager's quality review of one agent's part in one conversation: 0..2 points per rubric criterion.
CREATE TABLE qa_reviews (
    conversation_id TEXT NOT NULL REFERENCES conversations (id),
    agent_id TEXT NOT NULL REFERENCES agents (id),
    reviewer_id TEXT NOT NULL REFERENCES agents (id),
    scores TEXT NOT NULL,
    points INTEGER NOT NULL,
    max_points INTEGER NOT NULL,
    comment TEXT,
    created_at DOUBLE PRECISION NOT NULL,
    updated_at DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (conversation_id, agent_id)
);
CREATE INDEX qa_reviews_agent ON qa_reviews (agent_id, updated_at);

-- Reports select conversations by start time and join each one's participants and messages.
CREATE INDEX conversations_created ON conversations (created_at);
CREATE INDEX conversation_agents_agent ON conversation_agents (agent_id, joined_at);
CREATE INDEX ratings_created ON ratings (created_at);
