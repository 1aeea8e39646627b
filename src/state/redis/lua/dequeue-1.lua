--[[
  Removes a queued task from its lane.

  Input:
    KEYS[1] queued-task index  <prefix>queued
    ARGV[1] prefix
    ARGV[2] taskId

  Output:
    1 removed
    0 the task was not queued
]]

--- @include "includes/lanes"

local previous = find_queued(ARGV[1], ARGV[2])
if not previous then return 0 end
take_from_lane(ARGV[1], ARGV[2], previous.lane)
return 1
