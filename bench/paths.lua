-- wrk script: rotates over the paths given after "--", counts responses by status class and X-Cache header,
-- counts failed responses per wall-clock second, and prints one line "BENCH {json}" at the end for bench/wrk.py.
--
--   wrk -t2 -c8 -d10s -s bench/paths.lua http://127.0.0.1:8000 -- /oppo2021/ /demo-1/ ...
--
-- A path may be followed by a Cookie header's value after a space ("/demo-1/ sessionid=abc"), and "{random}" in
-- either is replaced by a new random number on every request: what someone trying to get past a cache sends.

local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

local function format(path, cookie)
  return wrk.format("GET", path, cookie and { Cookie = cookie } or nil)
end

local function randomized(text)
  return text and (text:gsub("{random}", function() return tostring(math.random(1, 2 ^ 30)) end))
end

function init(args)
  requests = {}
  math.randomseed(os.time() * 100 + (id or 0))
  for _, entry in ipairs(args) do
    local path, cookie = entry:match("^(%S+) (.+)$")
    path = path or entry
    if (path .. (cookie or "")):find("{random}", 1, true) then
      table.insert(requests, function() return format(randomized(path), randomized(cookie)) end)
    else
      table.insert(requests, format(path, cookie))
    end
  end
  if #requests == 0 then
    requests = { wrk.format("GET", wrk.path) }
  end
  turn = id or 0 -- threads start at different paths
  statuses = { s2xx = 0, s3xx = 0, s4xx = 0, s5xx = 0, other = 0 }
  cache = { hit = 0, miss = 0, none = 0 }
  failed_at = {} -- os.time() second -> responses that were not 2xx/3xx
end

function request()
  turn = turn + 1
  local next_request = requests[(turn - 1) % #requests + 1]
  return type(next_request) == "function" and next_request() or next_request
end

function response(status, headers, body)
  local class = math.floor(status / 100)
  local key = ({ [2] = "s2xx", [3] = "s3xx", [4] = "s4xx", [5] = "s5xx" })[class] or "other"
  statuses[key] = statuses[key] + 1
  if class ~= 2 and class ~= 3 then
    local second = tostring(os.time())
    failed_at[second] = (failed_at[second] or 0) + 1
  end
  local x_cache = headers["X-Cache"] or headers["x-cache"]
  if x_cache == "hit" or x_cache == "miss" then
    cache[x_cache] = cache[x_cache] + 1
  else
    cache.none = cache.none + 1
  end
end

local function json(value)
  if type(value) == "table" then
    local parts = {}
    for k, v in pairs(value) do
      table.insert(parts, string.format("%q:%s", tostring(k), json(v)))
    end
    return "{" .. table.concat(parts, ",") .. "}"
  elseif type(value) == "number" then
    return string.format("%.3f", value)
  end
  return string.format("%q", tostring(value))
end

local function add(into, from)
  for k, v in pairs(from or {}) do
    into[k] = (into[k] or 0) + v
  end
end

function done(summary, latency, _)
  local statuses_all, cache_all, failed_all = {}, {}, {}
  for _, thread in ipairs(threads) do
    add(statuses_all, thread:get("statuses"))
    add(cache_all, thread:get("cache"))
    add(failed_all, thread:get("failed_at"))
  end
  local result = {
    duration_us = summary.duration,
    requests = summary.requests,
    bytes = summary.bytes,
    errors = summary.errors,
    latency_us = {
      p50 = latency:percentile(50),
      p90 = latency:percentile(90),
      p95 = latency:percentile(95),
      p99 = latency:percentile(99),
      max = latency.max,
      mean = latency.mean,
    },
    statuses = statuses_all,
    cache = cache_all,
    failed_at = failed_all,
  }
  io.write("BENCH " .. json(result) .. "\n")
end
