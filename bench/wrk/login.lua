-- POST /auth/login with the right password of many users in turn.
-- Data rows: EMAIL. Extra argument: the password.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local requests, turn = {}, 0

function init(args)
  for _, row in ipairs(read_rows(args)) do
    local body = string.format('{"email": "%s", "password": "%s"}', row[1], args[4])
    local headers = {["Content-Type"] = "application/json"}
    table.insert(requests, wrk.format("POST", "/auth/login", headers, body))
  end
end

function request()
  turn = turn % #requests + 1
  return requests[turn]
end
