-- wrk reporter: one line of figures the load test parses (latencies in microseconds).
done = function(summary, latency, requests)
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write
    + summary.errors.status + summary.errors.timeout
  io.write(string.format("RESULT requests=%d duration_us=%d errors=%d non2xx=%d p50=%d p95=%d p99=%d\n",
    summary.requests, summary.duration, errors, summary.errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
