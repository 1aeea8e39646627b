--[[
  Drops an offer (pending or accepted) without re-queueing its task, and
  gives the load back; dropping the last unit of an accepted offer resets the
  agent's idleSince (the agent just finished work).

  Input:
    KEYS[1] offer hash  <prefix>offer:<offerId>
    ARGV[1] prefix
    ARGV[2] offerId
    ARGV[3] now (ms)

  Output:
    the offer as it was (HGETALL reply)
    -1 no such offer
]]

--- @include "includes/offers"

local prefix, offer_id, now = ARGV[1], ARGV[2], ARGV[3]
local offer = load_offer(prefix, offer_id)
if not offer then return -1 end
drop_offer(prefix, offer.t, now, offer.t.status == 'accepted')
return offer.flat
