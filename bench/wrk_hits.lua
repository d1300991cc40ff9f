-- As wrk_report.lua, and how many answers the page cache gave (X-Page-Cache).
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

hits = 0
misses = 0
uncached = 0

function response(status, headers, body)
  local state = headers["X-Page-Cache"]
  if state == "hit" then
    hits = hits + 1
  elseif state == "miss" then
    misses = misses + 1
  else
    uncached = uncached + 1
  end
end

done = function(summary, latency, requests)
  local h, m, u = 0, 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
    u = u + thread:get("uncached")
  end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, ' ..
    '"errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, ' ..
    '"latency_us": {"p50": %d, "p90": %d, "p99": %d, "max": %d, "mean": %.1f}, ' ..
    '"cache": {"hit": %d, "miss": %d, "none": %d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99),
    latency.max, latency.mean, h, m, u))
end
