--[[
  The agent says no: drops the pending offer, gives the load back (idleSince
  unchanged), puts the task back in its lane with its old score and, when a
  cooldown is given, records the agent as a rejecter of the task until then
  and schedules the 'reject-cooldown' timer.

  Input:
    KEYS[1] offer hash  <prefix>offer:<offerId>
    ARGV[1] prefix
    ARGV[2] offerId
    ARGV[3] agentId
    ARGV[4] now (ms)
    ARGV[5] cooldown end (ms), or '' for no cooldown
    ARGV[6] TTL (ms) of the task's rejecter hash: a safety net for rejecters
            whose timer was cancelled, longer than the cooldown

  Output:
    the offer as it was (HGETALL reply)
    -1 no such offer
    -2 the offer is not pending
    -3 the offer belongs to another agent
]]

--- @include "includes/offers"

local prefix, offer_id, agent_id, now = ARGV[1], ARGV[2], ARGV[3], ARGV[4]
local offer = load_offer(prefix, offer_id)
if not offer then return -1 end
local o = offer.t
if o.status ~= 'pending' then return -2 end
if o.agentId ~= agent_id then return -3 end
drop_offer(prefix, o, now, false)
put_in_lane(prefix, o.taskId, o.laneKey, o.score)
if ARGV[5] ~= '' then
  local rejecters = prefix .. 'rejecters:' .. o.taskId
  redis.call('HSET', rejecters, agent_id, ARGV[5])
  if redis.call('PTTL', rejecters) < tonumber(ARGV[6]) then
    redis.call('PEXPIRE', rejecters, ARGV[6])
  end
  schedule_timer(prefix, 'reject-cooldown|' .. o.taskId, ARGV[5])
end
return offer.flat
