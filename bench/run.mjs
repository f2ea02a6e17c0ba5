// npm run bench: the built API (dist/, `npm run build` first) against the scale dataset
// (`npm run seed:scale`), next to the raw baseline (bench/baseline-server.mjs), under autocannon run
// from this process (the servers are separate processes). Then reminder delivery through the real
// worker into an SMTP sink against a bare BullMQ worker, and the scheduler pass with 1,000,000
// notifications stored. Writes bench/results/<date>.md and bench/results/latest.md.
//
// Environment: BENCH_DATABASE_URL (default: coaching_scale on the `npm start` instance), BENCH_REDIS_URL
// (default redis://127.0.0.1:56379), BENCH_DURATION seconds per run (10), BENCH_PACED_DURATION seconds per run at half
// the peak (twice BENCH_DURATION), BENCH_SLOTS_SETTLE (30), BENCH_SLOT_ROUNDS (5), BENCH_CONNECTIONS (20),
// BENCH_REMINDERS (20000), BENCH_ONLY (comma-separated: reads, writes, booking, reminders, scheduler).
// The booking runs make their own practice (a coach with 200 sessions in a 31-day window, 20 clients), so
// `BENCH_ONLY=booking` also runs against a small database (any migrated one).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { isDeepStrictEqual } from 'node:util';
import { mintAccessToken } from './lib/jwt.mjs';
import { paced } from './lib/paced.mjs';
import { benchApiKey, coachId, DEFAULT_SCALE_URL, ID_KIND, practiceId, seedId } from './lib/scale.mjs';

const require = createRequire(import.meta.url);
const autocannon = require('autocannon');
const pg = require('pg');
const { SMTPServer } = require('smtp-server');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DB_URL = process.env.BENCH_DATABASE_URL ?? DEFAULT_SCALE_URL;
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:56379';
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 3);
/** Seconds of each run at half the peak: its p99 is the 1% slowest, so twice the requests of a peak run keep one stall from being all of it. */
const PACED_DURATION = Number(process.env.BENCH_PACED_DURATION ?? 2 * DURATION);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const REMINDERS = Number(process.env.BENCH_REMINDERS ?? 20000);
const ONLY = new Set((process.env.BENCH_ONLY ?? 'reads,writes,booking,reminders,scheduler').split(','));
/** Only the booking runs: they bring their own data, so the scale dataset is not required. */
const BOOKING_ONLY = [...ONLY].every((x) => x === 'booking');
const API_PORT = Number(process.env.BENCH_API_PORT ?? 3300);
const BASE_PORT = API_PORT + 1;
const WORKER_HEALTH_PORT = API_PORT + 2;
const SMTP_PORT = API_PORT + 3;
// A random secret per run: the API runs as in production, which refuses a guessable one.
const JWT_SECRET = randomBytes(36).toString('base64url');
const RUN = Date.now().toString(36);
const REDIS_PREFIX = `bench-${RUN}`;
const POOL_SIZE = 20;
/** Interleaved rounds of the slots comparison (see bookingRuns). */
const SLOT_ROUNDS = Number(process.env.BENCH_SLOT_ROUNDS ?? 5);
/**
 * Seconds of load each server gets on the slots route, alone, before the first slots round. A few seconds
 * warm a connection pool, not a JIT: three seconds in, the API's optimising compiler still worked on the
 * route's code on a second thread (0.15–0.18 ms of CPU a request against 0.03 after 40 s), competing for
 * the two cores with the requests it measured. A server that runs for days is past that; so is the
 * baseline, whose far smaller code settles sooner. Both get the same.
 */
const SLOTS_SETTLE = Number(process.env.BENCH_SLOTS_SETTLE ?? 30);

const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const logsDir = join(root, '.data', 'bench');
mkdirSync(logsDir, { recursive: true });

// ---------------------------------------------------------------------------------------------
// Processes
const children = [];
function start(name, args, env) {
  // Straight into the file: relayed through this process, every log line of the server under test was
  // read and written again by the process that generates the load and times the answers, and a full pipe
  // (64 KB, a second of request lines) blocks the server's own synchronous writes to it.
  const fd = openSync(join(logsDir, `${name}.log`), 'w');
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  children.push(child);
  child.on('exit', (code, signal) => {
    if (!child.stopping) log(`${name} exited unexpectedly (${code ?? signal}); see .data/bench/${name}.log`);
  });
  return child;
}
async function stop(child) {
  if (!child || child.exitCode !== null) return;
  child.stopping = true;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), sleep(10_000).then(() => child.kill('SIGKILL'))]);
}
async function waitHttp(url, ms = 30_000) {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
    await sleep(200);
  }
  throw new Error(`${url} did not come up`);
}

// BENCH_TRACING=on: the API and the worker export traces (OTLP/HTTP) to a sink in this process that
// answers every export at once, so what is measured is the cost of tracing in the processes themselves.
const TRACING = process.env.BENCH_TRACING === 'on';
const OTLP_PORT = API_PORT + 4;
let tracesReceived = 0;
if (TRACING) {
  const { createServer } = await import('node:http');
  const sink = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      tracesReceived++;
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise((r) => sink.listen(OTLP_PORT, '127.0.0.1', r));
  sink.unref();
}

