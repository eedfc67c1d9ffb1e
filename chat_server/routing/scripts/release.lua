-- Forget a conversation in the queue: free the slot it held (assigned or offered) and its place
-- in line. Idempotent.
-- KEYS: 1 waiting (zset), 2 load (hash), 3 assignment (hash), 4 meta (hash), 5 offers (hash),
--       6 offer_exp (zset), 7 declined (hash)
-- ARGV: 1 conversation
-- Returns the agent that held it, or false.
local conversation = ARGV[1]
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
