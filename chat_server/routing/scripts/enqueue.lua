-- Put a conversation in the waiting set unless it is there already, offered or assigned.
-- KEYS: 1 waiting (zset), 2 seq (counter), 3 assignment (hash), 4 meta (hash), 5 offers (hash),
--       6 tickets (hash: department -> counter)
-- ARGV: 1 conversation, 2 priority band (0 = requeued to the very front, 1..9 higher sooner),
--       3 department, 4 language, 5 now ms
-- Returns the 0-based rank, or -1 when the conversation is assigned or offered.
--
-- Besides its score (the order across departments) each entry gets a ticket: its place key within
-- its department, numbered by a per-department counter in the same band layout as the score. So
-- a department's waiting tickets sorted are its line, and they form a few runs of consecutive
-- numbers that a widget can count its place in (line.lua, docs/protocol.md `queue:line`).
local conversation = ARGV[1]
if redis.call('HEXISTS', KEYS[3], conversation) == 1 or redis.call('HEXISTS', KEYS[5], conversation) == 1 then
  return -1
end
if redis.call('ZSCORE', KEYS[1], conversation) == false then
  local seq = redis.call('INCR', KEYS[2])
  local n = redis.call('HINCRBY', KEYS[6], ARGV[3], 1)
  local priority = tonumber(ARGV[2])
  local score, ticket
  if priority == 0 then
    score, ticket = -seq, -n
  else
    score, ticket = (10 - priority) * 1e12 + seq, (10 - priority) * 1e12 + n
  end
  redis.call('ZADD', KEYS[1], score, conversation)
  redis.call('HSET', KEYS[4], conversation, ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5] .. '|'
    .. string.format('%.0f', score) .. '|' .. string.format('%.0f', ticket))
end
return redis.call('ZRANK', KEYS[1], conversation)
