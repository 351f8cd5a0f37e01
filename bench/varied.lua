-- wrk script: each request takes the next path of a list (one path a line, the file named after `--`),
-- so one run rotates through many distinct queries. Reports like percentiles.lua.
local paths = {}
local counter = 0

init = function(args)
  for line in io.lines(args[1]) do
    if line ~= "" then paths[#paths + 1] = line end
  end
  -- Each wrk thread starts at a different place in the list.
  counter = math.random(#paths)
end

request = function()
  counter = counter % #paths + 1
  return wrk.format("GET", paths[counter])
end

dofile("bench/percentiles.lua")
