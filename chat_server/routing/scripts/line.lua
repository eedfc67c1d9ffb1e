-- Every department's line as runs of consecutive tickets, in order: what `queue:line` carries.
-- KEYS: 1 waiting (zset), 2 meta (hash)
-- Returns a flat list: department, then "first:count,first:count,..." , repeated.
--
-- Scores order the line across departments and tickets within one (enqueue.lua), so walking the
-- waiting set by score yields each department's tickets in increasing order. A run breaks where a
-- chat left from the middle of the line (abandoned, or skipped for language) or a band changes.
local runs, order = {}, {}
for _, conversation in ipairs(redis.call('ZRANGE', KEYS[1], 0, -1)) do
  local meta = redis.call('HGET', KEYS[2], conversation) or ''
  local dept, ticket = string.match(meta, '^([^|]*)|[^|]*|[^|]*|[^|]*|([^|]*)')
  ticket = tonumber(ticket)
  if dept and ticket then
    local mine = runs[dept]
    if not mine then
      mine = {}
      runs[dept] = mine
      order[#order + 1] = dept
    end
    local last = mine[#mine]
    if last and last[1] + last[2] == ticket then
      last[2] = last[2] + 1
    else
      mine[#mine + 1] = {ticket, 1}
    end
  end
end
local out = {}
for _, dept in ipairs(order) do
  local parts = {}
  for i, run in ipairs(runs[dept]) do
    parts[i] = string.format('%.0f', run[1]) .. ':' .. run[2]
  end
  out[#out + 1] = dept
  out[#out + 1] = table.concat(parts, ',')
end
return out