const appEnv = {
  ...(TRACING ? { OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${OTLP_PORT}` } : {}),
  NODE_ENV: 'production',
  DATABASE_URL: DB_URL,
  REDIS_URL,
  REDIS_PREFIX,
  JWT_SECRET,
  DATABASE_POOL_SIZE: String(POOL_SIZE),
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'info',
};

// ---------------------------------------------------------------------------------------------
// CPU accounting: how much of the machine other processes (another engineer's tests) took meanwhile.
const HZ = 100;
function readStat(pid) {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return { comm: s.slice(s.indexOf('(') + 1, s.lastIndexOf(')')), ppid: Number(f[1]), cpu: Number(f[11]) + Number(f[12]) };
  } catch {
    return null;
  }
}
function cpuTimes() {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].trim().split(/\s+/).slice(1).map(Number);
  // Busy: everything but idle and iowait, and but steal (time the hypervisor gave our vCPUs to someone else).
  return { busy: f.reduce((a, b) => a + b, 0) - f[3] - f[4] - (f[7] ?? 0), steal: f[7] ?? 0 };
}
let postmasterPid = null;
/** CPU time (jiffies) of every live process, and of those that are this benchmark's (its children, its PostgreSQL). */
function processCpu() {
  const { readdirSync } = require('node:fs');
  const procs = new Map();
  for (const d of readdirSync('/proc')) if (/^\d+$/.test(d)) {
    const st = readStat(d);
    if (st) procs.set(Number(d), st);
  }
  const roots = new Set([process.pid, postmasterPid].filter(Boolean));
  const mine = new Set();
  for (const pid of procs.keys()) {
    for (let p = pid, i = 0; i < 20 && p > 1; i++, p = procs.get(p)?.ppid ?? 0) {
      if (roots.has(p)) {
        mine.add(pid);
        break;
      }
    }
  }
  return { procs, mine };
}
function cpuMeter() {
  const at = Date.now();
  const times0 = cpuTimes();
  const a = processCpu();
  return () => {
    const secs = (Date.now() - at) / 1000;
    const times1 = cpuTimes();
    const total = times1.busy - times0.busy;
    const steal = times1.steal - times0.steal;
    const b = processCpu();
    // Others: live processes outside this benchmark, by their own CPU time (short-lived ones that ended
    // meanwhile are missed); mine, for comparison, the same way.
    let other = 0;
    let mine = 0;
    const top = [];
    for (const [pid, st] of b.procs) {
      const d = st.cpu - (a.procs.get(pid)?.cpu ?? 0);
      if (b.mine.has(pid)) mine += d;
      else {
        other += d;
        if (d > HZ * secs * 0.05) top.push(`${st.comm}:${pid} ${Math.round((d / HZ / secs) * 100)}%`);
      }
    }
    const n = cpus().length;
    const pct = (j) => Math.round((j / HZ / secs / n) * 100);
    return { busyPct: pct(total), otherPct: pct(other), minePct: pct(mine), stealPct: pct(steal), unaccountedPct: Math.max(0, pct(total - mine - other)), otherTop: top.join(', ') };
  };
}

function rssOf(pid) {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

// ---------------------------------------------------------------------------------------------
// Load generation
function cannon(opts) {
  return new Promise((resolve, reject) => {
    autocannon({ connections: CONNECTIONS, ...opts }, (err, res) => (err ? reject(err) : resolve(res)));
  });
}

/**
 * Warm up, then a peak run (autocannon, CONNECTIONS at once); or, given a rate, that many requests a second
 * evenly paced (lib/paced.mjs). Returns rps, p50, p99 and errors, plus the API's RSS when watched.
 */
async function measure(label, url, requests, { rate, watchPid } = {}) {
  if (!rate && WARMUP) await cannon({ url, requests, duration: WARMUP });
  let maxRss = 0;
  const timer = watchPid ? setInterval(() => (maxRss = Math.max(maxRss, rssOf(watchPid))), 250) : null;
  const cpu = cpuMeter();
  const r = rate ? await paced({ url, requests, rate, duration: PACED_DURATION }) : await cannon({ url, requests, duration: DURATION });
  if (timer) clearInterval(timer);
  const load = cpu();
  const non2xx = r.non2xx + r.errors + r.timeouts;
  const statuses = Object.entries(r.statusCodeStats ?? {}).filter(([code]) => !code.startsWith('2')).map(([code, { count }]) => `${code} ×${count}`).concat(r.errors ? [`${r.errors} failed`] : [], r.timeouts ? [`${r.timeouts} timed out`] : []).join(', ');
  const out = { label, rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, non2xx, statuses, maxRss, ...load };
  log(`${label.padEnd(44)} ${String(Math.round(out.rps)).padStart(6)} req/s  p50 ${out.p50} ms  p99 ${out.p99} ms  errors ${non2xx}${out.statuses ? ` (${out.statuses})` : ''}  CPU: bench ${load.minePct}%, other ${load.otherPct}% (+${load.unaccountedPct}% ended/kernel), stolen by the hypervisor ${load.stealPct}%${load.otherTop ? ` (${load.otherTop})` : ''}`);
  return out;
}

const pick = (a) => a[Math.floor(Math.random() * a.length)];
const json = { 'content-type': 'application/json' };

// ---------------------------------------------------------------------------------------------
async function main() {
  const owner = new pg.Client({ connectionString: DB_URL, application_name: 'bench' });
  await owner.connect();
  const { rows: [pm] } = await owner.query('SELECT pg_backend_pid() AS pid');
  postmasterPid = readStat(pm.pid)?.ppid ?? null;
  const { rows: [counts] } = await owner.query(`
    SELECT (SELECT count(*) FROM practices)::int AS practices, (SELECT count(*) FROM practices WHERE slug LIKE 'scale-%')::int AS seeded, (SELECT count(*) FROM sessions)::int AS sessions,
           (SELECT count(*) FROM measurements)::int AS measurements,
           (SELECT count(*) FROM notifications WHERE status = 'scheduled' AND due_at > now())::int AS future_notifications,
           version() AS pg`);
  if (counts.seeded < 1000 && !BOOKING_ONLY) throw new Error(`The database at ${DB_URL} holds ${counts.seeded} seeded practices; run npm run seed:scale first.`);
  log(`dataset: ${counts.practices} practices, ${counts.sessions} sessions, ${counts.measurements} measurements, ${counts.future_notifications} future notifications`);
  const env = { load: loadavg().map((l) => l.toFixed(2)).join(' '), cpus: cpus().length, cpuModel: cpus()[0]?.model ?? '?', memGb: Math.round(totalmem() / 2 ** 30), node: process.version, pg: counts.pg.split(' ').slice(0, 2).join(' ') };

  // Requests: coaches of practices spread over the whole seeded dataset; their own engagements, goals,
  // metrics. Only the seeded practices (npm run seed:scale) have the ids these are made from: counting the
  // ones each booking run adds sent a request in a hundred to a practice that does not exist.
  const P = Math.max(1, counts.seeded);
  const now = new Date();
  const monday = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() - ((now.getUTCDay() + 6) % 7));
  const actors = [];
  for (let i = 0; i < 400; i++) {
    const p = Math.floor(Math.random() * P);
    const j = Math.floor(Math.random() * 10);
    const token = mintAccessToken(JWT_SECRET, { userId: coachId(p, j), practiceId: practiceId(p), role: 'coach' });
    const clients = Array.from({ length: 10 }, (_, k) => k * 10 + j); // client c is coached by coach c % 10
    actors.push({ p, j, auth: `Bearer ${token}`, engagements: clients.map((c) => p * 100 + c) });
  }
  const keyActors = Array.from({ length: 50 }, (_, p) => ({ p, j: 0, auth: `Bearer ${benchApiKey(p, 'coach').token}` }));
  const week = () => {
    const w = Math.floor(Math.random() * 9) - 4; // the current week ± 4 of the seeded 16
    const from = new Date(monday + w * 7 * 864e5).toISOString();
    return `/v1/sessions?from=${from}&to=${new Date(monday + (w + 1) * 7 * 864e5).toISOString()}`;
  };
  const reads = {
    calendar: () => { const a = pick(actors); return { method: 'GET', path: week(), headers: { authorization: a.auth } }; },
    calendarKey: () => { const a = pick(keyActors); return { method: 'GET', path: week(), headers: { authorization: a.auth } }; },
    engagement: () => { const a = pick(actors); return { method: 'GET', path: `/v1/engagements/${seedId(ID_KIND.engagement, pick(a.engagements))}`, headers: { authorization: a.auth } }; },
    goal: () => { const a = pick(actors); const e = pick(a.engagements); return { method: 'GET', path: `/v1/goals/${seedId(ID_KIND.goal, e * 3 + Math.floor(Math.random() * 3))}`, headers: { authorization: a.auth } }; },
  };
  // Writes. Sessions: one active engagement per coach (the seed pauses every twentieth), each request the
  // coach's next free 2-hour slot after everything booked so far (past runs included), so no two overlap.
  const { rows: [last] } = await owner.query(`SELECT greatest(max(starts_at), '2030-01-01') AS at FROM sessions WHERE starts_at > '2029-12-31'`);
  const slotBase = Math.ceil(new Date(last.at).getTime() / 86_400_000 + 1) * 86_400_000;
  let slot = 0;
  const writes = {
    measurement: () => {
      const a = pick(actors);
      const g = pick(a.engagements) * 3 + Math.floor(Math.random() * 3);
      return { method: 'POST', path: `/v1/metrics/${seedId(ID_KIND.metric, g * 2)}/measurements`, headers: { authorization: a.auth, ...json }, body: JSON.stringify({ value: Math.round(Math.random() * 100) / 10, note: 'bench' }) };
    },
    session: () => {
      const n = slot++;
      const a = actors[n % actors.length];
      const startsAt = new Date(slotBase + Math.floor(n / actors.length) * 2 * 3600_000).toISOString();
      return { method: 'POST', path: `/v1/engagements/${seedId(ID_KIND.engagement, a.engagements.find((e) => e % 20 !== 0))}/sessions`, headers: { authorization: a.auth, ...json }, body: JSON.stringify({ startsAt, durationMinutes: 60, location: 'Room 2' }) };
    },
  };
  // Two actors may share a coach: keep one actor per (practice, coach) for sessions.
  const seen = new Set();
  for (let i = actors.length - 1; i >= 0; i--) {
    const k = `${actors[i].p}:${actors[i].j}`;
    if (seen.has(k)) actors.splice(i, 1);
    else seen.add(k);
  }

  const results = { reads: [], writes: [], booking: [], parity: [], reminders: null, scheduler: null, memory: {} };
  // Coaches may now book only within an engagement's allocation: the sessions the write runs book (past
  // runs included) would use up the seeded 12–24, so the actors' engagements get a large one (the
  // allocation is still counted on each request, by the API and the baseline alike).
  if (ONLY.has('writes')) await owner.query(`UPDATE engagements SET planned_sessions = 1000000 WHERE id = ANY($1::uuid[])`, [actors.map((a) => seedId(ID_KIND.engagement, a.engagements.find((e) => e % 20 !== 0)))]);
  const booking = ONLY.has('booking') ? await bookingSetup(owner) : null;
  // BENCH_CPU_PROFILE=dir: the API writes a V8 CPU profile there when it stops (open it in DevTools).
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`] : [];
  const api = start('api', [...profile, 'dist/apps/api/src/main.js'], { ...appEnv, PORT: String(API_PORT) });
  const base = start('baseline', ['bench/baseline-server.mjs'], { ...appEnv, PORT: String(BASE_PORT) });
  try {
    await Promise.all([waitHttp(`http://127.0.0.1:${API_PORT}/health/live`), waitHttp(`http://127.0.0.1:${BASE_PORT}/health/live`)]);
    results.memory.idle = rssOf(api.pid);
    log(`API up (RSS ${(results.memory.idle / 2 ** 20).toFixed(0)} MB), baseline up`);
    const apiUrl = `http://127.0.0.1:${API_PORT}`;
    const baseUrl = `http://127.0.0.1:${BASE_PORT}`;

    // Same JSON from both for the same requests.
    for (const [name, gen] of ONLY.has('reads') ? Object.entries(reads) : []) {
      let same = 0;
      let n = 0;
      for (let i = 0; i < 10; i++) {
        const r = gen();
        const [x, y] = await Promise.all([apiUrl, baseUrl].map((u) => fetch(u + r.path, { headers: r.headers }).then(async (res) => ({ status: res.status, body: await res.json() }))));
        n++;
        if (x.status === y.status && isDeepStrictEqual(x.body, y.body)) same++;
        else if (n - same === 1) log(`parity ${name}: API ${x.status} ${JSON.stringify(x.body).slice(0, 300)} | baseline ${y.status} ${JSON.stringify(y.body).slice(0, 300)}`);
      }
      results.parity.push({ name, same, n });
    }

    const scenarios = [
      ['calendar', 'a coach\'s calendar week (JWT)', reads.calendar],
      ['calendarKey', 'a coach\'s calendar week (API key)', reads.calendarKey],
      ['engagement', 'an engagement with its summary', reads.engagement],
      ['goal', 'a goal with metrics and progress', reads.goal],
    ];
    if (ONLY.has('reads')) {
      for (const [key, title, gen] of scenarios) {
        const requests = [{ setupRequest: (req) => ({ ...req, ...gen() }) }];
        const b = await measure(`${key} baseline peak`, baseUrl, requests);
        const a = await measure(`${key} API peak`, apiUrl, requests, { watchPid: api.pid });
        const ah = await measure(`${key} API at half its peak`, apiUrl, requests, { rate: a.rps / 2, watchPid: api.pid });
        const bh = await measure(`${key} baseline at half its peak`, baseUrl, requests, { rate: b.rps / 2 });
        results.reads.push({ key, title, api: a, base: b, apiHalf: ah, baseHalf: bh });
      }
    }
    if (ONLY.has('writes')) {
      for (const [key, title, gen] of [['measurement', 'recording a measurement', writes.measurement], ['session', 'scheduling a session', writes.session]]) {
        const requests = [{ setupRequest: (req) => ({ ...req, ...gen() }) }];
        const b = await measure(`${key} baseline peak`, baseUrl, requests);
        const a = await measure(`${key} API peak`, apiUrl, requests, { watchPid: api.pid });
        const ah = await measure(`${key} API at half its peak`, apiUrl, requests, { rate: a.rps / 2, watchPid: api.pid });
        results.writes.push({ key, title, api: a, base: b, apiHalf: ah });
      }
    }
    if (booking) results.booking = await bookingRuns(owner, booking, apiUrl, baseUrl, api.pid);
    results.memory.max = Math.max(0, ...[...results.reads, ...results.writes, ...results.booking.filter((b) => b.api)].flatMap((r) => [r.api.maxRss, r.apiHalf.maxRss]));
    results.memory.end = rssOf(api.pid);
  } finally {
    await stop(api);
    await stop(base);
  }
  // What the write runs recorded is not the reminder run's business: their events count as handled.
  await owner.query(`UPDATE domain_events SET processed_at = now() WHERE processed_at IS NULL`);

  if (ONLY.has('reminders')) results.reminders = await reminderRun(owner);
  if (ONLY.has('scheduler')) results.scheduler = await schedulerRun(owner);
  const { rows: [after] } = await owner.query(`SELECT (SELECT count(*) FROM notifications WHERE status = 'scheduled' AND due_at > now())::int AS future`);
  results.storedFuture = after.future;
  await owner.end();
  env.loadEnd = loadavg().map((l) => l.toFixed(2)).join(' ');
  writeReport(env, counts, results);
}

// ---------------------------------------------------------------------------------------------
// Booking: a practice of its own with a coach (Europe/Berlin, 07:00–21:00 every day, 10-minute buffer),
// 200 scheduled sessions in a 31-day window, and 200 clients with an engagement each (no allocation): many
// credentials, as the API limits each to API_RATE_LIMIT_PER_MINUTE.
async function bookingSetup(owner) {
  const { randomUUID } = await import('node:crypto');
  const id = () => randomUUID();
  const practice = id();
  const coach = id();
  await owner.query(`INSERT INTO practices (id, name, slug, timezone) VALUES ($1, $2, $3, 'Europe/Berlin')`, [practice, `Bench booking ${RUN}`, `bench-booking-${RUN}`]);
  await owner.query(`INSERT INTO users (id, practice_id, email, name, role, timezone, password_hash) VALUES ($1, $2, $3, 'Bench Coach', 'coach', 'Europe/Berlin', 'x')`, [coach, practice, `coach-${RUN}@bench.example`]);
  const weekly = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'].map((day) => ({ day, start: '07:00', end: '21:00' }));
  await owner.query(`INSERT INTO availabilities (id, practice_id, user_id, timezone, weekly, overrides, buffer_minutes, min_notice_minutes, horizon_days) VALUES ($1, $2, $3, 'Europe/Berlin', $4::jsonb, '[]', 10, 0, 365)`, [id(), practice, coach, JSON.stringify(weekly)]);
  const clients = [];
  for (let k = 0; k < 200; k++) {
    const client = id();
    const user = id();
    const engagement = id();
    await owner.query(`INSERT INTO clients (id, practice_id, name, email, timezone, coach_id, status) VALUES ($1, $2, $3, $4, 'America/New_York', $5, 'active')`, [client, practice, `Bench Client ${k}`, `client${k}-${RUN}@bench.example`, coach]);
    await owner.query(`INSERT INTO users (id, practice_id, email, name, role, timezone, password_hash, client_id) VALUES ($1, $2, $3, $4, 'client', 'America/New_York', 'x', $5)`, [user, practice, `client${k}-${RUN}@bench.example`, `Bench Client ${k}`, client]);
    await owner.query(`UPDATE clients SET user_id = $1 WHERE id = $2`, [user, client]);
    await owner.query(
      `INSERT INTO engagements (id, practice_id, client_id, coach_id, title, starts_on, planned_sessions, review_cadence, status, activated_at) VALUES ($1, $2, $3, $4, 'Bench booking', current_date, NULL, 'none', 'active', now())`,
      [engagement, practice, client, coach],
    );
    clients.push({ engagement, auth: `Bearer ${mintAccessToken(JWT_SECRET, { userId: user, practiceId: practice, role: 'client', clientId: client })}` });
  }
  // The 31-day window starts 100 days ahead (inside the 365-day horizon); 200 sessions of 45 minutes in it,
  // 6–7 a day two hours apart from 06:00 UTC (07:00 or 08:00 in Berlin), all with the first client.
  const windowFrom = new Date(Math.floor(Date.now() / 86_400_000 + 100) * 86_400_000);
  const windowTo = new Date(windowFrom.getTime() + 31 * 86_400_000);
  await owner.query(
    `INSERT INTO sessions (id, practice_id, engagement_id, coach_id, client_id, starts_at, duration_minutes, ends_at, status)
     SELECT gen_random_uuid(), $1, $2, $3, e.client_id, t, 45, t + interval '45 minutes', 'scheduled'
       FROM engagements e, LATERAL (SELECT $4::timestamptz + (n / 7) * interval '1 day' + interval '6 hours' + (n % 7) * interval '2 hours' AS t FROM generate_series(0, 199) n) x
      WHERE e.id = $2`,
    [practice, clients[0].engagement, coach, windowFrom],
  );
  // The week the contention run books: 40 days after the window, empty.
  const weekFrom = new Date(windowTo.getTime() + 9 * 86_400_000);
  return { practice, coach, clients, windowFrom, windowTo, weekFrom };
}

/** Slots of a 31-day window against the baseline, then 20 connections booking one week of the coach. */
async function bookingRuns(owner, b, apiUrl, baseUrl, apiPid) {
  const out = [];
  const slotsPath = `/v1/engagements/${b.clients[0].engagement}/slots?from=${b.windowFrom.toISOString()}&to=${b.windowTo.toISOString()}&durationMinutes=60`;
  const headers = { authorization: b.clients[0].auth };
  const [x, y] = await Promise.all([apiUrl, baseUrl].map((u) => fetch(u + slotsPath, { headers }).then(async (res) => ({ status: res.status, body: await res.json() }))));
  const same = x.status === 200 && x.status === y.status && isDeepStrictEqual(x.body, y.body);
  log(`slots parity: API ${x.status} (${x.body.data?.length} slots), baseline ${y.status} (${y.body.data?.length} slots), ${same ? 'same JSON' : 'DIFFERENT'}`);
  // Every client of the coach asks for the same window: the same busy time, the same answer.
  const requests = [{ setupRequest: (req) => { const c = pick(b.clients); return { ...req, method: 'GET', path: slotsPath.replace(b.clients[0].engagement, c.engagement), headers: { authorization: c.auth } }; } }];
  // The machine's speed drifts over minutes (a virtual machine's steal time), so the API and the baseline
  // are measured in SLOT_ROUNDS interleaved rounds, the order alternating; the verdict is on the median
  // throughput ratio and the median p99 ratio, and every round is reported.
  for (const [who, url] of [['baseline', baseUrl], ['API', apiUrl]]) {
    if (!SLOTS_SETTLE) break;
    const r = await cannon({ url, requests, duration: SLOTS_SETTLE });
    log(`slots ${who} settling for ${SLOTS_SETTLE} s: ${Math.round(r.requests.average)} req/s`);
  }
  const rounds = [];
  for (let i = 0; i < SLOT_ROUNDS; i++) {
    const round = {};
    const tag = SLOT_ROUNDS > 1 ? `, round ${i + 1}` : '';
    for (const who of i % 2 ? ['api', 'base'] : ['base', 'api']) {
      if (who === 'base') {
        round.base = await measure(`slots baseline peak${tag}`, baseUrl, requests);
        round.baseHalf = await measure(`slots baseline at half its peak${tag}`, baseUrl, requests, { rate: round.base.rps / 2 });
      } else {
        round.api = await measure(`slots API peak${tag}`, apiUrl, requests, { watchPid: apiPid });
        round.apiHalf = await measure(`slots API at half its peak${tag}`, apiUrl, requests, { rate: round.api.rps / 2, watchPid: apiPid });
      }
    }
    round.ratio = round.api.rps / round.base.rps;
    round.p99Ratio = round.apiHalf.p99 / round.baseHalf.p99;
    rounds.push(round);
  }
  const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const mid = [...rounds].sort((a, b) => a.ratio - b.ratio)[Math.floor(rounds.length / 2)];
  out.push({ key: 'slots', title: `free slots of a 31-day window, coach with 200 sessions in it (${x.body.data?.length ?? 0} slots)`, ...mid, rounds, ratio: median(rounds.map((r) => r.ratio)), p99Ratio: median(rounds.map((r) => r.p99Ratio)), parity: same });

  // Contention: every request a client booking a random quarter hour of the coach's 07:00–20:00 Berlin week.
  const starts = [];
  for (let d = 0; d < 7; d++) for (let m = 5 * 60; m < 19 * 60; m += 15) starts.push(new Date(b.weekFrom.getTime() + d * 86_400_000 + m * 60_000).toISOString());
  const bookingRequests = [{
    setupRequest: (req) => {
      const c = pick(b.clients);
      return { ...req, method: 'POST', path: `/v1/engagements/${c.engagement}/bookings`, headers: { authorization: c.auth, ...json }, body: JSON.stringify({ startsAt: pick(starts), durationMinutes: 60 }) };
    },
  }];
  const cpu = cpuMeter();
  const r = await cannon({ url: apiUrl, requests: bookingRequests, duration: DURATION });
  const load = cpu();
  const { rows: [booked] } = await owner.query(
    `SELECT count(*)::int AS n,
            (SELECT count(*)::int FROM sessions a JOIN sessions z ON z.coach_id = a.coach_id AND z.id < a.id AND z.status = 'scheduled'
              AND tstzrange(z.starts_at - interval '10 minutes', z.ends_at + interval '10 minutes') && tstzrange(a.starts_at, a.ends_at)
              WHERE a.coach_id = $1 AND a.status = 'scheduled' AND a.starts_at >= $2) AS clashes
       FROM sessions WHERE coach_id = $1 AND status = 'scheduled' AND starts_at >= $2`,
    [b.coach, b.weekFrom],
  );
  const contention = { label: 'booking one coach\'s week, 20 connections', rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, total: r.requests.total, created: r['2xx'], refused: r['4xx'], errors: r['5xx'] + r.errors + r.timeouts, booked: booked.n, clashes: booked.clashes, ...load };
  log(`booking contention: ${Math.round(contention.rps)} req/s p50 ${contention.p50} ms p99 ${contention.p99} ms; 201 ${contention.created}, 409 ${contention.refused}, errors ${contention.errors}; ${booked.n} sessions booked in the week, ${booked.clashes} clashing`);
  out.push({ key: 'booking', title: 'booking under contention', contention });
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reminders: REMINDERS notifications made due at once, sent by the real worker through an SMTP sink.
async function reminderRun(owner) {
  const ids = new Set();
  let received = 0;
  let firstAt = 0;
  let lastAt = 0;
  const sink = new SMTPServer({
    authOptional: true,
    disableReverseLookup: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      let head = '';
      stream.on('data', (c) => {
        if (head.length < 4096) head += c.toString('utf8');
      });
      stream.on('end', () => {
        const m = /^Message-ID:\s*<([^@>]+)@/im.exec(head);
        if (m && ids.has(m[1])) {
          received++;
          lastAt = Date.now();
          firstAt ||= lastAt;
        }
        callback();
      });
    },
  });
  sink.on('error', () => undefined); // a connection reset by a stopping worker
  await new Promise((r) => sink.listen(SMTP_PORT, '127.0.0.1', r));
  const worker = start('worker', ['dist/apps/worker/src/main.js'], { ...appEnv, SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`, WORKER_HEALTH_PORT: String(WORKER_HEALTH_PORT) });
  let out;
  try {
    await waitHttp(`http://127.0.0.1:${WORKER_HEALTH_PORT}/health/live`, 60_000);
    // Let the first scheduled passes (nudges, review cadence, outbox) finish before the clock starts.
    const quietUntil = Date.now() + 90_000;
    for (let quiet = 0; quiet < 3 && Date.now() < quietUntil; ) {
      const { rows: [d] } = await owner.query(`SELECT count(*)::int AS n FROM notifications WHERE status IN ('scheduled', 'sending') AND due_at <= now()`);
      const { rows: [e] } = await owner.query(`SELECT count(*)::int AS n FROM domain_events WHERE processed_at IS NULL`);
      quiet = d.n === 0 && e.n === 0 ? quiet + 1 : 0;
      await sleep(1000);
    }
    log(`worker up and idle; making ${REMINDERS} reminders due`);
    // Coaches' email reminders of future sessions, due now, across the whole dataset.
    const { rows } = await owner.query(
      `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, channel, subject_type, subject_id, data, due_at, status, attempts, unique_key)
       SELECT gen_random_uuid(), s.practice_id, 'session_reminder', s.coach_id, 'email', 'session', s.id,
              jsonb_build_object('sessionId', s.id, 'startsAt', to_char(s.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'offsetMinutes', 60, 'sequence', s.sequence),
              now(), 'scheduled', 0, 'session_reminder:' || s.id || ':bench-' || $2 || ':60:' || s.coach_id || ':email'
         FROM (SELECT * FROM sessions TABLESAMPLE SYSTEM (5) WHERE status = 'scheduled' AND starts_at > now() LIMIT $1) s
       RETURNING id`,
      [REMINDERS, RUN],
    );
    for (const r of rows) ids.add(r.id);
    const start0 = Date.now();
    const cpu = cpuMeter();
    let maxRss = 0;
    while (received < ids.size && Date.now() - start0 < 180_000) {
      maxRss = Math.max(maxRss, rssOf(worker.pid));
      await sleep(100);
    }
    const load = cpu();
    const { rows: [st] } = await owner.query(`SELECT count(*) FILTER (WHERE status = 'sent')::int AS sent, count(*)::int AS n FROM notifications WHERE id = ANY($1::uuid[])`, [[...ids]]);
    const elapsed = (lastAt || Date.now()) - start0;
    out = { n: ids.size, received, sentInDb: st.sent, elapsedMs: elapsed, firstMs: firstAt ? firstAt - start0 : null, perSecond: Math.round((received * 1000) / elapsed), workerRss: maxRss, ...load };
    log(`reminders: ${received}/${ids.size} in ${elapsed} ms = ${out.perSecond}/s (first after ${out.firstMs} ms), other CPU ${load.otherPct}%, stolen ${load.stealPct}%`);
  } finally {
    await stop(worker);
    await new Promise((r) => sink.close(r));
  }
  // The bare BullMQ worker on the same Redis, same concurrency, jobs that do nothing.
  const bare = start('bare-worker', ['bench/bare-worker.mjs'], { REDIS_URL, REDIS_PREFIX: `${REDIS_PREFIX}-bare`, JOBS: String(REMINDERS), CONCURRENCY: '16' });
  let text = '';
  bare.stdout.on('data', (c) => (text += c));
  await once(bare, 'exit');
  out.bare = JSON.parse(text.trim().split('\n').pop());
  log(`bare BullMQ worker: ${out.bare.perSecond} jobs/s`);
  return out;
}

// The scheduler's dispatch SQL as the worker runs it (app role, one statement for both kinds), nothing due.
async function schedulerRun(owner) {
  const conn = new pg.Client({ connectionString: DB_URL, options: '-c role=coaching_app', application_name: 'bench-scheduler' });
  await conn.connect();
  const times = [];
  let handed = 0;
  for (let i = 0; i < 60; i++) {
    const t = process.hrtime.bigint();
    const n = await conn.query(`SELECT queue, practice_id, id, handed_out FROM app_take_due($1, make_interval(secs => $2))`, [1000, 120]);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    handed += n.rowCount;
    await sleep(50);
  }
  await conn.end();
  times.sort((a, b) => a - b);
  const plan = (await owner.query(`EXPLAIN (ANALYZE, BUFFERS, COSTS OFF)
    SELECT d.id FROM notifications d
     WHERE d.status IN ('scheduled', 'sending') AND d.due_at <= now() AND (d.enqueued_at IS NULL OR d.enqueued_at < now() - interval '120 s')
     ORDER BY d.due_at LIMIT 1000 FOR UPDATE SKIP LOCKED`)).rows.map((r) => r['QUERY PLAN']);
  const out = { runs: times.length, handed, p50: times[Math.floor(times.length / 2)], p95: times[Math.floor(times.length * 0.95)], max: times[times.length - 1], plan };
  log(`scheduler pass: p50 ${out.p50.toFixed(2)} ms, p95 ${out.p95.toFixed(2)} ms, max ${out.max.toFixed(2)} ms (${handed} rows handed out)`);
  return out;
}

// ---------------------------------------------------------------------------------------------
function writeReport(env, counts, r) {
  const mb = (b) => `${(b / 2 ** 20).toFixed(0)} MB`;
  const ms = (x) => (x === undefined || x === null ? '–' : `${x}`);
  const ratio = (a, b) => (b ? (a / b).toFixed(2) : '–');
  const ok = (cond) => (cond ? '✅' : '❌');
  const lines = [];
  const date = new Date().toISOString();
  lines.push(`# Benchmark ${date.slice(0, 10)}`, '');
  lines.push(`Run ${date} on ${env.cpus} × ${env.cpuModel}, ${env.memGb} GB, Node ${env.node}, ${env.pg}. Load average at start ${env.load}, at end ${env.loadEnd}.`);
  lines.push(`Dataset: ${counts.practices.toLocaleString('en')} practices, ${counts.sessions.toLocaleString('en')} sessions, ${counts.measurements.toLocaleString('en')} measurements, ${counts.future_notifications.toLocaleString('en')} future notifications (\`npm run seed:scale\`).`);
  lines.push(`autocannon from the bench process, ${CONNECTIONS} connections, ${WARMUP} s warm-up then ${DURATION} s per run; "at half peak" is half the peak's rate evenly paced for ${PACED_DURATION} s, each request's latency counted from when it was due (bench/lib/paced.mjs); the API and the baseline each with a pool of ${POOL_SIZE} connections as role coaching_app, logging at ${appEnv.LOG_LEVEL}; tracing ${TRACING ? `on (OTLP/HTTP to a sink in the bench process, ${tracesReceived.toLocaleString('en')} exports received)` : 'off'}.`);
  lines.push(`"Other CPU" is the share of both cores used by processes outside this benchmark and its PostgreSQL during the run (e.g. another engineer's test suite): above a few percent the figures are noisy. "Stolen" is the share of both vCPUs the hypervisor gave to other machines (steal time in /proc/stat): it varies by the minute and moves every figure with it.`, '');
  lines.push('## Requests', '');
  lines.push('| scenario | API req/s | p50 ms | p99 ms | baseline req/s | p50 ms | p99 ms | ratio | API p99 at half peak | target | met | other CPU | stolen |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|---|:-:|---:|---:|');
  for (const x of r.reads) {
    const rt = x.api.rps / x.base.rps;
    lines.push(`| ${x.title} | ${Math.round(x.api.rps)} | ${ms(x.api.p50)} | ${ms(x.api.p99)} | ${Math.round(x.base.rps)} | ${ms(x.base.p50)} | ${ms(x.base.p99)} | ${ratio(x.api.rps, x.base.rps)} | ${ms(x.apiHalf.p99)} (at ${Math.round(x.apiHalf.rps)}/s) | ≥ 0.8×, p99 < 25 ms | ${ok(rt >= 0.8 && x.apiHalf.p99 < 25)} | ${x.api.otherPct}% | ${x.api.stealPct}% |`);
  }
  for (const x of r.writes) {
    const rt = x.api.rps / x.base.rps;
    lines.push(`| ${x.title} | ${Math.round(x.api.rps)} | ${ms(x.api.p50)} | ${ms(x.api.p99)} | ${Math.round(x.base.rps)} | ${ms(x.base.p50)} | ${ms(x.base.p99)} | ${ratio(x.api.rps, x.base.rps)} | ${ms(x.apiHalf.p99)} (at ${Math.round(x.apiHalf.rps)}/s) | ≥ 0.5× | ${ok(rt >= 0.5)} | ${x.api.otherPct}% | ${x.api.stealPct}% |`);
  }
  const slotRounds = [];
  for (const x of r.booking.filter((b) => b.key === 'slots')) {
    const many = x.rounds.length > 1;
    lines.push(`| ${x.title}${many ? `, median of ${x.rounds.length} interleaved rounds (the median round's figures)` : ''} | ${Math.round(x.api.rps)} | ${ms(x.api.p50)} | ${ms(x.api.p99)} | ${Math.round(x.base.rps)} | ${ms(x.base.p50)} | ${ms(x.base.p99)} | ${x.ratio.toFixed(2)} | ${ms(x.apiHalf.p99)} (at ${Math.round(x.apiHalf.rps)}/s; baseline ${ms(x.baseHalf.p99)} at ${Math.round(x.baseHalf.rps)}/s; median p99 ratio ${x.p99Ratio.toFixed(2)}×) | ≥ 0.8×, p99 ≤ 1.25× baseline's | ${ok(x.ratio >= 0.8 && x.p99Ratio <= 1.25)} | ${x.api.otherPct}% | ${x.api.stealPct}% |`);
    if (many) slotRounds.push(...x.rounds.map((q, i) => `| ${i + 1} (${i % 2 ? 'API first' : 'baseline first'}) | ${Math.round(q.api.rps)} | ${Math.round(q.base.rps)} | ${q.ratio.toFixed(2)} | ${ms(q.apiHalf.p99)} / ${ms(q.baseHalf.p99)} = ${q.p99Ratio.toFixed(2)}× |`));
  }
  if (slotRounds.length) lines.push('', 'The slots rounds:', '', '| round | API req/s | baseline req/s | ratio | p99 at half peak, API / baseline |', '|---|---:|---:|---:|---:|', ...slotRounds);
  for (const x of r.booking.filter((b) => b.key === 'booking')) {
    const c = x.contention;
    lines.push('', `Booking under contention (${CONNECTIONS} connections, clients of one coach booking random quarter hours of one week, ${DURATION} s): ${Math.round(c.rps)} req/s, p50 ${c.p50} ms, p99 ${c.p99} ms; ${c.created} booked (201), ${c.refused} refused (409 slot-unavailable), ${c.errors} errors; ${c.booked} sessions in the week afterwards, ${c.clashes} overlapping another within the buffer ${ok(c.clashes === 0 && c.errors === 0 && c.booked >= c.created && c.booked <= c.created + CONNECTIONS)} (a request still in flight when the run stops may book without being counted). Other CPU ${c.otherPct}%, stolen ${c.stealPct}%.`);
  }
  const slotParity = r.booking.filter((b) => b.key === 'slots').map((b) => `slots ${b.parity ? 'same' : 'DIFFERENT'}`);
  const errs = [...r.reads, ...r.writes, ...r.booking.filter((b) => b.api).flatMap((b) => b.rounds ?? [b])].flatMap((x) => [x.api, x.base, x.apiHalf, x.baseHalf].filter(Boolean)).filter((x) => x.non2xx);
  lines.push('', errs.length ? `Non-2xx or failed responses: ${errs.map((x) => `${x.label} ${x.non2xx}${x.statuses ? ` (${x.statuses})` : ''}`).join(', ')}.` : 'Every response was 2xx.');
  lines.push(`Same JSON from the API and the baseline for sampled requests: ${[...r.parity.map((p) => `${p.name} ${p.same}/${p.n}`), ...slotParity].join(', ')}.`);
  lines.push('', '## Reminders, scheduler, memory', '');
  lines.push('| measure | result | baseline | target | met |');
  lines.push('|---|---:|---:|---|:-:|');
  if (r.reminders) {
    const m = r.reminders;
    lines.push(`| reminder delivery: ${m.n.toLocaleString('en')} due at once, real worker → SMTP sink | ${m.perSecond}/s (${m.received} in ${(m.elapsedMs / 1000).toFixed(1)} s, other CPU ${m.otherPct}%, stolen ${m.stealPct}%) | bare BullMQ worker, no-op jobs: ${m.bare.perSecond}/s | ≥ 2,000/s | ${ok(m.perSecond >= 2000)} |`);
  }
  if (r.scheduler) {
    const s = r.scheduler;
    lines.push(`| scheduler pass (dispatch SQL, notifications + webhook deliveries), ${r.storedFuture.toLocaleString('en')} future notifications stored | p50 ${s.p50.toFixed(2)} ms, p95 ${s.p95.toFixed(2)} ms, max ${s.max.toFixed(2)} ms over ${s.runs} passes | – | < 10 ms | ${ok(s.p95 < 10)} |`);
  }
  if (r.memory.max) lines.push(`| API memory (RSS) under load | max ${mb(r.memory.max)} (idle ${mb(r.memory.idle)}, after ${mb(r.memory.end)}) | – | < 300 MB | ${ok(r.memory.max < 300 * 2 ** 20)} |`);
  if (r.reminders) lines.push(`| worker memory (RSS) while sending | max ${mb(r.reminders.workerRss)} | – | – | |`);
  if (r.scheduler) lines.push('', 'The pass\'s notification query with nothing due:', '', '```', ...r.scheduler.plan, '```');
  lines.push('', '## All runs', '', '| run | req/s | p50 ms | p99 ms | requests | non-2xx | other CPU | stolen |', '|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const x of [...r.reads, ...r.writes, ...r.booking.filter((b) => b.api).flatMap((b) => b.rounds ?? [b])].flatMap((x) => [x.base, x.api, x.apiHalf, x.baseHalf].filter(Boolean))) {
    lines.push(`| ${x.label} | ${Math.round(x.rps)} | ${x.p50} | ${x.p99} | ${x.total} | ${x.non2xx} | ${x.otherPct}% | ${x.stealPct}% |`);
  }
  const text = lines.join('\n') + '\n';
  const dir = join(root, 'bench', 'results');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${date.slice(0, 10)}.md`);
  writeFileSync(file, text);
  writeFileSync(join(dir, 'latest.md'), text);
  log(`report: ${file}`);
  console.log('\n' + text);
}

const cleanup = async () => Promise.all(children.map(stop));
process.on('SIGINT', () => cleanup().then(() => process.exit(130)));
main().then(
  () => cleanup().then(() => process.exit(0)),
  async (err) => {
    console.error(err);
    await cleanup();
    process.exit(1);
  },
);
