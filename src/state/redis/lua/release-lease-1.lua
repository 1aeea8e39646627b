--[[
  Releases a lease, only when the caller holds it.

  Input:
    KEYS[1] <prefix>lease:<name>
    ARGV[1] owner

  Output:
    1 released
    0 not held by the owner
]]

if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1
