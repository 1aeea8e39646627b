--[[
  The offers (pending and accepted) an agent holds, read in one snapshot.

  Input:
    KEYS[1] <prefix>agent-offers:<agentId>
    ARGV[1] prefix

  Output:
    a list of offers, each an HGETALL reply
]]

local out = {}
for _, offer_id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local flat = redis.call('HGETALL', ARGV[1] .. 'offer:' .. offer_id)
  if #flat > 0 then out[#out + 1] = flat end
end
return out
