-- One waiting conversation's place in its department's line, and its ticket.
-- KEYS: 1 waiting (zset), 2 meta (hash)
-- ARGV: 1 conversation, 2 "one" when every waiting chat is in the same department (ZRANK will do)
-- Returns {position (1-based), ticket, department} or false when it is not waiting.
local conversation = ARGV[1]
local rank = redis.call('ZRANK', KEYS[1], conversation)
if rank == false then
  return false
end
local meta = redis.call('HGET', KEYS[2], conversation) or ''
local dept, ticket = string.match(meta, '^([^|]*)|[^|]*|[^|]*|[^|]*|([^|]*)')
local position = rank + 1
if ARGV[2] ~= 'one' and rank > 0 then
  position = 1
  for _, other in ipairs(redis.call('ZRANGE', KEYS[1], 0, rank - 1)) do
    if string.match(redis.call('HGET', KEYS[2], other) or '', '^([^|]*)') == dept then
      position = position + 1
    end
  end
end
return {position, ticket or '', dept or ''}
