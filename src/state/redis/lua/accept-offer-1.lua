--[[
  Pending -> accepted, if the offer is pending and held by the agent; cancels
  its expiry timer. The load was counted when the offer was made.

  Input:
    KEYS[1] offer hash  <prefix>offer:<offerId>
    ARGV[1] prefix
    ARGV[2] offerId
    ARGV[3] agentId

  Output:
    the offer (HGETALL reply)
    -1 no such offer
    -2 the offer is not pending
    -3 the offer belongs to another agent
]]

--- @include "includes/timers"

local offer = redis.call('HMGET', KEYS[1], 'status', 'agentId')
if not offer[1] then return -1 end
if offer[1] ~= 'pending' then return -2 end
if offer[2] ~= ARGV[3] then return -3 end
redis.call('HSET', KEYS[1], 'status', 'accepted')
cancel_timer(ARGV[1], 'offer-expiry|' .. ARGV[2])
return redis.call('HGETALL', KEYS[1])
