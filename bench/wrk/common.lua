-- Shared by the scenario scripts: each thread's share of the data file, non-2xx counting,
-- an optional pause between requests, and one JSON line with the results at the end.
-- Scripts are run as: wrk ... -s SCRIPT URL -- DATA_FILE THREADS PAUSE_MS [MORE...]

local threads = {}
local next_id = 0
non2xx = 0
last_error = ""
pause_ms = 0

function setup(thread)
  thread:set("id", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

-- Return this thread's rows of the tab-separated file: every THREADS-th line, so that no
-- two threads share a row (the PATCH script relies on it for its ETags).
function read_rows(args)
  local count = tonumber(args[2])
  pause_ms = tonumber(args[3]) or 0
  local rows, index = {}, 0
  for line in io.lines(args[1]) do
    if index % count == id then
      local fields = {}
      for field in line:gmatch("[^\t]+") do
        table.insert(fields, field)
      end
      table.insert(rows, fields)
    end
    index = index + 1
  end
  assert(#rows > 0, "no data rows for thread " .. id)
  return rows
end

function delay()
  return pause_ms
end

-- Count a response that is not 2xx and keep a short, JSON-safe description of it.
function check(status, body)
  if status < 200 or status > 299 then
    non2xx = non2xx + 1
    last_error = (status .. " " .. (body or ""):sub(1, 120)):gsub("[^%w%s%.:,_-]", " ")
    return false
  end
  return true
end

-- The scripts that learn nothing from an answer only count the failed ones;
-- patch_objective.lua defines its own.
function response(status, headers, body)
  check(status, body)
end

-- A POST check-in for a data row TOKEN KEY_RESULT_ID, its value varying with turn.
function check_in_request(row, turn)
  local headers = {["Authorization"] = "Bearer " .. row[1], ["Content-Type"] = "application/json"}
  local body = string.format('{"value": %d}', turn % 97)
  return wrk.format("POST", "/key-results/" .. row[2] .. "/check-ins", headers, body)
end

function done(summary, latency, requests)
  local failed, description = 0, ""
  for _, thread in ipairs(threads) do
    failed = failed + (thread:get("non2xx") or 0)
    local text = thread:get("last_error") or ""
    if text ~= "" then
      description = text
    end
  end
  local errors = summary.errors
  io.write(string.format(
    'BENCH_JSON {"requests": %d, "duration_us": %d, "bytes": %d, "connect": %d, ' ..
      '"read": %d, "write": %d, "status": %d, "timeout": %d, "non2xx": %d, ' ..
      '"last_error": "%s", "latency_us": {"mean": %.1f, "max": %d, "p50": %d, ' ..
      '"p90": %d, "p95": %d, "p99": %d}}\n',
    summary.requests, summary.duration, summary.bytes, errors.connect, errors.read,
    errors.write, errors.status, errors.timeout, failed, description, latency.mean,
    latency.max, latency:percentile(50), latency:percentile(90), latency:percentile(95),
    latency:percentile(99)))
end
