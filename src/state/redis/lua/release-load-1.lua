--[[
  Gives back one unit of load on a channel (never below zero). When that was
  the agent's last unit, idleSince becomes now.

  Input:
    KEYS[1] agent hash  <prefix>agent:<agentId>
    ARGV[1] prefix
    ARGV[2] agentId
    ARGV[3] channel
    ARGV[4] now (ms)

  Output:
    the agent hash (HGETALL reply)
    -1 unknown agent
]]

--- @include "includes/agents"

if redis.call('EXISTS', KEYS[1]) == 0 then return -1 end
give_back_load(ARGV[1], ARGV[2], ARGV[3], ARGV[4], true)
return redis.call('HGETALL', KEYS[1])
