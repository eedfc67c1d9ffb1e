-- A message's seq is the conversation's highest plus one, read from messages (conversation_id, seq)
-- while the conversation's row is locked (FOR UPDATE), as on SQLite, so both stores run one body of
-- SQL and no column can drift from the messages it counts.
ALTER TABLE conversations DROP COLUMN last_seq;
