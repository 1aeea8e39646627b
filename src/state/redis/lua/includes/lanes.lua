--[[
  Lanes and queued tasks: one ZSET per lane `<prefix>lane:<laneKey>` (score =
  virtual deadline), and the hash `<prefix>queued`: taskId -> `laneKey|score`
  (split at the last bar: lane keys are opaque, scores never hold a bar).
  Scores travel as the strings Redis gave or the caller sent, never through
  Lua's tostring, which keeps only 14 significant digits.
  Per-task rejecters: hash `<prefix>rejecters:<taskId>`, agentId -> until (ms).
]]

local function lane_key(prefix, lane)
  return prefix .. 'lane:' .. lane
end

--- Where a task is queued: { lane = laneKey, score = string } or nil.
local function find_queued(prefix, task_id)
  local value = redis.call('HGET', prefix .. 'queued', task_id)
  if not value then return nil end
  local lane, score = string.match(value, '^(.*)|([^|]*)$')
  return { lane = lane, score = score }
end

local function take_from_lane(prefix, task_id, lane)
  redis.call('ZREM', lane_key(prefix, lane), task_id)
  redis.call('HDEL', prefix .. 'queued', task_id)
end

--- Adds or moves a task (a task is in at most one lane).
local function put_in_lane(prefix, task_id, lane, score)
  local previous = find_queued(prefix, task_id)
  if previous then take_from_lane(prefix, task_id, previous.lane) end
  redis.call('ZADD', lane_key(prefix, lane), score, task_id)
  redis.call('HSET', prefix .. 'queued', task_id, lane .. '|' .. score)
end

local function is_rejecter(prefix, task_id, agent_id, now)
  local until_ms = redis.call('HGET', prefix .. 'rejecters:' .. task_id, agent_id)
  return until_ms ~= false and tonumber(until_ms) > now
end
