--[[
  Writes a whole live agent (recovery) and re-derives its free-index entries.

  Input:
    KEYS[1] agent hash            <prefix>agent:<agentId>
    KEYS[2] set of all agent ids  <prefix>agents
    ARGV[1] prefix
    ARGV[2] agentId
    ARGV[3] state
    ARGV[4] '1' when a reason is given, '0' for null
    ARGV[5] reason
    ARGV[6] since
    ARGV[7] idleSince
    ARGV[8..10]  capacity voice, chat, email
    ARGV[11..13] load voice, chat, email

  Output:
    1
]]

--- @include "includes/agents"

local prefix, agent_id = ARGV[1], ARGV[2]
redis.call('DEL', KEYS[1])
redis.call('HSET', KEYS[1], 'state', ARGV[3], 'since', ARGV[6], 'idleSince', ARGV[7],
  'cap.voice', ARGV[8], 'cap.chat', ARGV[9], 'cap.email', ARGV[10],
  'load.voice', ARGV[11], 'load.chat', ARGV[12], 'load.email', ARGV[13])
if ARGV[4] == '1' then redis.call('HSET', KEYS[1], 'reason', ARGV[5]) end
redis.call('SADD', KEYS[2], agent_id)
refresh_free(prefix, agent_id)
return 1
