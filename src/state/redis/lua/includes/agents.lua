--[[
  Live agents: hash `<prefix>agent:<id>` with fields state, reason (absent
  when null), since, idleSince, cap.<channel>, load.<channel>; the free index
  is one ZSET per channel `<prefix>free:<channel>` scored by idleSince.
]]

--- @include "util"

local function agent_key(prefix, agent_id)
  return prefix .. 'agent:' .. agent_id
end

local function load_agent(prefix, agent_id)
  return hash_to_table(redis.call('HGETALL', agent_key(prefix, agent_id)))
end

--- Puts the agent in, or takes it out of, each channel's free index, from its stored hash.
local function refresh_free(prefix, agent_id)
  local a = redis.call('HMGET', agent_key(prefix, agent_id), 'state', 'idleSince',
    'cap.voice', 'cap.chat', 'cap.email', 'load.voice', 'load.chat', 'load.email')
  for i, channel in ipairs(CHANNELS) do
    local free_key = prefix .. 'free:' .. channel
    if a[1] == 'available' and tonumber(a[5 + i]) < tonumber(a[2 + i]) then
      redis.call('ZADD', free_key, a[2], agent_id)
    else
      redis.call('ZREM', free_key, agent_id)
    end
  end
end

--- May the agent be offered one more task on `channel` now? `blockers` is ClaimRules.blockers.
local function can_take(agent, channel, blockers)
  if agent.state ~= 'available' then return false end
  if tonumber(agent['load.' .. channel]) >= tonumber(agent['cap.' .. channel]) then return false end
  for _, blocker in ipairs(blockers[channel] or {}) do
    if tonumber(agent['load.' .. blocker]) ~= 0 then return false end
  end
  return true
end

--- Sets presence (reason false = null); becoming available resets idleSince.
local function apply_presence(prefix, agent_id, agent, state, reason, now)
  local key = agent_key(prefix, agent_id)
  if state == 'available' and agent.state ~= 'available' then
    redis.call('HSET', key, 'idleSince', now)
  end
  if agent.state ~= state or (agent.reason or false) ~= reason then
    redis.call('HSET', key, 'since', now)
  end
  redis.call('HSET', key, 'state', state)
  if reason then
    redis.call('HSET', key, 'reason', reason)
  else
    redis.call('HDEL', key, 'reason')
  end
  refresh_free(prefix, agent_id)
end

--- Gives back one unit of load, never below zero. When `reset_idle` and the
--- unit given back was the agent's last one, idleSince becomes `now`.
local function give_back_load(prefix, agent_id, channel, now, reset_idle)
  local key = agent_key(prefix, agent_id)
  local load = tonumber(redis.call('HGET', key, 'load.' .. channel))
  if not load then return end
  if load > 0 then
    redis.call('HSET', key, 'load.' .. channel, load - 1)
    if reset_idle then
      local loads = redis.call('HMGET', key, 'load.voice', 'load.chat', 'load.email')
      if tonumber(loads[1]) == 0 and tonumber(loads[2]) == 0 and tonumber(loads[3]) == 0 then
        redis.call('HSET', key, 'idleSince', now)
      end
    end
  end
  refresh_free(prefix, agent_id)
end
