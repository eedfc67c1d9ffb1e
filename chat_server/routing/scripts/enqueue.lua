-- Put a conversation in the waiting set unless it is there already or assigned.
-- KEYS: 1 waiting (zset), 2 seq (counter), 3 assignment (hash)
-- ARGV: 1 conversation id, 2 "front" to jump the line (a chat coming back from an agent), else "back"
-- Returns the 0-based rank, or -1 when the conversation is assigned.
local conversation = ARGV[1]
if redis.call('HEXISTS', KEYS[3], conversation) == 1 then
  return -1
end
if redis.call('ZSCORE', KEYS[1], conversation) == false then
  local seq = redis.call('INCR', KEYS[2])
  local score = seq
  if ARGV[2] == 'front' then
    score = -seq
  end
  redis.call('ZADD', KEYS[1], score, conversation)
end
return redis.call('ZRANK', KEYS[1], conversation)
