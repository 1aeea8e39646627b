--[[
  Timers: one ZSET `<prefix>timers`, member `kind|id`, score dueAt.
  Every node subscribes to `<prefix>timer-scheduled` so it can re-arm its
  local wake-up when a timer earlier than all others appears.
]]

--- Adds or moves a timer; publishes its due time when it became the earliest.
local function schedule_timer(prefix, member, due_at)
  local key = prefix .. 'timers'
  redis.call('ZADD', key, due_at, member)
  if redis.call('ZRANGE', key, 0, 0)[1] == member then
    redis.call('PUBLISH', prefix .. 'timer-scheduled', due_at)
  end
end

local function cancel_timer(prefix, member)
  redis.call('ZREM', prefix .. 'timers', member)
end
