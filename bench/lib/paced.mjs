// Load at a fixed rate, evenly paced and open-loop: request i is due at start + i/rate and is sent then,
// whether or not the ones before it have been answered, and its latency runs from when it was due. A
// server that stalls for 20 ms delays everything due in those 20 ms, as it would delay its users.
//
// Why not autocannon's overallRate: it gives each connection a quota per second, which the connection
// spends back to back and then idles until the next second, so a run "at half the peak" runs at the peak
// for half of every second and its p99 is a latency under full load; and it corrects for coordinated
// omission with an expected interval of ceil(1 / rate) = 1 ms where one request per connection is due
// every 1000 / rate ms, which adds a made-up sample for every millisecond of every response.
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Runs `requests[0].setupRequest` (autocannon's request shape: method, path, headers, body) at `rate` per
 * second for `duration` seconds against `url`; answers in autocannon's result shape (the parts the bench
 * reads): requests per second and total, latency p50 and p99 in ms, non-2xx, errors, the count of each status.
 */
export async function paced({ url, requests, rate, duration, maxSockets = 64 }) {
  const { hostname, port } = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const make = requests[0].setupRequest;
  const latencies = [];
  let non2xx = 0;
  const statusCodeStats = {};
  let errors = 0;
  const interval = 1000 / rate;
  const count = Math.round(rate * duration);
  const inFlight = [];
  const send = (due) =>
    new Promise((resolve) => {
      const r = make({});
      const body = r.body === undefined ? undefined : typeof r.body === 'string' ? r.body : JSON.stringify(r.body);
      const headers = { ...(r.headers ?? {}), ...(body === undefined ? {} : { 'content-length': Buffer.byteLength(body) }) };
      const req = http.request({ host: hostname, port, method: r.method ?? 'GET', path: r.path, headers, agent }, (res) => {
        res.resume();
        res.on('end', () => {
          latencies.push(performance.now() - due);
          if (res.statusCode < 200 || res.statusCode >= 300) non2xx++;
          statusCodeStats[res.statusCode] = { count: (statusCodeStats[res.statusCode]?.count ?? 0) + 1 };
          resolve();
        });
      });
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    inFlight.push(send(due));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.ceil(q * latencies.length) - 1)]) : 0);
  return { requests: { average: count / elapsed, total: count }, latency: { p50: at(0.5), p99: at(0.99) }, non2xx, errors, timeouts: 0, statusCodeStats };
}
