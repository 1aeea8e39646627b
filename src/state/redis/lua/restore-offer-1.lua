--[[
  Recovery: re-creates an offer (normally accepted) and counts it in the
  agent's load. Nothing happens when the offer exists or the agent is unknown.

  Input:
    KEYS[1] offer hash  <prefix>offer:<offerId>
    ARGV[1] prefix
    ARGV[2..10] offerId, taskId, agentId, channel, laneKey, score, createdAt, expiresAt, status

  Output:
    1 restored
    0 skipped
]]

--- @include "includes/offers"

local prefix = ARGV[1]
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
if redis.call('EXISTS', agent_key(prefix, ARGV[4])) == 0 then return 0 end
local o = {
  offerId = ARGV[2], taskId = ARGV[3], agentId = ARGV[4], channel = ARGV[5], laneKey = ARGV[6],
  score = ARGV[7], createdAt = ARGV[8], expiresAt = ARGV[9], status = ARGV[10],
}
index_offer(prefix, o)
if o.status == 'pending' then schedule_timer(prefix, 'offer-expiry|' .. o.offerId, o.expiresAt) end
return 1
