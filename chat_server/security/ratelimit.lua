-- Fixed-window counters, one key per (limit, identity, window), checked together so a message
-- that spends several budgets (visitor and IP) costs one round trip.
-- KEYS: the counters
-- ARGV: 1 cost (0 peeks without counting), then for each key: limit, window ms
-- Returns 0 when every counter allows it (and then counts the cost on each), else the ms until
-- the latest of the exhausted windows ends (nothing is counted).
local cost = tonumber(ARGV[1])
local wait = 0
for i, key in ipairs(KEYS) do
  local count = tonumber(redis.call('GET', key) or '0')
  if count >= tonumber(ARGV[2 * i]) then
    local ttl = redis.call('PTTL', key)
    if ttl < 0 then
      redis.call('PEXPIRE', key, ARGV[2 * i + 1])
      ttl = tonumber(ARGV[2 * i + 1])
    end
    if ttl > wait then
      wait = ttl
    end
  end
end
if wait > 0 or cost <= 0 then
  return wait
end
for i, key in ipairs(KEYS) do
  if redis.call('INCRBY', key, cost) == cost then
    redis.call('PEXPIRE', key, ARGV[2 * i + 1])
  end
end
return 0
