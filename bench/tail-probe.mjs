// Where the slow answers of a paced run fall, next to the server's garbage collections and event-loop
// stalls: one server (the API or the baseline) on the slots route, WARM seconds at full load first, then
// RATE requests a second evenly paced for SECONDS (as npm run bench's "half peak" runs). Prints p50/p90/p99,
// the clusters of slow answers (the 30% nearest the p99 and above) with the collections and stalls beside
// them, and every full collection in the run.
//
//   node bench/tail-probe.mjs api|baseline RATE [SECONDS=20]   (after npm run build and a booking bench run)
//   WARM=s (30), ARGS='--v8-flag ...' for the server, GC_LINES=1 prints its --trace-gc lines on stderr,
//   LOG_LEVEL (info)
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import http from 'node:http';
import { openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { DEFAULT_SCALE_URL } from './lib/scale.mjs';
import { slotsTarget } from './lib/slots-target.mjs';
const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const [which, rate, secs = '20'] = process.argv.slice(2);
const JWT_SECRET = randomBytes(36).toString('base64url');
const { clients, path } = await slotsTarget(DEFAULT_SCALE_URL, JWT_SECRET);
const env = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: DEFAULT_SCALE_URL, REDIS_URL: 'redis://127.0.0.1:56379', REDIS_PREFIX: 'probe', JWT_SECRET, DATABASE_POOL_SIZE: '20', LOG_LEVEL: process.env.LOG_LEVEL ?? 'info', API_RATE_LIMIT_PER_MINUTE: '1000000', PORT: '3320' };
const script = which === 'api' ? 'dist/apps/api/src/main.js' : 'bench/baseline-server.mjs';
const extra = (process.env.ARGS ?? '').split(' ').filter(Boolean);
const t0 = performance.now();
const LOG = fileURLToPath(new URL(`../.data/bench/probe-${which}.log`, import.meta.url));
const fd = openSync(LOG, 'w');
const child = spawn(process.execPath, ['--trace-gc', '--require', fileURLToPath(new URL('./lib/loop-stalls.cjs', import.meta.url)), ...extra, script], { env, stdio: ['ignore', fd, 'pipe'] });
const gcs = [];
const elds = [];
child.stderr.on('data', (d) => { for (const l of String(d).split('\n')) { const m = /^ELD (\d+) ([\d.]+)/.exec(l); if (m) elds.push({ at: Number(m[1]) - performance.timeOrigin, gap: Number(m[2]) }); else if (l) process.stderr.write(l + '\n'); } });
let buf = '';
const onData = (d) => { buf += d; let i; while ((i = buf.indexOf('\n')) >= 0) { const l = buf.slice(0, i); buf = buf.slice(i + 1); const m = /\]\s+(\d+) ms: (\S+) .*?MB, pooled: [\d.]+ MB, ([\d.]+) \//.exec(l); if (process.env.GC_LINES) console.error(l); if (m) gcs.push({ at: t0 + Number(m[1]), kind: m[2], ms: Number(m[3]) }); } };
const url = 'http://127.0.0.1:3320';
for (let i = 0; ; i++) { try { if ((await fetch(url + '/health/live')).ok) break; } catch {} if (i > 150) throw new Error('no start'); await sleep(200); }
const mk = () => { const c = clients[Math.floor(Math.random() * clients.length)]; return { method: 'GET', path: path(c.engagement), headers: { authorization: c.auth } }; };
await new Promise((res) => autocannon({ url, connections: 20, duration: Number(process.env.WARM ?? 30), requests: [{ setupRequest: (r) => ({ ...r, ...mk() }) }] }, res));
const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const interval = 1000 / Number(rate); const count = Math.round(Number(rate) * Number(secs));
const lat = []; const inflight = [];
const start = performance.now();
for (let i = 0; i < count; i++) {
  const due = start + i * interval; const w = due - performance.now(); if (w > 1) await sleep(w);
  const r = mk();
  inflight.push(new Promise((resolve) => { const req = http.request({ host: '127.0.0.1', port: 3320, path: r.path, headers: r.headers, agent }, (res) => { res.resume(); res.on('end', () => { lat.push({ due: due - start, ms: performance.now() - due }); resolve(); }); }); req.end(); }));
}
await Promise.all(inflight);
child.kill('SIGTERM');
await new Promise((r) => child.on('exit', r));
onData(readFileSync(LOG, 'utf8'));
const sorted = lat.map((x) => x.ms).sort((a, b) => a - b);
const p = (q) => sorted[Math.ceil(q * sorted.length) - 1].toFixed(1);
console.log(`${which} ${rate}/s: p50 ${p(0.5)} p90 ${p(0.9)} p99 ${p(0.99)} max ${p(1)}`);
const thr = Number(p(0.99)) * 0.7;
const slow = lat.filter((x) => x.ms >= thr).sort((a, b) => a.due - b.due);
// cluster
let cl = []; for (const s of slow) { const last = cl[cl.length - 1]; if (last && s.due - last.end < 50) { last.end = s.due; last.n++; last.max = Math.max(last.max, s.ms); } else cl.push({ start: s.due, end: s.due, n: 1, max: s.ms }); }
const gin = gcs.filter((g) => g.at - start >= -100 && g.at - start <= Number(secs) * 1000 + 200).map((g) => ({ ...g, rel: g.at - start }));
console.log(`slow (>= ${thr.toFixed(0)} ms): ${slow.length} in ${cl.length} clusters; GCs in run: ${gin.length} (${gin.filter((g) => g.kind !== 'Scavenge').length} not scavenges), scavenge ms max ${Math.max(...gin.filter((g) => g.kind === 'Scavenge').map((g) => g.ms)).toFixed(1)}`);
for (const c of cl) { const near = gin.filter((g) => g.rel >= c.start - 60 && g.rel <= c.end + 10).map((g) => `${g.kind} ${g.ms}ms@${g.rel.toFixed(0)}`); const st = elds.filter((e) => e.at - start >= c.start - 80 && e.at - start <= c.end + 10).map((e) => `stall ${e.gap.toFixed(0)}ms@${(e.at - start).toFixed(0)}`); near.push(...st); console.log(`  ${c.start.toFixed(0)}–${c.end.toFixed(0)} ms: ${c.n} slow, max ${c.max.toFixed(0)} ms  ${near.join(', ')}`); }
const inRun = elds.filter((e) => e.at >= start && e.at - start <= Number(secs) * 1000); console.log(`event-loop stalls > 15 ms in run: ${inRun.length}, total ${inRun.reduce((a, e) => a + e.gap, 0).toFixed(0)} ms`);
for (const g of gin.filter((g) => g.kind !== 'Scavenge')) console.log(`  ${g.kind} ${g.ms} ms at ${g.rel.toFixed(0)}`);
