-- An offer declined or expired: free the reserved slot, remember the agent passed on it, and put
-- the chat back in line at its original place.
-- KEYS: 1 offers (hash), 2 offer_exp (zset), 3 load (hash), 4 waiting (zset), 5 meta (hash),
--       6 declined (hash)
-- ARGV: 1 conversation, 2 agent
-- Returns 1 when the offer was this agent's, else 0.
local conversation, agent = ARGV[1], ARGV[2]
if redis.call('HGET', KEYS[1], conversation) ~= agent then
  return 0
end
redis.call('HDEL', KEYS[1], conversation)
redis.call('ZREM', KEYS[2], conversation)
local load = tonumber(redis.call('HGET', KEYS[3], agent) or '0')
if load > 0 then
  redis.call('HSET', KEYS[3], agent, load - 1)
end
local declined = redis.call('HGET', KEYS[6], conversation) or '|'
redis.call('HSET', KEYS[6], conversation, declined .. agent .. '|')
local meta = redis.call('HGET', KEYS[5], conversation) or ''
local score = tonumber(string.match(meta, '^[^|]*|[^|]*|[^|]*|([^|]*)') or '0')
redis.call('ZADD', KEYS[4], score, conversation)
return 1
