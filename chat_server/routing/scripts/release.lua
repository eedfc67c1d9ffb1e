-- Forget a conversation in the queue: free the slot it held (assigned or offered) and its place
-- in line. Idempotent.
-- KEYS: 1 waiting (zset), 2 load (hash), 3 assignment (hash), 4 meta (hash), 5 offers (hash),
--       6 offer_exp (zset), 7 declined (hash), 8 handle_avg (hash)
-- ARGV: 1 conversation, 2 department whose average handle time takes this chat ('' for none),
--       3 how long it was handled (seconds)
-- Returns the agent that held it, or false.
--
-- A closed chat's handle time goes into its department's rolling average (exponential, weight
-- 0.2) in the same call: a close is one round trip to Redis, not three.
local conversation = ARGV[1]
if ARGV[2] and ARGV[2] ~= '' then
  local seconds = tonumber(ARGV[3])
  local current = tonumber(redis.call('HGET', KEYS[8], ARGV[2]) or '')
  if current then
    seconds = 0.8 * current + 0.2 * seconds
  end
  redis.call('HSET', KEYS[8], ARGV[2], string.format('%.1f', seconds))
end
redis.call('ZREM', KEYS[1], conversation)
redis.call('HDEL', KEYS[4], conversation)
redis.call('HDEL', KEYS[7], conversation)
local agent = redis.call('HGET', KEYS[3], conversation)
if agent then
  redis.call('HDEL', KEYS[3], conversation)
else
  agent = redis.call('HGET', KEYS[5], conversation)
  if not agent then
    return false
  end
  redis.call('HDEL', KEYS[5], conversation)
  redis.call('ZREM', KEYS[6], conversation)
end
local load = tonumber(redis.call('HGET', KEYS[2], agent) or '0')
if load > 0 then
  redis.call('HSET', KEYS[2], agent, load - 1)
end
return agent
