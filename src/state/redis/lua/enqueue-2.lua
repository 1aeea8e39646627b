--[[
  Adds a task to a lane with the given score, moving it out of the lane it
  was in (a task is in at most one lane).

  Input:
    KEYS[1] queued-task index  <prefix>queued
    KEYS[2] target lane ZSET   <prefix>lane:<laneKey>
    ARGV[1] prefix
    ARGV[2] taskId
    ARGV[3] laneKey
    ARGV[4] score

  Output:
    1
]]

--- @include "includes/lanes"

local prefix, task_id, lane, score = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local previous = find_queued(prefix, task_id)
if previous and previous.lane ~= lane then
  redis.call('ZREM', lane_key(prefix, previous.lane), task_id)
end
redis.call('ZADD', KEYS[2], score, task_id)
redis.call('HSET', KEYS[1], task_id, lane .. '|' .. score)
return 1
