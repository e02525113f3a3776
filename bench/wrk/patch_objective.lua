-- PATCH an objective with If-Match, keeping each objective's ETag from the last answer.
-- Data rows: TOKEN OBJECTIVE_ID ETAG. An objective is sent again only after its answer has
-- come back, so no two requests ever hold the same tag (a 412 would be a real error).
dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local ready, token, etag, edits = {}, {}, {}, 0

function init(args)
  for _, row in ipairs(read_rows(args)) do
    token[row[2]] = row[1]
    etag[row[2]] = row[3]
    table.insert(ready, row[2])
  end
end

function request()
  local objective = table.remove(ready, 1)
  assert(objective, "no objective left whose ETag is known; last error: " .. last_error)
  edits = edits + 1
  local headers = {
    ["Authorization"] = "Bearer " .. token[objective],
    ["Content-Type"] = "application/json",
    ["If-Match"] = etag[objective],
  }
  local body = string.format('{"description": "Benchmark edit %d"}', edits)
  return wrk.format("PATCH", "/objectives/" .. objective, headers, body)
end

function response(status, headers, body)
  if check(status, body) then
    -- The objective's own id is the first "id" of the body: key results come after it.
    local objective = body:match('"id":%s*(%d+)')
    etag[objective] = headers["ETag"] or headers["Etag"] or headers["etag"]
    table.insert(ready, objective)
  end
end
