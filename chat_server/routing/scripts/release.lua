-- Free the agent slot a conversation held, once. Also drops it from the waiting set.
-- KEYS: 1 waiting (zset), 2 load (hash), 3 assignment (hash)
-- ARGV: 1 conversation id
-- Returns the agent id that held it, or false.
local conversation = ARGV[1]
redis.call('ZREM', KEYS[1], conversation)
local agent = redis.call('HGET', KEYS[3], conversation)
if not agent then
  return false
end
redis.call('HDEL', KEYS[3], conversation)
local load = tonumber(redis.call('HGET', KEYS[2], agent) or '0')
if load > 0 then
  redis.call('HSET', KEYS[2], agent, load - 1)
end
return agent
