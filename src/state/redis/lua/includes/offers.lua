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

--- Takes the task from its lane and offers it to the agent; returns the offer's HGETALL reply.
local function make_offer(prefix, o)
  take_from_lane(prefix, o.taskId, o.laneKey)
  o.status = 'pending'
  index_offer(prefix, o)
  schedule_timer(prefix, 'offer-expiry|' .. o.offerId, o.expiresAt)
  return redis.call('HGETALL', offer_key(prefix, o.offerId))
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
