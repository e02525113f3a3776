-- POST a check-in to one of the caller's key results, for many users in turn.
-- Data rows: TOKEN KEY_RESULT_ID.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local rows, turn = {}, 0

function init(args)
  rows = read_rows(args)
end

function request()
  turn = turn % #rows + 1
  local row = rows[turn]
  local headers = {["Authorization"] = "Bearer " .. row[1], ["Content-Type"] = "application/json"}
  local body = string.format('{"value": %d}', turn % 97)
  return wrk.format("POST", "/key-results/" .. row[2] .. "/check-ins", headers, body)
end

function response(status, headers, body)
  check(status, body)
end
