-- wrk_report.lua: makes wrk print, after its usual summary, one JSON line in the shape of
-- bin/loadgen --json (the keys scripts/bench reads), p99.9 and max included. Only done()
-- is defined, so wrk keeps its fast path (no Lua call per request).
done = function(summary, latency, requests)
  local e = summary.errors
  local secs = summary.duration / 1e6
  local function ms(us) return us / 1000.0 end
  io.write(string.format(
    '{"client":"wrk","mode":"closed","duration_s":%.6f,"requests":%d,"throughput_rps":%.3f,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_ms":{"min":%.3f,"mean":%.3f,"p50":%.3f,"p90":%.3f,"p99":%.3f,"p999":%.3f,"max":%.3f}}\n',
    secs, summary.requests, summary.requests / secs,
    e.connect, e.read, e.write, e.status, e.timeout,
    ms(latency.min), ms(latency.mean), ms(latency:percentile(50)), ms(latency:percentile(90)),
    ms(latency:percentile(99)), ms(latency:percentile(99.9)), ms(latency.max)))
end
