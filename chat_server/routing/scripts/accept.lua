-- An agent takes a chat: the one offered to them, or (SLA escalation) one still waiting.
-- Exactly one of two agents accepting at the same moment on two processes wins.
-- KEYS: 1 offers (hash), 2 offer_exp (zset), 3 assignment (hash), 4 waiting (zset), 5 load (hash),
--       6 capacity (hash), 7 meta (hash)
-- ARGV: 1 conversation, 2 agent, 3 "any" when a waiting chat may be taken (SLA broadcast)
-- Returns 1 taken, 0 already taken / not offered to you, -2 no free slot.
local conversation, agent = ARGV[1], ARGV[2]
if redis.call('HGET', KEYS[1], conversation) == agent then
  redis.call('HDEL', KEYS[1], conversation)
  redis.call('ZREM', KEYS[2], conversation)
  redis.call('HSET', KEYS[3], conversation, agent)
  return 1
end
if ARGV[3] ~= 'any' or redis.call('ZSCORE', KEYS[4], conversation) == false then
  return 0
end
local load = tonumber(redis.call('HGET', KEYS[5], agent) or '0')
local cap = tonumber(redis.call('HGET', KEYS[6], agent) or '0')
if load >= cap then
  return -2
end
redis.call('ZREM', KEYS[4], conversation)
redis.call('HSET', KEYS[3], conversation, agent)
redis.call('HSET', KEYS[5], agent, load + 1)
return 1
