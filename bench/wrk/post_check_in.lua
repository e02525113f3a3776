-- POST a check-in to one of the caller's key results, for many users in turn.
-- Data rows: TOKEN KEY_RESULT_ID.
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local rows, turn = {}, 0

function init(args)
  rows = read_rows(args)
end

function request()
  turn = turn % #rows + 1
  return check_in_request(rows[turn], turn)
end
