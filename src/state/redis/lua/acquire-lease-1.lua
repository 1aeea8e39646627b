--[[
  Takes a free lease, or renews it when the caller already holds it.

  Input:
    KEYS[1] <prefix>lease:<name>
    ARGV[1] owner
    ARGV[2] ttl (ms)

  Output:
    1 the owner holds the lease now
    0 someone else holds it
]]

local holder = redis.call('GET', KEYS[1])
if holder and holder ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return 1
