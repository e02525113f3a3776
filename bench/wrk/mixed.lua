-- 90 % reads, 10 % audited writes: of every 20 requests, 9 GET /objectives, 9 GET /stats
-- and 2 POST check-ins, with the tokens of many users in turn.
-- Data rows: TOKEN KEY_RESULT_ID.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local rows, turn = {}, 0

function init(args)
  rows = read_rows(args)
end

function request()
  turn = turn + 1
  local row = rows[turn % #rows + 1]
  local headers = {["Authorization"] = "Bearer " .. row[1]}
  local slot = turn % 20
  if slot < 9 then
    return wrk.format("GET", "/objectives", headers)
  elseif slot < 18 then
    return wrk.format("GET", "/stats", headers)
  end
  return check_in_request(row, turn)
end
