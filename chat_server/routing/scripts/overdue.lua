-- Waiting conversations past their department's maximum wait and not flagged yet: what the SLA
-- sweep acts on. Walking the line here costs one call, not the whole line read into the process
-- every sweep (10,000 waiting made that a few percent of a busy server's time).
-- KEYS: 1 waiting (zset), 2 meta (hash), 3 sla_flagged (set)
-- ARGV: 1 now ms, 2 departments: "key:max_wait_ms" joined by ","
-- Returns a flat list: conversation, department, enqueued ms, repeated.
local now_ms = tonumber(ARGV[1])
local limits = {}
for spec in string.gmatch(ARGV[2], '[^,]+') do
  local key, max_ms = string.match(spec, '^([^:]*):([^:]*)$')
  limits[key] = tonumber(max_ms)
end
local out = {}
for _, conversation in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local meta = redis.call('HGET', KEYS[2], conversation) or ''
  local dept, enqueued = string.match(meta, '^([^|]*)|[^|]*|([^|]*)')
  local limit = dept and limits[dept]
  enqueued = tonumber(enqueued) or 0
  if limit and now_ms - enqueued > limit and redis.call('SISMEMBER', KEYS[3], conversation) == 0 then
    out[#out + 1] = conversation
    out[#out + 1] = dept
    out[#out + 1] = string.format('%.0f', enqueued)
  end
end
return out
