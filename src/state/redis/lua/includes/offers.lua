--[[
  Offers: hash `<prefix>offer:<offerId>` (the LiveOffer fields), the set
  `<prefix>agent-offers:<agentId>` and the pointer `<prefix>task-offer:<taskId>`.
  A pending offer has the timer `offer-expiry|<offerId>`.
]]

--- @include "util"
--- @include "timers"
--- @include "agents"
--- @include "lanes"

local function offer_key(prefix, offer_id)
  return prefix .. 'offer:' .. offer_id
end

--- The offer as { flat = HGETALL reply, t = table }, or nil.
local function load_offer(prefix, offer_id)
  local flat = redis.call('HGETALL', offer_key(prefix, offer_id))
  if #flat == 0 then return nil end
  return { flat = flat, t = hash_to_table(flat) }
end

--- Writes the offer and its indexes, and counts it in the agent's load.
local function index_offer(prefix, o)
  redis.call('HSET', offer_key(prefix, o.offerId),
    'offerId', o.offerId, 'taskId', o.taskId, 'agentId', o.agentId, 'channel', o.channel,
    'laneKey', o.laneKey, 'score', o.score, 'createdAt', o.createdAt, 'expiresAt', o.expiresAt,
    'status', o.status)
  redis.call('SADD', prefix .. 'agent-offers:' .. o.agentId, o.offerId)
  redis.call('SET', prefix .. 'task-offer:' .. o.taskId, o.offerId)
  redis.call('HINCRBY', agent_key(prefix, o.agentId), 'load.' .. o.channel, 1)
  refresh_free(prefix, o.agentId)
end

--- The offer as a flat field/value list (the shape of an HGETALL reply; every value a string).
local function offer_flat(o)
  return {
    'offerId', o.offerId, 'taskId', o.taskId, 'agentId', o.agentId, 'channel', o.channel,
    'laneKey', o.laneKey, 'score', o.score, 'createdAt', o.createdAt, 'expiresAt', o.expiresAt,
    'status', o.status,
  }
end

--- Takes the task from its lane and offers it to `agent` (its load_agent table; the caller has
--- checked can_take, so the agent is available with room on the channel); returns the offer as
--- a flat list, built here rather than read back.
local function make_offer(prefix, o, agent)
  take_from_lane(prefix, o.taskId, o.laneKey)
  o.status = 'pending'
  redis.call('HSET', offer_key(prefix, o.offerId),
    'offerId', o.offerId, 'taskId', o.taskId, 'agentId', o.agentId, 'channel', o.channel,
    'laneKey', o.laneKey, 'score', o.score, 'createdAt', o.createdAt, 'expiresAt', o.expiresAt,
    'status', o.status)
  redis.call('SADD', prefix .. 'agent-offers:' .. o.agentId, o.offerId)
  redis.call('SET', prefix .. 'task-offer:' .. o.taskId, o.offerId)
  local load = redis.call('HINCRBY', agent_key(prefix, o.agentId), 'load.' .. o.channel, 1)
  -- Only this channel's load moved: the agent leaves its free index once full (it was in it: can_take).
  if load >= tonumber(agent['cap.' .. o.channel]) then
    redis.call('ZREM', prefix .. 'free:' .. o.channel, o.agentId)
  end
  schedule_timer(prefix, 'offer-expiry|' .. o.offerId, o.expiresAt)
  return offer_flat(o)
end

--- Deletes the offer and its indexes, cancels its expiry and gives the load back.
local function drop_offer(prefix, o, now, reset_idle)
  redis.call('DEL', offer_key(prefix, o.offerId))
  redis.call('SREM', prefix .. 'agent-offers:' .. o.agentId, o.offerId)
  local pointer = prefix .. 'task-offer:' .. o.taskId
  if redis.call('GET', pointer) == o.offerId then redis.call('DEL', pointer) end
  cancel_timer(prefix, 'offer-expiry|' .. o.offerId)
  give_back_load(prefix, o.agentId, o.channel, now, reset_idle)
end
