-- Pair waiting conversations with agents, atomically.
-- KEYS: 1 waiting (zset), 2 online (set), 3 load (hash), 4 capacity (hash),
--       5 last_assigned (hash), 6 assignment (hash), 7 ready_at (hash: breathing time after a close)
-- ARGV: 1 stamp (now in ms * 1000: orders "longest since last assignment"), 2 max pairs, 3 now in ms
-- Returns a flat list: conversation, agent, conversation, agent, ...
--
-- Fair pick: the online agent with a free slot and the fewest open chats; ties go to the one whose
-- last assignment is oldest, then to the lower id so the result is deterministic.
-- Visitors are taken from the head of the waiting set (lowest score first: FIFO).
local stamp = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now_ms = tonumber(ARGV[3])

local candidates = {}
for _, agent in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local load = tonumber(redis.call('HGET', KEYS[3], agent) or '0')
  local cap = tonumber(redis.call('HGET', KEYS[4], agent) or '0')
  local ready_at = tonumber(redis.call('HGET', KEYS[7], agent) or '0')
  if load < cap and ready_at <= now_ms then
    local last = tonumber(redis.call('HGET', KEYS[5], agent) or '0')
    candidates[#candidates + 1] = {id = agent, load = load, cap = cap, last = last}
  end
end

local out = {}
local pairs_made = 0
while pairs_made < limit and #candidates > 0 do
  local head = redis.call('ZRANGE', KEYS[1], 0, 0)
  if #head == 0 then break end
  local conversation = head[1]

  local best = 1
  for i = 2, #candidates do
    local c, b = candidates[i], candidates[best]
    if c.load < b.load
      or (c.load == b.load and c.last < b.last)
      or (c.load == b.load and c.last == b.last and c.id < b.id) then
      best = i
    end
  end
  local agent = candidates[best]

  redis.call('ZREM', KEYS[1], conversation)
  redis.call('HSET', KEYS[6], conversation, agent.id)
  agent.load = agent.load + 1
  -- Within one call every pair gets a later stamp, so the earlier one counts as "waited longer".
  agent.last = stamp + pairs_made
  redis.call('HSET', KEYS[3], agent.id, agent.load)
  redis.call('HSET', KEYS[5], agent.id, string.format('%.0f', agent.last))
  pairs_made = pairs_made + 1
  out[#out + 1] = conversation
  out[#out + 1] = agent.id
  if agent.load >= agent.cap then
    table.remove(candidates, best)
  end
end
return out
