// node bench/reminders.mjs: reminder delivery on its own, with the recipients the product has now (coach
// accounts, client accounts and clients without one) and their preferences on the path. The built worker
// (dist/, `npm run build` first) sends N due reminders into an SMTP sink with one worker process, then with
// two; the bare BullMQ no-op worker runs N jobs on the same Redis in the same run; then the exactly-once
// run: N reminders through a worker SIGKILL, a Redis FLUSHALL and two workers, counted at the sink.
// Writes bench/results/reminders-<date>.md.
//
// Environment: BENCH_DATABASE_URL (an empty database, migrated here; dropped objects are not reused),
// BENCH_REDIS_URL, BENCH_REMINDERS (10000), BENCH_PORT (3400: the API for the set-up, then the worker's
// health, the SMTP sink), BENCH_CONCURRENCY (the worker's WORKER_CONCURRENCY, default as in production),
// BENCH_SMTP_CONNECTIONS (its SMTP_MAX_CONNECTIONS, default as in production).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { createWriteStream, mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { Redis } = require('ioredis');
const { SMTPServer } = require('smtp-server');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const DB_URL = process.env.BENCH_DATABASE_URL;
const REDIS_URL = process.env.BENCH_REDIS_URL;
if (!DB_URL || !REDIS_URL) {
  console.error('BENCH_DATABASE_URL (an empty database) and BENCH_REDIS_URL are required');
  process.exit(2);
}
const N = Number(process.env.BENCH_REMINDERS ?? 10000);
const PORT = Number(process.env.BENCH_PORT ?? 3400);
const SMTP_PORT = PORT + 1;
const RUN = Date.now().toString(36);
const JWT_SECRET = randomBytes(36).toString('base64url');
const appEnv = {
  NODE_ENV: 'production',
  DATABASE_URL: DB_URL,
  REDIS_URL,
  REDIS_PREFIX: `bench-rem-${RUN}`,
  JWT_SECRET,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? 'warn',
  PUBLIC_URL: 'https://coaching.example',
  ...(process.env.BENCH_CONCURRENCY ? { WORKER_CONCURRENCY: process.env.BENCH_CONCURRENCY } : {}),
  ...(process.env.BENCH_SMTP_CONNECTIONS ? { SMTP_MAX_CONNECTIONS: process.env.BENCH_SMTP_CONNECTIONS } : {}),
};

const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(0).padStart(4)} s] ${msg}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const logsDir = join(root, '.data', 'bench');
mkdirSync(logsDir, { recursive: true });

const children = new Set();
function start(name, args, env) {
  const out = createWriteStream(join(logsDir, `${name}.log`));
  const child = spawn(process.execPath, args, { cwd: root, env: { PATH: process.env.PATH, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.pipe(out);
  child.stderr.pipe(out);
  children.add(child);
  child.on('exit', () => children.delete(child));
  return child;
}
async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  await Promise.race([once(child, 'exit'), sleep(15_000).then(() => child.kill('SIGKILL'))]);
}
async function waitHttp(url, ms = 60_000) {
  for (const until = Date.now() + ms; Date.now() < until; await sleep(200)) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not up yet
    }
  }
  throw new Error(`${url} did not answer`);
}
process.on('exit', () => children.forEach((c) => c.kill('SIGKILL')));

// CPU accounting: the share of both cores other processes took meanwhile is printed with each run.
function cpuSnapshot() {
  return cpus().reduce((a, c) => ({ idle: a.idle + c.times.idle, total: a.total + Object.values(c.times).reduce((x, y) => x + y, 0) }), { idle: 0, total: 0 });
}

