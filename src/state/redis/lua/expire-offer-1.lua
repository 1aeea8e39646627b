--[[
  Ring-out (RONA): if the offer is still pending, drops it, gives the load
  back, re-queues the task with its old score and sets the agent away.

  Input:
    KEYS[1] offer hash  <prefix>offer:<offerId>
    ARGV[1] prefix
    ARGV[2] offerId
    ARGV[3] now (ms)
    ARGV[4] the away reason ('no-answer')

  Output:
    the offer as it was (HGETALL reply)
    -1 no such offer
    -2 the offer is not pending
]]

--- @include "includes/offers"

local prefix, offer_id, now = ARGV[1], ARGV[2], ARGV[3]
local offer = load_offer(prefix, offer_id)
if not offer then return -1 end
local o = offer.t
if o.status ~= 'pending' then return -2 end
drop_offer(prefix, o, now, false)
put_in_lane(prefix, o.taskId, o.laneKey, o.score)
local agent = load_agent(prefix, o.agentId)
if agent then apply_presence(prefix, o.agentId, agent, 'away', ARGV[4], now) end
return offer.flat
