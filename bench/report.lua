-- Shared by every wrk run of bench/run.py: at the end, print one machine-readable
-- line that run.py parses. Latencies are in microseconds. wrk counts a response
-- with a status of 400 or more as a "status" error, i.e. every non-2xx/3xx reply.
function done(summary, latency, requests)
   local e = summary.errors
   io.write(string.format(
      "BENCH_RESULT requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
      "status_errors=%d connect_errors=%d read_errors=%d write_errors=%d timeouts=%d\n",
      summary.requests, summary.duration,
      latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
      e.status, e.connect, e.read, e.write, e.timeout))
end
