// A/B of two server variants on the slots route. By default both run at the same time under the same
// load (10 connections each), so the machine's drifting speed touches both alike; prints req/s, latency
// and process CPU per request. A round differs by 5–10% between variants that perform alike, so judge a change
// over several rounds. A variant is "[VAR=value ...] script [node args...]".
//   AB_RATE=n          each at n req/s evenly paced (lib/paced.mjs): the latency at a fixed load
//   AB_ONE_AT_A_TIME=1 one after the other, each alone after a 3 s warm-up at full load, the order
//                      alternating by round (for latency, which the other's load would blur)
//   AB_LOG_DIR=dir     each variant's stdout to dir/<port>.log (with --trace-gc, say)
//   A='dist/apps/api/src/main.js' B='bench/baseline-server.mjs' node bench/ab-cpu.mjs [seconds] [rounds]
//   A='LOG_LEVEL=warn dist/apps/api/src/main.js' B='dist/apps/api/src/main.js' node bench/ab-cpu.mjs 12 4
import { spawn } from 'node:child_process';
import { openSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { paced } from './lib/paced.mjs';
import { DEFAULT_SCALE_URL } from './lib/scale.mjs';
import { slotsTarget } from './lib/slots-target.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const DB_URL = process.env.BENCH_DATABASE_URL ?? DEFAULT_SCALE_URL;
const SECONDS = Number(process.argv[2] ?? 10);
const ROUNDS = Number(process.argv[3] ?? 3);
const JWT_SECRET = randomBytes(36).toString('base64url');
const { clients, path } = await slotsTarget(DB_URL, JWT_SECRET);
const env = { PATH: process.env.PATH, NODE_ENV: 'production', DATABASE_URL: DB_URL, REDIS_URL: process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:56379', REDIS_PREFIX: 'ab-cpu', JWT_SECRET, DATABASE_POOL_SIZE: '10', LOG_LEVEL: 'info', API_RATE_LIMIT_PER_MINUTE: '1000000' };
const cpu = (pid) => { const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return (Number(f[11]) + Number(f[12])) * 10; };

async function start(spec, port) {
  const words = spec.split(' ');
  const vars = Object.fromEntries(words.filter((w) => /^[A-Z_]+=/.test(w)).map((w) => w.split(/=(.*)/s).slice(0, 2)));
  const [script, ...args] = words.filter((w) => !/^[A-Z_]+=/.test(w));
  const child = spawn(process.execPath, [...args, script], { env: { ...env, ...vars, PORT: String(port) }, stdio: process.env.AB_LOG_DIR ? ['ignore', openSync(`${process.env.AB_LOG_DIR}/${port}.log`, 'w'), 'inherit'] : 'ignore' });
  for (let i = 0; ; i++) { try { if ((await fetch(`http://127.0.0.1:${port}/health/live`)).ok) break; } catch { /* not up */ } if (i > 150) throw new Error(spec + ' did not start'); await sleep(200); }
  return child;
}
const requests = [{ setupRequest: (r) => { const c = clients[Math.floor(Math.random() * clients.length)]; return { ...r, method: 'GET', path: path(c.engagement), headers: { authorization: c.auth } }; } }];
const load = (port, duration) =>
  process.env.AB_RATE
    ? paced({ url: `http://127.0.0.1:${port}`, requests, rate: Number(process.env.AB_RATE), duration })
    : new Promise((res, rej) => autocannon({ url: `http://127.0.0.1:${port}`, connections: 10, duration, requests }, (e, r) => (e ? rej(e) : res(r))));
const sum = { A: [], B: [] };
for (let round = 0; round < ROUNDS; round++) {
  let ra, rb, ma, mb;
  if (process.env.AB_ONE_AT_A_TIME) {
    // Each alone, the order alternating by round: the latency of one server without the other's load.
    const alone = async (spec, port) => {
      const c = await start(spec, port);
      await new Promise((res, rej) => autocannon({ url: `http://127.0.0.1:${port}`, connections: 10, duration: 3, requests }, (e, r) => (e ? rej(e) : res(r))));
      const c0 = cpu(c.pid);
      const r = await load(port, SECONDS);
      const m = cpu(c.pid) - c0;
      c.kill('SIGTERM');
      await new Promise((res) => c.on('exit', res));
      return [r, m];
    };
    if (round % 2) { [rb, mb] = await alone(process.env.B, 3321); [ra, ma] = await alone(process.env.A, 3320); }
    else { [ra, ma] = await alone(process.env.A, 3320); [rb, mb] = await alone(process.env.B, 3321); }
  } else {
    const a = await start(process.env.A, 3320);
    const b = await start(process.env.B, 3321);
    await Promise.all([load(3320, 3), load(3321, 3)]);
    const [ca, cb] = [cpu(a.pid), cpu(b.pid)];
    [ra, rb] = await Promise.all([load(3320, SECONDS), load(3321, SECONDS)]);
    [ma, mb] = [cpu(a.pid) - ca, cpu(b.pid) - cb];
    for (const c of [a, b]) c.kill('SIGTERM');
    await Promise.all([a, b].map((c) => new Promise((r) => c.on('exit', r))));
  }
  const line = (n, r, ms) => `${n} ${(r.requests.total / SECONDS).toFixed(0)} req/s p50 ${r.latency.p50} p99 ${r.latency.p99} ms CPU ${(ms / r.requests.total).toFixed(2)} ms/req non2xx ${r.non2xx}`;
  console.log(`round ${round + 1}: ${line('A', ra, ma)} | ${line('B', rb, mb)} | A/B req ${(ra.requests.total / rb.requests.total).toFixed(2)} cpu ${((mb / rb.requests.total) / (ma / ra.requests.total)).toFixed(2)}`);
  sum.A.push(ra.requests.total); sum.B.push(rb.requests.total);
}
const t = (x) => x.reduce((p, q) => p + q, 0);
console.log(`A/B requests over all rounds: ${(t(sum.A) / t(sum.B)).toFixed(3)}`);