// ---------------------------------------------------------------------------------------------
// The SMTP sink: counts messages by Message-ID; `hold` stops answering (a worker killed meanwhile never
// learns a held message was taken, so it is not delivered).
const seen = new Map();
let hold = false;
let lastAt = 0;
/** Sessions whose client went away: a message answered after that was never learnt to be taken. */
const closed = new Set();
const sink = new SMTPServer({
  authOptional: true,
  disableReverseLookup: true,
  disabledCommands: ['STARTTLS', 'AUTH'],
  logger: false,
  onClose(session) {
    closed.add(session.id);
  },
  onData(stream, session, callback) {
    let head = '';
    stream.on('data', (c) => {
      if (head.length < 8192) head += c.toString('utf8');
    });
    stream.on('end', () => {
      const answer = () => {
        if (closed.has(session.id) || session._socket?.destroyed) return callback(new Error('gone'));
        const m = /^Message-ID:\s*<([^@>]+)@/im.exec(head);
        if (m) {
          seen.set(m[1], (seen.get(m[1]) ?? 0) + 1);
          lastAt = Date.now();
        }
        callback();
      };
      if (hold) setTimeout(answer, 5000);
      else answer();
    });
  },
});
sink.on('error', () => undefined);

// ---------------------------------------------------------------------------------------------
async function migrateAndSeed() {
  log('migrating');
  const m = start('migrate', ['dist/apps/cli/src/migrate.js'], appEnv);
  const [code] = await once(m, 'exit');
  if (code !== 0) throw new Error('migration failed; see .data/bench/migrate.log');
  const api = start('api', ['dist/apps/api/src/main.js'], { ...appEnv, PORT: String(PORT), AUTH_RATE_LIMIT_PER_MINUTE: '100000', API_RATE_LIMIT_PER_MINUTE: '100000' });
  try {
    await waitHttp(`http://127.0.0.1:${PORT}/health/live`);
    const http = async (method, path, body, token) => {
      const res = await fetch(`http://127.0.0.1:${PORT}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
      if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
      return res.json();
    };
    const password = randomBytes(12).toString('hex');
    const owner = await http('POST', '/v1/auth/signup', { practiceName: 'Bench practice', practiceSlug: `bench-${RUN}`, timezone: 'Europe/Berlin', name: 'A Coach', email: `coach-${RUN}@example.test`, password });
    const sessions = [];
    // Ten clients: five with a portal account, five without (reached at the client record).
    for (let i = 0; i < 10; i++) {
      const email = `client-${i}-${RUN}@example.test`;
      const c = await http('POST', '/v1/clients', { name: `Client ${i}`, email, timezone: ['America/New_York', 'Asia/Tokyo', 'Europe/London', 'Australia/Sydney', 'America/Sao_Paulo'][i % 5] }, owner.accessToken);
      let userId = null;
      if (i < 5) {
        const inv = await http('POST', '/v1/invitations', { email, role: 'client', clientId: c.id }, owner.accessToken);
        userId = (await http('POST', '/v1/invitations/accept', { token: inv.token, name: `Client ${i}`, password })).user.id;
      }
      const e = await http('POST', '/v1/engagements', { clientId: c.id, title: 'Bench', startsOn: '2026-11-01', reviewCadence: 'none' }, owner.accessToken);
      await http('PATCH', `/v1/engagements/${e.id}`, { status: 'active' }, owner.accessToken);
      const s = await http('POST', `/v1/engagements/${e.id}/sessions`, { startsAt: new Date(Date.UTC(2031, 0, 1 + i, 9)).toISOString(), durationMinutes: 60 }, owner.accessToken);
      sessions.push({ id: s.id, clientId: c.id, userId });
    }
    // Preferences on the path: some recipients have a row (in-app reminders off: email still goes).
    await http('PUT', '/v1/me/notification-preferences', { inApp: { session_reminder: false } }, owner.accessToken);
    return { practiceId: owner.practice.id, coachId: owner.user.id, sessions };
  } finally {
    await stop(api);
  }
}

/** N due email reminders: a third to the coach, a third to client accounts, a third to clients without one. */
async function makeDue(db, world, tag) {
  const { rows } = await db.query(
    `INSERT INTO notifications (id, practice_id, kind, recipient_user_id, recipient_client_id, channel, subject_type, subject_id, data, due_at, status, attempts, unique_key)
     SELECT gen_random_uuid(), $1, 'session_reminder',
            CASE WHEN i % 3 = 0 THEN $2::uuid WHEN i % 3 = 1 THEN (s->>'userId')::uuid END,
            CASE WHEN i % 3 = 2 THEN (s->>'clientId')::uuid END,
            'email', 'session', (s->>'id')::uuid,
            jsonb_build_object('sessionId', s->>'id', 'startsAt', '2031-01-01T09:00:00.000Z', 'offsetMinutes', 60, 'sequence', 0), now(), 'scheduled', 0,
            'session_reminder:' || (s->>'id') || ':bench-' || $4 || '-' || i || ':email'
       FROM generate_series(0, $3 - 1) AS i,
            LATERAL (SELECT $5::jsonb -> (CASE WHEN i % 3 = 1 THEN (i / 3) % 5 ELSE 5 + (i / 3) % 5 END)::int AS s) x
     RETURNING id`,
    [world.practiceId, world.coachId, N, `${RUN}-${tag}`, JSON.stringify(world.sessions)],
  );
  return rows;
}

async function idle(db) {
  for (let quiet = 0; quiet < 3; await sleep(500)) {
    const { rows: [d] } = await db.query(`SELECT count(*)::int AS n FROM notifications WHERE status IN ('scheduled', 'sending') AND due_at <= now()`);
    quiet = d.n === 0 ? quiet + 1 : 0;
  }
}

let healthPort = PORT + 10;
function worker(name) {
  // BENCH_CPU_PROFILE=dir: each worker writes a V8 CPU profile there when it stops.
  const profile = process.env.BENCH_CPU_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROFILE}`, `--cpu-prof-name=${name}.cpuprofile`] : [];
  return start(name, [...profile, 'dist/apps/worker/src/main.js'], { ...appEnv, SMTP_URL: `smtp://127.0.0.1:${SMTP_PORT}`, WORKER_HEALTH_PORT: String(healthPort++) });
}

async function throughput(db, world, workers) {
  const procs = Array.from({ length: workers }, (_, i) => worker(`worker-${workers}-${i}`));
  try {
    await Promise.all(procs.map((_, i) => waitHttp(`http://127.0.0.1:${healthPort - workers + i}/health/live`)));
    await idle(db);
    seen.clear();
    const cpu0 = cpuSnapshot();
    const l0 = loadavg()[0];
    const started = Date.now();
    await makeDue(db, world, `w${workers}`);
    while (seen.size < N && Date.now() - started < 300_000) await sleep(50);
    const elapsed = lastAt - started;
    const cpu1 = cpuSnapshot();
    const twice = [...seen.values()].filter((v) => v > 1).length;
    const out = { workers, received: seen.size, twice, elapsedMs: elapsed, perSecond: Math.round((seen.size * 1000) / elapsed), busyPct: Math.round(100 * (1 - (cpu1.idle - cpu0.idle) / (cpu1.total - cpu0.total))), load: `${l0.toFixed(2)} → ${loadavg()[0].toFixed(2)}` };
    log(`${workers} worker(s): ${out.received}/${N} in ${elapsed} ms = ${out.perSecond}/s, ${twice} twice, CPU busy ${out.busyPct}%`);
    return out;
  } finally {
    await Promise.all(procs.map(stop));
  }
}

async function bare() {
  const b = start('bare-worker', ['bench/bare-worker.mjs'], { REDIS_URL, REDIS_PREFIX: `bench-rem-${RUN}-bare`, JOBS: String(N), CONCURRENCY: '16' });
  let text = '';
  b.stdout.on('data', (c) => (text += c));
  await once(b, 'exit');
  const out = JSON.parse(text.trim().split('\n').pop());
  log(`bare BullMQ worker: ${out.perSecond} jobs/s`);
  return out;
}

async function exactlyOnce(db, world) {
  await idle(db);
  seen.clear();
  const a = worker('worker-killed');
  await waitHttp(`http://127.0.0.1:${healthPort - 1}/health/live`);
  const rows = await makeDue(db, world, 'once');
  const started = Date.now();
  while (seen.size < N / 5 && Date.now() - started < 120_000) await sleep(20);
  // The sink stops answering; once every message it answered has its mark (the one window no claim
  // can close, a message taken and its mark lost, is not what this counts) the worker is killed. The
  // messages held are, for the worker, never sent.
  hold = true;
  const marked = async () => (await db.query(`SELECT count(*)::int AS n FROM notifications WHERE id = ANY ($1::uuid[]) AND status = 'sent'`, [rows.map((r) => r.id)])).rows[0].n;
  for (const until = Date.now() + 30_000; Date.now() < until && (await marked()) < seen.size; ) await sleep(50);
  a.kill('SIGKILL');
  await once(a, 'exit');
  const atKill = seen.size;
  hold = false;
  const redis = new Redis(REDIS_URL);
  await redis.flushall();
  await redis.quit();
  log(`exactly once: worker killed after ${atKill} messages; Redis flushed; two workers take over`);
  const procs = [worker('worker-after-1'), worker('worker-after-2')];
  while (seen.size < N && Date.now() - started < 600_000) await sleep(100);
  await sleep(6000); // past a requeue interval: nothing goes out again
  await Promise.all(procs.map(stop));
  const { rows: st } = await db.query(`SELECT status, count(*)::int AS n FROM notifications WHERE id = ANY ($1::uuid[]) GROUP BY status ORDER BY status`, [rows.map((r) => r.id)]);
  const twice = [...seen.values()].filter((v) => v > 1).length;
  const out = { n: N, atKill, received: seen.size, twice, lost: N - seen.size, statuses: st.map((r) => `${r.status} ${r.n}`).join(', '), elapsedMs: Date.now() - started };
  log(`exactly once: ${out.received}/${N} received, ${out.twice} twice, ${out.lost} lost (${out.statuses})`);
  return out;
}

// ---------------------------------------------------------------------------------------------
await new Promise((r) => sink.listen(SMTP_PORT, '127.0.0.1', r));
const db = new pg.Client({ connectionString: DB_URL });
await db.connect();
try {
  const world = await migrateAndSeed();
  const one = await throughput(db, world, 1);
  const two = await throughput(db, world, 2);
  const baseline = await bare();
  // BENCH_THROUGHPUT_ONLY=1: the throughput rows only (for tuning), no exactly-once run and no report.
  if (process.env.BENCH_THROUGHPUT_ONLY) process.exit(0);
  const once_ = await exactlyOnce(db, world);
  const date = new Date().toISOString().slice(0, 10);
  const ratio = (r) => (r.perSecond / baseline.perSecond).toFixed(2);
  const lines = [
    `# Reminder delivery ${date}`,
    '',
    `Run ${new Date().toISOString()} on ${cpus().length} × ${cpus()[0].model.trim()}, Node ${process.version}. ${N.toLocaleString('en')} due email reminders at once: a third to a coach account (with a preferences row), a third to client accounts, a third to clients without an account (reached at the client record). The real worker (\`dist/\`) into an SMTP sink; the bare BullMQ worker (no-op jobs, concurrency 16) on the same Redis, in the same run. CPU busy: both cores, everything on the machine.`,
    '',
    '| run | reminders/s | bare BullMQ no-op jobs/s | ratio | target | met | received | twice | CPU busy | load |',
    '|---|---:|---:|---:|---|:-:|---:|---:|---:|---|',
    ...[one, two].map((r) => `| ${r.workers} worker process${r.workers > 1 ? 'es' : ''} → SMTP sink | ${r.perSecond} | ${baseline.perSecond} | ${ratio(r)} | ≥ 0.2 | ${Number(ratio(r)) >= 0.2 ? '✅' : '❌'} | ${r.received}/${N} | ${r.twice} | ${r.busyPct}% | ${r.load} |`),
    '',
    '| exactly once | result |',
    '|---|---|',
    `| ${N.toLocaleString('en')} reminders, a worker SIGKILLed after ${once_.atKill} (the sink holding its answers, every answered one marked), Redis FLUSHALL, two workers | ${once_.received} received, ${once_.twice} twice, ${once_.lost} lost; rows: ${once_.statuses}; ${(once_.elapsedMs / 1000).toFixed(1)} s |`,
    '',
  ];
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  writeFileSync(join(root, 'bench', 'results', `reminders-${date}.md`), lines.join('\n'));
  console.log(lines.join('\n'));
} finally {
  await db.end();
  await new Promise((r) => sink.close(r));
}
process.exit(0);
