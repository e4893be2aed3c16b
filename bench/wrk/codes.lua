-- wrk script of bench/run --only=overload: POSTs the bodies of $BENCH_BODIES in turn to $BENCH_PATH, as
-- post.lua does, and counts every reply by HTTP status and catalogue code (an error's "errorCode", else "ok"),
-- with its Retry-After header when it is an error; prints one BENCH-CODE line per kind and the BENCH-RESULT line.
local path = os.getenv("BENCH_PATH")
local bodies = {}
for line in io.lines(os.getenv("BENCH_BODIES")) do
  bodies[#bodies + 1] = line
end
local i = math.random(#bodies)
local threads = {}

wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"

function setup(thread)
  threads[#threads + 1] = thread
end

function init(args)
  counts = {}
end

request = function()
  i = i % #bodies + 1
  return wrk.format(nil, path, nil, bodies[i])
end

response = function(status, headers, body)
  local code = body and string.match(body, '"errorCode":"([A-Z_]+)"')
  local kind
  if code == nil then
    kind = status .. " ok"
  else
    kind = status .. " " .. code .. " Retry-After=" .. (headers["Retry-After"] or "none")
  end
  counts[kind] = (counts[kind] or 0) + 1
end

done = function(summary, latency, requests)
  local all = {}
  for _, t in ipairs(threads) do
    for kind, n in pairs(t:get("counts")) do
      all[kind] = (all[kind] or 0) + n
    end
  end
  for kind, n in pairs(all) do
    io.write(string.format("BENCH-CODE %s|%d\n", kind, n))
  end
  local e = summary.errors
  io.write(string.format(
    "BENCH-RESULT requests=%d duration_us=%d p50_us=%d p99_us=%d max_us=%d non2xx=%d socket_errors=%d\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99), latency.max,
    e.status, e.connect + e.read + e.write + e.timeout))
end
