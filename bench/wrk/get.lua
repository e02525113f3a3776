-- GET one path with the tokens of many users in turn.
-- Data rows: TOKEN. Extra argument: the path.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local requests, turn = {}, 0

function init(args)
  for _, row in ipairs(read_rows(args)) do
    table.insert(requests, wrk.format("GET", args[4], {["Authorization"] = "Bearer " .. row[1]}))
  end
end

function request()
  turn = turn % #requests + 1
  return requests[turn]
end
