--[[
  Drops the offer held for a task (pending or accepted), if any, without
  re-queueing the task, and gives the load back; dropping the last unit of
  an accepted offer resets the agent's idleSince. `task-offer` + `revoke-offer`
  in one round trip (a task completed, canceled, transferred, abandoned).

  Input:
    KEYS[1] <prefix>task-offer:<taskId>
    ARGV[1] prefix
    ARGV[2] now (ms)

  Output:
    the offer as it was (HGETALL reply)
    -1 no offer is held for the task
]]

--- @include "includes/offers"

local prefix, now = ARGV[1], ARGV[2]
local offer_id = redis.call('GET', KEYS[1])
if not offer_id then return -1 end
local offer = load_offer(prefix, offer_id)
if not offer then return -1 end
drop_offer(prefix, offer.t, now, offer.t.status == 'accepted')
return offer.flat
