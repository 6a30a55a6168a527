-- wrk script: a mix of REST and GraphQL reads, half with a random parameter so that they miss the
-- response cache and reach the database; counts completions per wall-clock second and statuses,
-- and prints one JSON line at the end (read by tests/test_concurrency.py).
--   wrk -t2 -c256 -d30s -s tests/load/mixed_reads.lua http://127.0.0.1:8000

local threads = {}

function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() + id * 7919)
  per_second = {}
  non_2xx = 0
end

local graphql_body = '{"query":"{ observations(first: %d, where: {value: {gte: %d}}) { totalCount nodes { id value unit } } }"}'

-- Half the requests are small pages (1-10 rows) with a random filter value, each a new query for
-- the database; the other half are repeated reads that the response cache answers. The run measures
-- the server's handling of many connections rather than the serialisation of big pages.
local cached = {"/v1/observations/gdp-2020-citywide", "/v1/indicators/gdp", "/v1/meta", "/health/live"}

function request()
  local pick = math.random(1, 8)
  local rows = math.random(1, 10)
  if pick == 1 then
    return wrk.format("GET", "/v1/observations?limit=" .. rows .. "&value__gte=" .. math.random(0, 100000) / 10)
  elseif pick == 2 then
    return wrk.format("GET", "/v1/observations?limit=" .. rows .. "&value__lt=" .. math.random(0, 100000) / 10 .. "&sort=-value")
  elseif pick == 3 then
    return wrk.format("GET", "/v1/projects?limit=" .. rows .. "&year__gte=" .. math.random(1990, 2035))
  elseif pick == 4 then
    return wrk.format("POST", "/graphql", {["Content-Type"] = "application/json"}, string.format(graphql_body, rows, math.random(0, 10000)))
  end
  return wrk.format("GET", cached[pick - 4])
end

function response(status, headers, body)
  local second = os.time()
  per_second[second] = (per_second[second] or 0) + 1
  if status < 200 or status > 299 then
    non_2xx = non_2xx + 1
  end
end

function done(summary, latency, requests)
  local seconds, total_non_2xx = {}, 0
  for _, thread in ipairs(threads) do
    total_non_2xx = total_non_2xx + thread:get("non_2xx")
    for second, count in pairs(thread:get("per_second")) do
      seconds[second] = (seconds[second] or 0) + count
    end
  end
  local first, last = nil, nil
  for second, _ in pairs(seconds) do
    if first == nil or second < first then first = second end
    if last == nil or second > last then last = second end
  end
  local counts = {}
  for second = first, last do
    table.insert(counts, seconds[second] or 0)
  end
  local errors = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_s": %.3f, "non_2xx": %d, "connect": %d, "read": %d, "write": %d, "timeout": %d, ' ..
    '"status": %d, "latency_max_ms": %.1f, "latency_p50_ms": %.1f, "latency_p99_ms": %.1f, "per_second": [%s]}\n',
    summary.requests, summary.duration / 1e6, total_non_2xx, errors.connect, errors.read, errors.write, errors.timeout,
    errors.status, latency.max / 1000, latency:percentile(50) / 1000, latency:percentile(99) / 1000, table.concat(counts, ", ")))
end
