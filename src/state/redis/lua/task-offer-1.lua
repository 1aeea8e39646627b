--[[
  The offer currently held for a task, read in one snapshot.

  Input:
    KEYS[1] <prefix>task-offer:<taskId>
    ARGV[1] prefix

  Output:
    the offer (HGETALL reply; empty when there is none)
]]

local offer_id = redis.call('GET', KEYS[1])
if not offer_id then return {} end
return redis.call('HGETALL', ARGV[1] .. 'offer:' .. offer_id)
