-- wrk script for tests/bench/run.sh: at the end, one machine-readable line
-- with the rate and the latency percentiles (wrk's histogram, microseconds).
done = function(summary, latency, requests)
  local seconds = summary.duration / 1e6
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write +
                 summary.errors.timeout + summary.errors.status
  io.write(string.format("BENCH requests=%d seconds=%.3f rps=%.1f p50_ms=%.3f p99_ms=%.3f max_ms=%.3f errors=%d\n",
                         summary.requests, seconds, summary.requests / seconds,
                         latency:percentile(50) / 1000, latency:percentile(99) / 1000,
                         latency.max / 1000, errors))
end
