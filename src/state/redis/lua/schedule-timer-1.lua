--[[
  Schedules or moves a timer; publishes its due time on
  <prefix>timer-scheduled when it became the earliest of all.

  Input:
    KEYS[1] <prefix>timers
    ARGV[1] prefix
    ARGV[2] member `kind|id`
    ARGV[3] dueAt (ms)

  Output:
    1
]]

--- @include "includes/timers"

schedule_timer(ARGV[1], ARGV[2], ARGV[3])
return 1
