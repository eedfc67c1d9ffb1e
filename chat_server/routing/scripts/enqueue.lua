-- Put a conversation in the waiting set unless it is there already, offered or assigned.
-- KEYS: 1 waiting (zset), 2 seq (counter), 3 assignment (hash), 4 meta (hash), 5 offers (hash)
-- ARGV: 1 conversation, 2 priority band (0 = requeued to the very front, 1..9 higher sooner),
--       3 department, 4 language, 5 now ms
-- Returns the 0-based rank, or -1 when the conversation is assigned or offered.
local conversation = ARGV[1]
if redis.call('HEXISTS', KEYS[3], conversation) == 1 or redis.call('HEXISTS', KEYS[5], conversation) == 1 then
  return -1
end
if redis.call('ZSCORE', KEYS[1], conversation) == false then
  local seq = redis.call('INCR', KEYS[2])
  local priority = tonumber(ARGV[2])
  local score
  if priority == 0 then
    score = -seq
  else
    score = (10 - priority) * 1e12 + seq
  end
  redis.call('ZADD', KEYS[1], score, conversation)
  redis.call('HSET', KEYS[4], conversation,
    ARGV[3] .. '|' .. ARGV[4] .. '|' .. ARGV[5] .. '|' .. string.format('%.0f', score))
end
return redis.call('ZRANK', KEYS[1], conversation)
