--[[
  Does nothing: measures the raw EVALSHA round trip (benchmarks print it
  beside routing decisions per second).

  Input: none

  Output:
    1
]]

return 1
