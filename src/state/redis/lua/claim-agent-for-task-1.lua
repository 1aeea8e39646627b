--[[
  Task-side claim: if the task is still queued, offers it to the first of the
  given agents (ranked by policy) who may take it now and has not rejected it
  during its cooldown. The task is taken from the lane it is actually in (read
  from the queued index), which is why that lane is not a declared key.
  Candidates not in the channel's free index are skipped at the cost of a
  ZSCORE (many concurrent task-side claims see the same ranked candidates).

  Input:
    KEYS[1] queued-task index  <prefix>queued
    ARGV[1] prefix
    ARGV[2] taskId
    ARGV[3] channel of the lane
    ARGV[4] expiresAt (now + the lane's offer timeout)
    ARGV[5] offerId
    ARGV[6] now (ms)
    ARGV[7] ClaimRules.blockers as JSON
    ARGV[8..] candidate agent ids, best first

  Output:
    the new offer (a flat field/value list, as HGETALL)
    -1 the task is not queued
    -2 no candidate can take it
]]

--- @include "includes/offers"

local prefix, task_id, channel, now = ARGV[1], ARGV[2], ARGV[3], ARGV[6]
local queued = find_queued(prefix, task_id)
if not queued then return -1 end
local blockers = cjson.decode(ARGV[7])
local now_ms = tonumber(now)

local free = prefix .. 'free:' .. channel
for i = 8, #ARGV do
  local agent_id = ARGV[i]
  -- The free index holds exactly the agents available with room on the channel: a cheap first
  -- check, so candidates taken meanwhile by concurrent claims cost one ZSCORE, not a hash read.
  local agent = redis.call('ZSCORE', free, agent_id) and load_agent(prefix, agent_id)
  if agent and can_take(agent, channel, blockers) and not is_rejecter(prefix, task_id, agent_id, now_ms) then
    return make_offer(prefix, {
      offerId = ARGV[5], taskId = task_id, agentId = agent_id, channel = channel,
      laneKey = queued.lane, score = queued.score, createdAt = now, expiresAt = ARGV[4],
    }, agent)
  end
end
return -2
