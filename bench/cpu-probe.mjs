// Not part of npm run bench: CPU time per request of one server process at a fixed, modest rate, which
// the machine's load and steal affect far less than throughput. For comparing framework changes.
//   JWT_SECRET=<the API's> node bench/cpu-probe.mjs <pid> <url> [rate] [seconds]   (JWT for a scale coach minted here)
//   PROBE_BODY='{...}' posts that JSON body instead of a GET.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { mintAccessToken } from './lib/jwt.mjs';
import { coachId, practiceId } from './lib/scale.mjs';
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const [pid, url, rate = '200', secs = '10'] = process.argv.slice(2);
const jiffies = () => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8'); const s = f.slice(f.lastIndexOf(')') + 2).split(' '); return Number(s[11]) + Number(s[12]); };
if (!process.env.JWT_SECRET) throw new Error('JWT_SECRET: the secret the API under test signs with');
const token = mintAccessToken(process.env.JWT_SECRET, { userId: coachId(7, 3), practiceId: practiceId(7), role: 'coach' });
const body = process.env.PROBE_BODY;
const opts = { url, connections: 10, headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) }, ...(body ? { method: 'POST', body } : {}) };
await new Promise((r) => autocannon({ ...opts, duration: 3 }, r));
const rss = () => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;
let maxRss = 0;
const sampler = setInterval(() => (maxRss = Math.max(maxRss, rss())), 250);
const j0 = jiffies();
const res = await new Promise((r, j) => autocannon({ ...opts, duration: Number(secs), connections: Number(process.env.PROBE_CONNECTIONS ?? 10), ...(Number(rate) > 0 ? { overallRate: Number(rate) } : {}) }, (e, x) => (e ? j(e) : r(x))));
const cpuMs = (jiffies() - j0) * 10;
clearInterval(sampler);
console.log(JSON.stringify({ url, requests: res.requests.total, non2xx: res.non2xx, cpuMsPerRequest: +(cpuMs / res.requests.total).toFixed(3), p50: res.latency.p50, p99: res.latency.p99, rps: res.requests.average, maxRssMb: Math.round(maxRss) }));
