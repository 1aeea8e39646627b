--[[
  Removes and returns up to `limit` timers due at `now`, earliest first: each
  is handed to exactly one caller. A due 'reject-cooldown' timer also drops
  the task's rejecters whose cooldown is over (they would never match again).

  Input:
    KEYS[1] <prefix>timers
    ARGV[1] prefix
    ARGV[2] now (ms)
    ARGV[3] limit (> 0)

  Output:
    flat list: member, dueAt, member, dueAt...
]]

local prefix, now = ARGV[1], ARGV[2]
local now_ms = tonumber(now)
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'WITHSCORES', 'LIMIT', 0, ARGV[3])
local cooldown = 'reject-cooldown|'
for i = 1, #due, 2 do
  local member = due[i]
  redis.call('ZREM', KEYS[1], member)
  if string.sub(member, 1, #cooldown) == cooldown then
    local rejecters = prefix .. 'rejecters:' .. string.sub(member, #cooldown + 1)
    local flat = redis.call('HGETALL', rejecters)
    for j = 1, #flat, 2 do
      if tonumber(flat[j + 1]) <= now_ms then redis.call('HDEL', rejecters, flat[j]) end
    end
  end
end
return due
