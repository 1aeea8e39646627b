--[[
  Creates a live agent (offline, zero load) if absent, else updates its capacity.

  Input:
    KEYS[1] agent hash            <prefix>agent:<agentId>
    KEYS[2] set of all agent ids  <prefix>agents
    ARGV[1] prefix
    ARGV[2] agentId
    ARGV[3] now (ms)
    ARGV[4..6] capacity voice, chat, email

  Output:
    the agent hash (HGETALL reply)
]]

--- @include "includes/agents"

local prefix, agent_id, now = ARGV[1], ARGV[2], ARGV[3]
if redis.call('EXISTS', KEYS[1]) == 0 then
  redis.call('HSET', KEYS[1], 'state', 'offline', 'since', now, 'idleSince', now,
    'cap.voice', ARGV[4], 'cap.chat', ARGV[5], 'cap.email', ARGV[6],
    'load.voice', 0, 'load.chat', 0, 'load.email', 0)
  redis.call('SADD', KEYS[2], agent_id)
else
  redis.call('HSET', KEYS[1], 'cap.voice', ARGV[4], 'cap.chat', ARGV[5], 'cap.email', ARGV[6])
end
refresh_free(prefix, agent_id)
return redis.call('HGETALL', KEYS[1])
