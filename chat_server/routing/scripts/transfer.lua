-- Move an assigned conversation from one agent to another, atomically.
-- KEYS: 1 assignment (hash), 2 load (hash), 3 capacity (hash), 4 online (set)
-- ARGV: 1 conversation, 2 from agent, 3 to agent
-- Returns 1 on success, 0 when the conversation is not the sender's, -1 when the target is not
-- online, -2 when the target has no free slot.
local conversation, from, to = ARGV[1], ARGV[2], ARGV[3]
if redis.call('HGET', KEYS[1], conversation) ~= from then
  return 0
end
if redis.call('SISMEMBER', KEYS[4], to) == 0 then
  return -1
end
local load = tonumber(redis.call('HGET', KEYS[2], to) or '0')
local cap = tonumber(redis.call('HGET', KEYS[3], to) or '0')
if load >= cap then
  return -2
end
redis.call('HSET', KEYS[1], conversation, to)
redis.call('HSET', KEYS[2], to, load + 1)
local from_load = tonumber(redis.call('HGET', KEYS[2], from) or '0')
if from_load > 0 then
  redis.call('HSET', KEYS[2], from, from_load - 1)
end
return 1
