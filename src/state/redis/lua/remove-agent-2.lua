--[[
  Removes a live agent and its free-index entries (its offers are left to
  their own lifecycle, as in the in-process store).

  Input:
    KEYS[1] agent hash            <prefix>agent:<agentId>
    KEYS[2] set of all agent ids  <prefix>agents
    ARGV[1] prefix
    ARGV[2] agentId

  Output:
    1
]]

--- @include "includes/util"

local prefix, agent_id = ARGV[1], ARGV[2]
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[2], agent_id)
for _, channel in ipairs(CHANNELS) do
  redis.call('ZREM', prefix .. 'free:' .. channel, agent_id)
end
return 1
