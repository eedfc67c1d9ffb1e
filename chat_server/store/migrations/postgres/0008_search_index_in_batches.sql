-- SQLite's 0008 moves its full-text indexing out of the message's COMMIT. PostgreSQL searches through
-- a GIN expression index that PostgreSQL itself keeps (0004): nothing to change; this number keeps
-- the two migration lists in step.
SELECT 1;
