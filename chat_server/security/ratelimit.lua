-- Fixed-window counter: one key per (limit, identity, window).
-- KEYS: 1 counter
-- ARGV: 1 limit, 2 window ms, 3 cost (0 peeks without counting)
-- Returns 0 when allowed, else the ms until the window ends.
local count = tonumber(redis.call('GET', KEYS[1]) or '0')
local limit = tonumber(ARGV[1])
if count >= limit then
  local ttl = redis.call('PTTL', KEYS[1])
  if ttl < 0 then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
    ttl = tonumber(ARGV[2])
  end
  return ttl
end
if tonumber(ARGV[3]) > 0 then
  count = redis.call('INCRBY', KEYS[1], ARGV[3])
  if count == tonumber(ARGV[3]) then
    redis.call('PEXPIRE', KEYS[1], ARGV[2])
  end
end
return 0
