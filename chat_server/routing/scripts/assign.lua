-- Pair waiting conversations with agents, atomically: assign them, or (in a department that
-- works by offer) reserve a slot and offer the chat to one agent.
-- KEYS: 1 waiting (zset), 2 online (set), 3 load (hash), 4 capacity (hash), 5 last_assigned (hash),
--       6 assignment (hash), 7 ready_at (hash), 8 meta (hash), 9 agent_depts (hash),
--       10 agent_langs (hash), 11 offers (hash), 12 offer_exp (zset), 13 declined (hash)
-- ARGV: 1 stamp (now ms * 1000), 2 max pairs, 3 now ms, 4 how many waiting to look at,
--       5 departments: "key:fallback_ms:mode:offer_ms" joined by ","
-- Returns a flat list of quadruples: kind ("a" assigned, "o" offered), conversation, agent, the
-- visitor's language ("" when none).
--
-- Fair pick among eligible agents (online, free slot, breathing time over, in the department,
-- speaking the visitor's language until the department's fallback wait has passed, not having
-- declined this chat): fewest open chats, then longest since last assignment, then lowest id.
-- Visitors are considered in queue order (priority, then first come first served); one who has
-- no eligible agent does not block those behind them.
local stamp = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local now_ms = tonumber(ARGV[3])
local scan = tonumber(ARGV[4])

local depts = {}
for spec in string.gmatch(ARGV[5], '[^,]+') do
  local key, fallback, mode, offer_ms = string.match(spec, '^([^:]*):([^:]*):([^:]*):([^:]*)$')
  depts[key] = {fallback = tonumber(fallback), mode = mode, offer_ms = tonumber(offer_ms)}
end

local candidates = {}
for _, agent in ipairs(redis.call('SMEMBERS', KEYS[2])) do
  local load = tonumber(redis.call('HGET', KEYS[3], agent) or '0')
  local cap = tonumber(redis.call('HGET', KEYS[4], agent) or '0')
  local ready_at = tonumber(redis.call('HGET', KEYS[7], agent) or '0')
  if load < cap and ready_at <= now_ms then
    candidates[#candidates + 1] = {
      id = agent, load = load, cap = cap,
      last = tonumber(redis.call('HGET', KEYS[5], agent) or '0'),
      depts = redis.call('HGET', KEYS[9], agent) or '',
      langs = redis.call('HGET', KEYS[10], agent) or '',
    }
  end
end

local out = {}
local made = 0
if #candidates == 0 then return out end

for _, conversation in ipairs(redis.call('ZRANGE', KEYS[1], 0, scan - 1)) do
  if made >= limit or #candidates == 0 then break end
  local meta = redis.call('HGET', KEYS[8], conversation) or ''
  local dept, lang, enqueued = string.match(meta, '^([^|]*)|([^|]*)|([^|]*)')
  dept = dept or ''
  lang = lang or ''
  local cfg = depts[dept] or {fallback = 0, mode = 'auto', offer_ms = 30000}
  local any_language = lang == '' or (now_ms - (tonumber(enqueued) or 0)) >= cfg.fallback
  local declined = redis.call('HGET', KEYS[13], conversation) or ''

  local best = nil
  for i, c in ipairs(candidates) do
    local eligible = (c.depts == '' or string.find(c.depts, '|' .. dept .. '|', 1, true))
      and (any_language or c.langs == '' or string.find(c.langs, '|' .. lang .. '|', 1, true))
      and not string.find(declined, '|' .. c.id .. '|', 1, true)
    if eligible then
      local b = best and candidates[best]
      if not b or c.load < b.load or (c.load == b.load and c.last < b.last)
        or (c.load == b.load and c.last == b.last and c.id < b.id) then
        best = i
      end
    end
  end

  if best then
    local agent = candidates[best]
    redis.call('ZREM', KEYS[1], conversation)
    agent.load = agent.load + 1
    agent.last = stamp + made
    redis.call('HSET', KEYS[3], agent.id, agent.load)
    redis.call('HSET', KEYS[5], agent.id, string.format('%.0f', agent.last))
    if cfg.mode == 'offer' then
      redis.call('HSET', KEYS[11], conversation, agent.id)
      redis.call('ZADD', KEYS[12], now_ms + cfg.offer_ms, conversation)
      out[#out + 1] = 'o'
    else
      redis.call('HSET', KEYS[6], conversation, agent.id)
      out[#out + 1] = 'a'
    end
    out[#out + 1] = conversation
    out[#out + 1] = agent.id
    out[#out + 1] = lang
    made = made + 1
    if agent.load >= agent.cap then
      table.remove(candidates, best)
    end
  end
end
return out
