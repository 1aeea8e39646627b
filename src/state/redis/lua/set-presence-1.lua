--[[
  Sets an agent's presence, optionally only if its current state (and the
  time it was entered) is the expected one. Becoming available resets idleSince.

  Input:
    KEYS[1] agent hash  <prefix>agent:<agentId>
    ARGV[1] prefix
    ARGV[2] agentId
    ARGV[3] new state
    ARGV[4] '1' when a reason is given, '0' for null
    ARGV[5] reason
    ARGV[6] now (ms)
    ARGV[7] '1' to check the expected state, '0' to set unconditionally
    ARGV[8] expected state
    ARGV[9] expected `since`, or '' for any

  Output:
    the agent hash (HGETALL reply)
    -1 unknown agent
    -2 the agent is not in the expected state
]]

--- @include "includes/agents"

local prefix, agent_id = ARGV[1], ARGV[2]
local agent = hash_to_table(redis.call('HGETALL', KEYS[1]))
if not agent then return -1 end
if ARGV[7] == '1' then
  if agent.state ~= ARGV[8] then return -2 end
  if ARGV[9] ~= '' and tonumber(agent.since) ~= tonumber(ARGV[9]) then return -2 end
end
local reason = false
if ARGV[4] == '1' then reason = ARGV[5] end
apply_presence(prefix, agent_id, agent, ARGV[3], reason, ARGV[6])
return redis.call('HGETALL', KEYS[1])
