// CPU per request of the slots route: the API and the baseline, each alone under the same load, with the
// CPU time each process used (from /proc) divided by the requests it answered. Less sensitive to other load
// on the machine than req/s. Uses the newest booking practice `npm run bench` left in the scale database.
//   node bench/slots-cpu.mjs [seconds]   (after npm run build; BENCH_CPU_PROFILE=dir for V8 profiles;
//   API_NODE_ARGS='--trace-gc-nvp' passes flags to the API and shows its output, BASELINE_TOO=1 to the
//   baseline as well; WARMUP=s seconds of load before the measured run (3: a JIT still compiling, which
//   the per-thread figures show as V8Worker time); ONLY=api or baseline; ROUNDS=n)
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { DEFAULT_SCALE_URL } from './lib/scale.mjs';
import { slotsTarget } from './lib/slots-target.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const DB_URL = process.env.BENCH_DATABASE_URL ?? DEFAULT_SCALE_URL;
const SECONDS = Number(process.argv[2] ?? 10);
const JWT_SECRET = randomBytes(36).toString('base64url');
const { clients, path } = await slotsTarget(DB_URL, JWT_SECRET);
const env = { PATH: process.env.PATH, ...(process.env.API_NODE_OPTIONS ? { NODE_OPTIONS: process.env.API_NODE_OPTIONS } : {}), NODE_ENV: 'production', DATABASE_URL: DB_URL, REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:56379', REDIS_PREFIX: 'slots-cpu', JWT_SECRET, DATABASE_POOL_SIZE: '20', LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info', API_RATE_LIMIT_PER_MINUTE: '1000000' };
const stat = (pid) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
const cpu = (pid) => { const f = stat(pid); return (Number(f[11]) + Number(f[12])) * 10; };
const sys = (pid) => Number(stat(pid)[12]) * 10;
/** CPU ms of each thread of a process by name (the main thread is named after the program). */
const threads = (pid) => Object.fromEntries(readdirSync(`/proc/${pid}/task`).map((t) => {
  const raw = readFileSync(`/proc/${pid}/task/${t}/stat`, 'utf8');
  const f = raw.split(') ')[1].split(' ');
  return [`${raw.slice(raw.indexOf('(') + 1, raw.indexOf(') '))}#${t === String(pid) ? 'main' : t}`, (Number(f[11]) + Number(f[12])) * 10];
}));

async function one(name, script, port) {
  const prof = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  const args = (name === 'api' || process.env.BASELINE_TOO) && process.env.API_NODE_ARGS ? process.env.API_NODE_ARGS.split(' ') : [];
  const child = spawn(process.execPath, [...prof, ...args, script], { env: { ...env, PORT: String(port) }, stdio: process.env.API_NODE_ARGS ? ['ignore', 'inherit', 'inherit'] : 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) { try { if ((await fetch(url + '/health/live')).ok) break; } catch { /* not up */ } if (i > 150) throw new Error(name + ' did not start'); await sleep(200); }
  const first = await fetch(url + path(clients[0].engagement), { headers: { authorization: clients[0].auth } });
  const body = await first.json();
  const run = (duration) => new Promise((res, rej) => autocannon({ url, connections: 20, duration, requests: [{ setupRequest: (r) => { const c = clients[Math.floor(Math.random() * clients.length)]; return { ...r, method: 'GET', path: path(c.engagement), headers: { authorization: c.auth } }; } }] }, (e, r) => (e ? rej(e) : res(r))));
  await run(Number(process.env.WARMUP ?? 3));
  const c0 = cpu(child.pid);
  const s0 = sys(child.pid);
  const t0 = threads(child.pid);
  const r = await run(SECONDS);
  const ms = cpu(child.pid) - c0;
  const sysMs = sys(child.pid) - s0;
  const t1 = threads(child.pid);
  const rss = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
  child.kill('SIGTERM');
  await new Promise((r2) => child.on('exit', r2));
  const n = r.requests.total;
  // The main thread, V8's platform threads (optimising compiler, GC helpers), libuv's pool.
  const byName = {};
  for (const [k, v] of Object.entries(t1)) { const n2 = k.endsWith('#main') ? 'main' : k.split('#')[0]; byName[n2] = (byName[n2] ?? 0) + v - (t0[k] ?? 0); }
  const perThread = Object.entries(byName).filter(([, v]) => v > 0).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${(v / n).toFixed(2)}`).join(', ');
  console.log(`${name.padEnd(8)} ${first.status} ${body.data?.length} slots | ${(n / SECONDS).toFixed(0)} req/s, p50 ${r.latency.p50} ms, p99 ${r.latency.p99} ms, non-2xx ${r.non2xx} | process CPU ${(ms / n).toFixed(2)} ms/request (system ${(sysMs / n).toFixed(2)}; by thread: ${perThread}), RSS ${rss.toFixed(0)} MB`);
}
const which = (process.env.ONLY ?? 'baseline,api').split(',');
for (let round = 0; round < Number(process.env.ROUNDS ?? 1); round++) {
  if (which.includes('baseline')) await one('baseline', 'bench/baseline-server.mjs', 3311);
  if (which.includes('api')) await one('api', 'dist/apps/api/src/main.js', 3310);
}
