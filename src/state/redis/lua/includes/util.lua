--[[
  Shared helpers: channel list, hash decoding, byte-wise string order.
]]

local CHANNELS = { 'voice', 'chat', 'email' }

--- Turns an HGETALL reply into a table (nil when the hash does not exist).
local function hash_to_table(flat)
  if #flat == 0 then return nil end
  local t = {}
  for i = 1, #flat, 2 do t[flat[i]] = flat[i + 1] end
  return t
end

--- Byte-wise order, as Redis sorts members of equal score. Lua's `<` on
--- strings uses strcoll, which would depend on the server's locale.
local function bytes_less(a, b)
  local la, lb = #a, #b
  for i = 1, math.min(la, lb) do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then return x < y end
  end
  return la < lb
end
