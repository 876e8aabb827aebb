-- Many learners for bench/run.py: every request sends the next line of BENCH_REQUESTS_FILE,
-- "<Cookie header value>\t<form body or empty>[\t<path>]", so each request carries a different learner's
-- session and (for a quiz) a fresh one-time token. Thread k of n takes lines k, k+n, k+2n, ...
-- A line is never sent twice: when a thread runs out it sends its last line again and counts it
-- in `reused` (run.py then asks for more lines). Statuses are counted here, per thread, and
-- summed in done(). BENCH_METHOD is GET or POST.
local threads = {}
local counter = 0

function setup(thread)
   thread:set("id", counter)
   counter = counter + 1
   table.insert(threads, thread)
end

function init(args)
   local n = tonumber(os.getenv("BENCH_THREADS") or "1")
   local method = os.getenv("BENCH_METHOD") or "GET"
   requests_list = {}
   local i = 0
   for line in io.lines(os.getenv("BENCH_REQUESTS_FILE")) do
      if i % n == id then
         local cookie, body, path = line:match("^([^\t]*)\t([^\t]*)\t?(.*)$")
         if path == "" then path = nil end
         local headers = {["Cookie"] = cookie}
         if method == "POST" then
            headers["Content-Type"] = "application/x-www-form-urlencoded"
         else
            body = nil
         end
         table.insert(requests_list, wrk.format(method, path, headers, body))
      end
      i = i + 1
   end
   cursor = 0
   reused = 0
   s200, s303, s302, s3xx, s4xx, s5xx, sother = 0, 0, 0, 0, 0, 0, 0
end

function request()
   cursor = cursor + 1
   if cursor > #requests_list then
      reused = reused + 1
      return requests_list[#requests_list]
   end
   return requests_list[cursor]
end

function response(status, headers, body)
   if status == 200 then s200 = s200 + 1
   elseif status == 303 then s303 = s303 + 1
   elseif status == 302 then s302 = s302 + 1
   elseif status >= 300 and status < 400 then s3xx = s3xx + 1
   elseif status >= 400 and status < 500 then s4xx = s4xx + 1
   elseif status >= 500 then s5xx = s5xx + 1
   else sother = sother + 1 end
end

function done(summary, latency, requests)
   local t = {s200 = 0, s303 = 0, s302 = 0, s3xx = 0, s4xx = 0, s5xx = 0, sother = 0, reused = 0}
   for _, thread in ipairs(threads) do
      for key, _ in pairs(t) do
         t[key] = t[key] + (thread:get(key) or 0)
      end
   end
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d " ..
      "s200=%d s303=%d s302=%d s3xx=%d s4xx=%d s5xx=%d sother=%d reused=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.status, e.connect, e.read, e.write, e.timeout,
      t.s200, t.s303, t.s302, t.s3xx, t.s4xx, t.s5xx, t.sother, t.reused))
end
