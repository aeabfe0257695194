-- wrk script: POST /v1/batches with a fresh 50-event batch per request (client demo, the embedded
-- profile's write key). Usage, with the stack up:
--   wrk -t2 -c256 -d20s -s docs/bench/wrk-batches.lua --latency http://127.0.0.1:18080
-- Prints the first answer that is not 202, if any. Figures: docs/ingestion.md.
local counter = 0

local threads = {}
function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end
function init(args)
  counter = 0
end
local now = os.time() * 1000
local parts = {}
for i = 1, 50 do
  local typ = (i % 10 == 0) and "click" or "move"
  parts[i] = string.format('{"t":%d,"x":0.%04d,"y":0.%04d,"type":"%s"}', now - 1000 + i, (i * 37) % 10000, (i * 91) % 10000, typ)
end
local events = "[" .. table.concat(parts, ",") .. "]"
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer demo-write-key"
function request()
  counter = counter + 1
  local body = string.format('{"client_id":"demo","batch_id":"wrk-%d-%d-%d","screen_id":"pricing","session_id":"s-%d","viewport":{"w":1440,"h":900},"events":%s}', now, tid, counter, counter % 1000, events)
  return wrk.format(nil, "/v1/batches", nil, body)
end
function response(status, headers, body)
  if status ~= 202 and not printed then printed = true; print(status, body) end
end
