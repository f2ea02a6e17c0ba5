// npm run seed:scale: loads the benchmark dataset into SCALE_DATABASE_URL (default: coaching_scale on
// the `npm start` instance) with set-based INSERT ... SELECT generate_series, all generated server-side:
// 1,000 practices, 10,000 coaches, 100,000 clients and engagements, 1,000,000 sessions with agendas,
// 300,000 goals with 400,000 metrics and 3,000,000 measurements, 1,000,000 future notifications.
//
//   npm run seed:scale                 load once (a seeded database is left alone, its credentials printed)
//   npm run seed:scale -- --reset      empty the tenant tables and load again
//   SEED_SCALE=0.01 npm run seed:scale  a proportionally smaller dataset (quick checks)
//
// Runs as the table owner (row-level security does not apply to it). Secondary indexes and
// foreign keys are dropped for the load and re-created after it: re-adding a foreign key checks every
// row, so the result is validated against the schema, not merely assumed to fit. Needs `npm run build`
// (migrations are applied with the built CLI first).
import { execFileSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { benchApiKey, BENCH_PASSWORD, DEFAULT_SCALE_URL, ID_KIND, idSql, withSid } from './lib/scale.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const argon2 = require('argon2');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const url = process.env.SCALE_DATABASE_URL ?? DEFAULT_SCALE_URL;
const reset = process.argv.includes('--reset');
const scale = Number(process.env.SEED_SCALE ?? '1');
if (!(scale > 0 && scale <= 1)) throw new Error('SEED_SCALE must be in (0, 1]');

/** Per practice: 10 coaches, 100 clients (one engagement each), 10 sessions and 3 goals per engagement. */
const P = Math.max(2, Math.round(1000 * scale));
const COACHES = 10;
const CLIENTS = 100;
const SESSIONS = 10;
const GOALS = 3;
const AGENDA = 3;
const NOTIFICATIONS = Math.round(1_000_000 * (P / 1000));
/** Practices that get the benchmark's API keys (a coach key and an owner key each). */
const KEYED_PRACTICES = Math.min(P, 50);

const t0 = Date.now();
const log = (msg) => console.log(`[${((Date.now() - t0) / 1000).toFixed(1).padStart(6)} s] ${msg}`);

async function ensureDatabase() {
  const u = new URL(url);
  const name = decodeURIComponent(u.pathname.slice(1));
  const adminUrl = new URL(url);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
  if (!rowCount) {
    await admin.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
    log(`created database ${name}`);
  }
  await admin.end();
  execFileSync(process.execPath, [join(root, 'dist/apps/cli/src/migrate.js')], { stdio: 'inherit', env: { ...process.env, DATABASE_URL: url } });
}

const connect = async () => {
  const c = new pg.Client({ connectionString: url, application_name: 'seed-scale' });
  await c.connect();
  // The owner bypasses nothing by accident: these settings only make the bulk load cheaper.
  await c.query(`SET synchronous_commit = off; SET work_mem = '256MB'; SET maintenance_work_mem = '1GB'; SET jit = off`);
  await c.query(idSql);
  return c;
};

// Tables the load writes; their secondary indexes and constraints are rebuilt after it.
const TABLES = ['practices', 'users', 'clients', 'engagements', 'sessions', 'agenda_items', 'action_items', 'goals', 'goal_revisions', 'metrics', 'measurements', 'milestones', 'reviews', 'notifications', 'api_keys'];

async function dropSecondary(c) {
  await c.query(`CREATE TABLE IF NOT EXISTS seed_scale_ddl (ord serial PRIMARY KEY, ddl text NOT NULL)`);
  const { rows: saved } = await c.query('SELECT count(*)::int AS n FROM seed_scale_ddl');
  if (saved[0].n) return; // an interrupted run saved them already; they are restored at the end
  await c.query(
    `INSERT INTO seed_scale_ddl (ddl)
     SELECT ddl FROM (
       SELECT 1 AS phase, format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)) AS ddl, conname AS name
         FROM pg_constraint WHERE conrelid = ANY($1::regclass[]) AND contype = 'x'
       UNION ALL
       SELECT 0, pg_get_indexdef(i.indexrelid), c.relname
         FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
        WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary
          AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)
       UNION ALL
       SELECT 2, format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, pg_get_constraintdef(oid)), conname
         FROM pg_constraint WHERE contype = 'f' AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[]))
     ) d ORDER BY phase, name`,
    [TABLES],
  );
  const { rows: fks } = await c.query(`SELECT conrelid::regclass AS t, conname FROM pg_constraint WHERE contype IN ('f', 'x') AND (conrelid = ANY($1::regclass[]) OR confrelid = ANY($1::regclass[]))`, [TABLES]);
  for (const r of fks) await c.query(`ALTER TABLE ${r.t} DROP CONSTRAINT "${r.conname}"`);
  const { rows: idx } = await c.query(
    `SELECT i.indexrelid::regclass AS name FROM pg_index i WHERE i.indrelid = ANY($1::regclass[]) AND NOT i.indisprimary
       AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)`,
    [TABLES],
  );
  for (const r of idx) await c.query(`DROP INDEX ${r.name}`);
  log(`dropped ${idx.length} secondary indexes and ${fks.length} constraints for the load`);
}

/** Indexes first (two connections in parallel), then the exclusion constraint, then every foreign key (each validates all rows). */
async function restoreSecondary(c1, c2) {
  const { rows } = await c1.query('SELECT ddl FROM seed_scale_ddl ORDER BY ord');
  const indexes = rows.filter((r) => r.ddl.startsWith('CREATE')).map((r) => r.ddl);
  const constraints = rows.filter((r) => !r.ddl.startsWith('CREATE')).map((r) => r.ddl);
  const runAll = async (list) => {
    const queue = [...list];
    await Promise.all([c1, c2].map(async (c) => {
      for (let ddl = queue.shift(); ddl; ddl = queue.shift()) await c.query(ddl);
    }));
  };
  await runAll(indexes);
  log(`re-created ${indexes.length} indexes`);
  // Foreign keys on one table take a lock that conflicts with another on the same table: one connection.
  for (const ddl of constraints) await c1.query(ddl);
  log(`re-added ${constraints.length} constraints (exclusion and foreign keys, each checked against every row)`);
  await c1.query('DROP TABLE seed_scale_ddl');
}

async function emptyTables(c) {
  await c.query(`TRUNCATE ${[...TABLES, 'audit_events', 'domain_events', 'refresh_tokens', 'invitations', 'review_entries', 'mail_messages', 'webhook_endpoints', 'webhook_deliveries', 'idempotency_records'].join(', ')} CASCADE`);
  log('emptied the tenant tables');
}

async function load(c1, c2, passwordHash) {
  const v = { P, COACHES, CLIENTS, SESSIONS, GOALS, AGENDA };
  const q = (c, label, sql, params = []) =>
    c.query(withSid(sql), params).then((r) => {
      log(`${label}: ${r.rowCount.toLocaleString('en')} rows`);
      return r;
    });
  const K = ID_KIND;

  await q(c1, 'practices', `
    INSERT INTO practices (id, name, slug, timezone, reminder_offsets_minutes, default_review_cadence, stalled_after_days, created_at, updated_at)
    SELECT sid(${K.practice}, p), 'Scale Practice ' || p, 'scale-' || lpad(p::text, 4, '0'),
           (ARRAY['Europe/London','America/New_York','Europe/Berlin','Australia/Sydney','America/Los_Angeles','Asia/Singapore'])[1 + p % 6],
           '{1440,60}', 'monthly', 14, now() - interval '400 days', now() - interval '400 days'
      FROM generate_series(0, $1 - 1) p`, [P]);

  // Users: per practice slot 0 the owner, 1..10 the coaches, 100 + c the client user of client c (60% of clients).
  await q(c1, 'users (owners, coaches, client users)', `
    INSERT INTO users (id, practice_id, email, name, role, timezone, quiet_hours, password_hash, client_id, created_at, updated_at)
    SELECT sid(${K.user}, p * 200 + s), sid(${K.practice}, p),
           CASE WHEN s = 0 THEN 'owner' WHEN s <= ${v.COACHES} THEN 'coach' || (s - 1) ELSE 'client' || (s - 100) END || '@scale' || p || '.example',
           CASE WHEN s = 0 THEN 'Owner ' || p WHEN s <= ${v.COACHES} THEN 'Coach ' || p || '-' || (s - 1) ELSE 'Client ' || p || '-' || (s - 100) END,
           CASE WHEN s = 0 THEN 'owner' WHEN s <= ${v.COACHES} THEN 'coach' ELSE 'client' END,
           (ARRAY['Europe/London','America/New_York','Europe/Berlin','Australia/Sydney','America/Los_Angeles','Asia/Singapore'])[1 + (p + s) % 6],
           CASE WHEN s % 4 = 1 THEN '{"start": "21:00", "end": "07:00"}'::jsonb END,
           $2, CASE WHEN s >= 100 THEN sid(${K.client}, p * ${v.CLIENTS} + s - 100) END,
           now() - interval '390 days', now() - interval '390 days'
      FROM generate_series(0, $1 - 1) p
     CROSS JOIN LATERAL (SELECT s FROM generate_series(0, ${v.COACHES}) s UNION ALL SELECT 100 + c FROM generate_series(0, ${v.CLIENTS} - 1) c WHERE c % 5 < 3) x`, [P, passwordHash]);

  // Clients: client c of a practice is coached by coach c % 10.
  await q(c1, 'clients', `
    INSERT INTO clients (id, practice_id, name, email, timezone, coach_id, status, user_id, created_at, updated_at)
    SELECT sid(${K.client}, p * ${v.CLIENTS} + c), sid(${K.practice}, p), 'Client ' || p || '-' || c, 'client' || c || '@scale' || p || '.example',
           (ARRAY['Europe/London','America/New_York','Europe/Berlin','Australia/Sydney','America/Los_Angeles','Asia/Singapore'])[1 + (p + c) % 6],
           sid(${K.user}, p * 200 + 1 + c % ${v.COACHES}), 'active',
           CASE WHEN c % 5 < 3 THEN sid(${K.user}, p * 200 + 100 + c) END, now() - interval '380 days', now() - interval '380 days'
      FROM generate_series(0, $1 - 1) p, generate_series(0, ${v.CLIENTS} - 1) c`, [P]);

  // One engagement per client, mostly active, started months ago.
  await q(c1, 'engagements', `
    INSERT INTO engagements (id, practice_id, client_id, coach_id, title, starts_on, ends_on, planned_sessions, session_cadence, review_cadence, status, activated_at, created_at, updated_at)
    SELECT sid(${K.engagement}, e), sid(${K.practice}, p), sid(${K.client}, e), sid(${K.user}, p * 200 + 1 + c % ${v.COACHES}),
           (ARRAY['Leadership transition','Career change','Executive presence','Work-life balance','Team performance'])[1 + e % 5] || ' ' || c,
           (now() - interval '70 days' - (e % 30) * interval '1 day')::date, (now() + interval '200 days')::date,
           12 + e % 13, (ARRAY['weekly','biweekly','monthly'])[1 + e % 3], 'monthly',
           CASE WHEN e % 20 = 0 THEN 'paused' ELSE 'active' END,
           now() - interval '70 days' - (e % 30) * interval '1 day', now() - interval '75 days', now() - interval '75 days'
      FROM generate_series(0, $1 - 1) p, generate_series(0, ${v.CLIENTS} - 1) c, LATERAL (SELECT p * ${v.CLIENTS} + c AS e) x`, [P]);

  // Sessions and goals are independent of each other: two connections.
  await Promise.all([loadSessions(c1, q, v), loadGoals(c2, q, v)]);
  await Promise.all([loadNotifications(c1, q, v), loadReviewsAndKeys(c2, q, v)]);
}

async function loadSessions(c, q, v) {
  const K = ID_KIND;
  // Session i of the engagement of client c takes coach slot k = i * 10 + c / 10 (0..99). Slot k falls on
  // weekday floor(0.8 k) of a 16-week window (8 past, 8 future) at 09:00 + (k % 5) × 90 min, at most 90
  // minutes long: two slots of one coach never share a day and an hour, so a coach never overlaps.
  await q(c, 'sessions', `
    INSERT INTO sessions (id, practice_id, engagement_id, coach_id, client_id, starts_at, duration_minutes, ends_at, location, video_url,
                          status, shared_summary, private_notes, sequence, cancel_reason, completed_at, cancelled_at, created_at, updated_at)
    SELECT sid(${K.session}, n), sid(${K.practice}, p), sid(${K.engagement}, e), sid(${K.user}, p * 200 + 1 + c % ${v.COACHES}), sid(${K.client}, e),
           t, dur, t + dur * interval '1 minute',
           CASE WHEN n % 3 = 0 THEN 'Room ' || (1 + n % 7) END, CASE WHEN n % 3 <> 0 THEN 'https://meet.example/' || n END,
           st, CASE WHEN st = 'completed' THEN 'We reviewed progress and agreed next steps.' END,
           CASE WHEN st = 'completed' THEN 'Energy was good; follow up on delegation.' END,
           0, CASE WHEN st = 'cancelled' THEN 'Client unavailable' END,
           CASE WHEN st = 'completed' THEN t + dur * interval '1 minute' END, CASE WHEN st = 'cancelled' THEN t - interval '1 day' END,
           least(t, now()) - interval '14 days', least(t, now()) - interval '14 days'
      FROM generate_series(0, $1 - 1) p, generate_series(0, ${v.CLIENTS} - 1) c, generate_series(0, ${v.SESSIONS} - 1) i,
      LATERAL (SELECT p * ${v.CLIENTS} + c AS e, (p * ${v.CLIENTS} + c) * ${v.SESSIONS} + i AS n, i * 10 + c / 10 AS k) a,
      LATERAL (SELECT date_trunc('week', now()) - interval '8 weeks' + ((a.k * 4 / 5) / 5 * 7 + (a.k * 4 / 5) % 5) * interval '1 day'
                      + interval '9 hours' + (a.k % 5) * interval '90 minutes' AS t,
                      (ARRAY[45, 60, 60, 90])[1 + a.n % 4] AS dur) b,
      LATERAL (SELECT CASE WHEN b.t > now() THEN CASE WHEN a.n % 33 = 7 THEN 'cancelled' ELSE 'scheduled' END
                           WHEN a.n % 100 < 88 THEN 'completed' WHEN a.n % 100 < 95 THEN 'cancelled' ELSE 'no_show' END AS st) s`, [v.P]);

  // The agenda: an objective, a topic and a barrier or an outcome per session.
  await q(c, 'agenda items', `
    INSERT INTO agenda_items (id, practice_id, session_id, kind, text, "order", proposed_by, proposed_by_id, goal_id, achieved, achieved_at, strategy, metric_id, target, result, created_at, updated_at)
    SELECT sid(${K.agenda}, s.n * ${v.AGENDA} + j), sid(${K.practice}, s.p), sid(${K.session}, s.n), kind,
           CASE kind WHEN 'objective' THEN 'Agree the next step on goal ' || (s.n % 3) WHEN 'topic' THEN 'Review the week' WHEN 'barrier' THEN 'Time pressure from meetings' ELSE 'Weekly focus hours' END,
           j + 1, CASE WHEN j = 1 AND s.e % 5 < 3 THEN 'client' ELSE 'coach' END,
           CASE WHEN j = 1 AND s.e % 5 < 3 THEN sid(${K.user}, s.p * 200 + 100 + s.e % ${v.CLIENTS}) ELSE sid(${K.user}, s.p * 200 + 1 + (s.e % ${v.CLIENTS}) % ${v.COACHES}) END,
           CASE WHEN kind = 'objective' THEN sid(${K.goal}, s.e * ${v.GOALS} + s.n % ${v.GOALS}) END,
           CASE WHEN kind = 'objective' AND s.past THEN s.n % 4 <> 0 END, CASE WHEN kind = 'objective' AND s.past AND s.n % 4 <> 0 THEN s.t + interval '1 hour' END,
           CASE WHEN kind = 'barrier' THEN 'Block two mornings a week' END,
           CASE WHEN kind = 'outcome' THEN sid(${K.metric}, (s.e * ${v.GOALS}) * 2) END, CASE WHEN kind = 'outcome' THEN 10 END,
           CASE WHEN kind = 'outcome' AND s.past THEN 6 + s.n % 5 END, s.t - interval '7 days', s.t - interval '7 days'
      FROM (SELECT p, e, n, i, t, t < now() AS past
              FROM generate_series(0, $1 - 1) p, generate_series(0, ${v.CLIENTS} - 1) c, generate_series(0, ${v.SESSIONS} - 1) i,
              LATERAL (SELECT p * ${v.CLIENTS} + c AS e, (p * ${v.CLIENTS} + c) * ${v.SESSIONS} + i AS n, i * 10 + c / 10 AS k) a,
              LATERAL (SELECT date_trunc('week', now()) - interval '8 weeks' + ((a.k * 4 / 5) / 5 * 7 + (a.k * 4 / 5) % 5) * interval '1 day'
                              + interval '9 hours' + (a.k % 5) * interval '90 minutes' AS t) b) s,
      LATERAL (SELECT j, CASE j WHEN 0 THEN 'objective' WHEN 1 THEN 'topic' ELSE CASE WHEN s.n % 2 = 0 THEN 'barrier' ELSE 'outcome' END END AS kind
                 FROM generate_series(0, ${v.AGENDA} - 1) j) x`, [v.P]);

  // An action item from every other completed session; older ones mostly done.
  await q(c, 'action items', `
    INSERT INTO action_items (id, practice_id, session_id, engagement_id, client_id, title, due_on, goal_id, done, done_at, created_at, updated_at)
    SELECT sid(${K.actionItem}, s.n), s.practice_id, s.id, s.engagement_id, s.client_id, 'Practise the agreed habit',
           (s.starts_at + interval '7 days')::date, sid(${K.goal}, (s.n / ${v.SESSIONS}) * ${v.GOALS}),
           s.starts_at < now() - interval '21 days', CASE WHEN s.starts_at < now() - interval '21 days' THEN s.starts_at + interval '5 days' END,
           s.ends_at, s.ends_at
      FROM (SELECT x.*, (('x' || right(replace(x.id::text, '-', ''), 15))::bit(60)::bigint) AS n FROM sessions x WHERE x.status = 'completed') s
     WHERE s.n % 2 = 0`);
}

async function loadGoals(c, q, v) {
  const K = ID_KIND;
  // Three goals per engagement: mostly agreed, some achieved, proposed, draft, changes requested or abandoned.
  await q(c, 'goals', `
    INSERT INTO goals (id, practice_id, engagement_id, parent_goal_id, title, description, specific, measurable, achievable, relevant, target_date,
                       priority, version, status, agreed_at, agreed_by_id, achieved_at, abandoned_at, changes_requested_comment, created_at, updated_at)
    SELECT sid(${K.goal}, g), sid(${K.practice}, p), sid(${K.engagement}, e), NULL,
           (ARRAY['Delegate weekly reporting','Run effective 1:1s','Speak up in leadership meetings','Protect focus time','Build a hiring plan'])[1 + g % 5],
           'A goal agreed in the first sessions.', 'Hand over the weekly report to the team lead', 'Hours per week spent on reporting',
           'The team lead has capacity from next quarter', 'Frees time for strategic work', (now() + interval '120 days')::date,
           (ARRAY['low','medium','high'])[1 + g % 3], 1, st,
           CASE WHEN st IN ('agreed','achieved') THEN now() - interval '50 days' END,
           CASE WHEN st IN ('agreed','achieved') AND c % 5 < 3 THEN sid(${K.user}, p * 200 + 100 + c) END,
           CASE WHEN st = 'achieved' THEN now() - interval '5 days' END, CASE WHEN st = 'abandoned' THEN now() - interval '20 days' END,
           CASE WHEN st = 'changes_requested' THEN 'Make the target more ambitious' END,
           now() - interval '60 days', now() - interval '50 days'
      FROM generate_series(0, $1 - 1) p, generate_series(0, ${v.CLIENTS} - 1) c, generate_series(0, ${v.GOALS} - 1) gi,
      LATERAL (SELECT p * ${v.CLIENTS} + c AS e, (p * ${v.CLIENTS} + c) * ${v.GOALS} + gi AS g) a,
      LATERAL (SELECT CASE WHEN a.g % 20 < 12 THEN 'agreed' WHEN a.g % 20 < 14 THEN 'achieved' WHEN a.g % 20 < 16 THEN 'proposed'
                           WHEN a.g % 20 < 18 THEN 'draft' WHEN a.g % 20 = 18 THEN 'changes_requested' ELSE 'abandoned' END AS st) s`, [v.P]);

  await q(c, 'goal revisions', `
    INSERT INTO goal_revisions (id, practice_id, goal_id, version, terms, proposed_by_id, proposed_at, agreed_by_id, agreed_at, changes_requested_comment)
    SELECT sid(${K.goalRevision}, n), practice_id, id, 1,
           jsonb_build_object('title', title, 'description', description, 'specific', specific, 'measurable', measurable,
                              'achievable', achievable, 'relevant', relevant, 'targetDate', to_char(target_date, 'YYYY-MM-DD')),
           NULL, created_at + interval '1 day', agreed_by_id, agreed_at, changes_requested_comment
      FROM (SELECT g.*, (('x' || right(replace(g.id::text, '-', ''), 15))::bit(60)::bigint) AS n FROM goals g WHERE g.status <> 'draft') g`);

  // A metric per goal, a second one on every third goal: 400,000 in all.
  await q(c, 'metrics', `
    INSERT INTO metrics (id, practice_id, goal_id, name, unit, baseline, target, created_at)
    SELECT sid(${K.metric}, g * 2 + m), sid(${K.practice}, g / ${v.GOALS * v.CLIENTS}), sid(${K.goal}, g),
           CASE m WHEN 0 THEN 'Hours on reporting' ELSE 'Confidence' END, CASE m WHEN 0 THEN 'hours/week' ELSE 'score' END,
           CASE m WHEN 0 THEN 10 ELSE 4 END, CASE m WHEN 0 THEN 2 ELSE 9 END, now() - interval '58 days'
      FROM generate_series(0, $1 * ${v.CLIENTS * v.GOALS} - 1) g, generate_series(0, 1) m
     WHERE m = 0 OR g % 3 = 0`, [v.P]);

  // 7 measurements on first metrics and 9 on second ones (3,000,000), weekly, drifting toward the target.
  await q(c, 'measurements', `
    INSERT INTO measurements (id, practice_id, metric_id, value, recorded_at, recorded_by_id, note, created_at)
    SELECT sid(${K.measurement}, (g * 2 + m) * 10 + j), sid(${K.practice}, p), sid(${K.metric}, g * 2 + m),
           CASE m WHEN 0 THEN round(10 - (j + 1) * 0.9 - (g % 7) * 0.1, 1) ELSE least(9, 4 + round((j + 1) * 0.5 + (g % 5) * 0.1, 1)) END,
           now() - interval '56 days' + j * interval '7 days' + (g % 97) * interval '1 minute',
           CASE WHEN c % 5 < 3 THEN sid(${K.user}, p * 200 + 100 + c) ELSE sid(${K.user}, p * 200 + 1 + c % ${v.COACHES}) END,
           CASE WHEN j % 3 = 0 THEN 'Weekly check-in' END,
           now() - interval '56 days' + j * interval '7 days' + (g % 97) * interval '1 minute'
      FROM generate_series(0, $1 * ${v.CLIENTS * v.GOALS} - 1) g, generate_series(0, 1) m,
      LATERAL (SELECT g / ${v.GOALS * v.CLIENTS} AS p, (g / ${v.GOALS}) % ${v.CLIENTS} AS c) a,
      LATERAL generate_series(0, CASE m WHEN 0 THEN 6 ELSE 8 END) j
     WHERE m = 0 OR g % 3 = 0`, [v.P]);

  await q(c, 'milestones', `
    INSERT INTO milestones (id, practice_id, goal_id, title, due_on, done, done_at, created_at)
    SELECT sid(${K.milestone}, g * 2 + k), sid(${K.practice}, g / ${v.GOALS * v.CLIENTS}), sid(${K.goal}, g),
           CASE k WHEN 0 THEN 'Write the handover note' ELSE 'First report by the team lead' END,
           (now() + (k * 30 - 10) * interval '1 day')::date, k = 0 AND g % 2 = 0, CASE WHEN k = 0 AND g % 2 = 0 THEN now() - interval '12 days' END,
           now() - interval '57 days'
      FROM generate_series(0, $1 * ${v.CLIENTS * v.GOALS} - 1) g, generate_series(0, 1) k`, [v.P]);
}

async function loadNotifications(c, q, v) {
  const K = ID_KIND;
  // Reminders of future scheduled sessions, 24 h and 1 h before (only those still ahead): the coach's
  // by email, then the client's by email until there are NOTIFICATIONS.
  const insert = (label, recipient, offsetsFilter, limit) => q(c, label, `
    INSERT INTO notifications (id, practice_id, kind, recipient_user_id, channel, subject_type, subject_id, data, due_at, status, attempts, unique_key, created_at)
    SELECT sid(${K.notification}, x.n * 8 + x.slot), x.practice_id, 'session_reminder', x.recipient, 'email', 'session', x.id,
           jsonb_build_object('sessionId', x.id, 'startsAt', to_char(x.starts_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'offsetMinutes', x.off, 'sequence', 0),
           x.due, 'scheduled', 0, 'session_reminder:' || x.id || ':0:' || x.off || ':' || x.recipient || ':email', x.created_at
      FROM (SELECT s.*, o.off, o.slot, s.starts_at - o.off * interval '1 minute' AS due, ${recipient} AS recipient,
                   (('x' || right(replace(s.id::text, '-', ''), 15))::bit(60)::bigint) AS n
              FROM sessions s CROSS JOIN (VALUES (1440, ${recipient.startsWith('s.coach') ? 0 : 2}), (60, ${recipient.startsWith('s.coach') ? 1 : 3})) o(off, slot)
             WHERE s.status = 'scheduled' AND s.starts_at - o.off * interval '1 minute' > now() ${offsetsFilter}) x
     WHERE x.recipient IS NOT NULL
     ORDER BY x.n, x.slot
     LIMIT $1`, [limit]);
  const first = await insert('notifications (coach reminders)', 's.coach_id', '', NOTIFICATIONS);
  const rest = NOTIFICATIONS - first.rowCount;
  if (rest > 0) await insert('notifications (client reminders)', `(SELECT cl.user_id FROM clients cl WHERE cl.id = s.client_id)`, '', rest);
}

async function loadReviewsAndKeys(c, q, v) {
  const K = ID_KIND;
  // Monthly reviews on each engagement's own cadence (periods from its start day, as the review-cadence job
  // counts them), one per period over by today in the practice's zone: the latest open while it is not yet
  // due (7 days after the period), else submitted or completed; earlier ones completed. The job finds
  // nothing to open, miss or nudge.
  await q(c, 'reviews', `
    INSERT INTO reviews (id, practice_id, engagement_id, kind, period_start, period_end, due_at, status, note, coach_notes, submitted_at, completed_at, created_at, updated_at)
    SELECT sid(${K.review}, x.n * 4 + x.i), x.practice_id, x.id, 'periodic', x.ps, x.pe, x.due,
           CASE WHEN x.i < x.last THEN 'completed' WHEN x.due > now() THEN 'open' WHEN x.n % 2 = 0 THEN 'submitted' ELSE 'completed' END,
           CASE WHEN x.i < x.last OR x.due <= now() THEN 'A good month: the focus blocks held.' END,
           CASE WHEN x.i < x.last OR (x.due <= now() AND x.n % 2 = 1) THEN 'Keep the focus blocks.' END,
           CASE WHEN x.i < x.last OR x.due <= now() THEN least(now(), x.due - interval '2 days') END,
           CASE WHEN x.i < x.last OR (x.due <= now() AND x.n % 2 = 1) THEN least(now(), x.due) END,
           (x.pe + 1)::timestamp, (x.pe + 1)::timestamp
      FROM (SELECT e.practice_id, e.id, (('x' || right(replace(e.id::text, '-', ''), 15))::bit(60)::bigint) AS n, i, b.ps, b.pe,
                   ((b.pe + 1 + 7)::timestamp AT TIME ZONE p.timezone) AS due,
                   max(i) OVER (PARTITION BY e.id) AS last
              FROM engagements e JOIN practices p ON p.id = e.practice_id
             CROSS JOIN generate_series(0, 5) i
             CROSS JOIN LATERAL (SELECT (e.starts_on + i * interval '1 month')::date AS ps, (e.starts_on + (i + 1) * interval '1 month' - interval '1 day')::date AS pe) b
             WHERE b.pe < (now() AT TIME ZONE p.timezone)::date) x`);

  // The benchmark's API keys: known secrets (see lib/scale.mjs), stored as their sha256 like any key.
  const rows = [];
  for (let p = 0; p < KEYED_PRACTICES; p++) {
    for (const role of ['coach', 'owner']) {
      const k = benchApiKey(p, role);
      rows.push([k.id, k.practiceId, `bench ${role}`, role, k.userId, k.hash, k.token.slice(0, 12)]);
    }
  }
  await q(c, 'api keys (benchmark)', `
    INSERT INTO api_keys (id, practice_id, name, role, user_id, key_hash, key_prefix, created_by_id)
    SELECT x.id::uuid, x.pid::uuid, x.name, x.role, x.uid::uuid, x.hash, x.prefix, NULL
      FROM jsonb_to_recordset($1::jsonb) AS x(id text, pid text, name text, role text, uid text, hash text, prefix text)`,
    [JSON.stringify(rows.map(([id, pid, name, role, uid, hash, prefix]) => ({ id, pid, name, role, uid, hash, prefix })))]);
}

async function main() {
  await ensureDatabase();
  const c1 = await connect();
  const c2 = await connect();
  try {
    const { rows } = await c1.query(`SELECT count(*)::int AS n FROM practices`);
    const interrupted = (await c1.query(`SELECT to_regclass('seed_scale_ddl') IS NOT NULL AS t`)).rows[0].t;
    if (rows[0].n && !reset && !interrupted) {
      log(`already seeded (${rows[0].n} practices); run with --reset to load again`);
    } else {
      await dropSecondary(c1);
      await emptyTables(c1);
      const passwordHash = await argon2.hash(BENCH_PASSWORD, { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 });
      await load(c1, c2, passwordHash);
      await restoreSecondary(c1, c2);
      await Promise.all([c1.query('VACUUM (ANALYZE) practices, users, clients, engagements, goals, metrics, api_keys, reviews'), c2.query('VACUUM (ANALYZE) sessions, agenda_items, action_items, measurements, milestones, notifications, goal_revisions')]);
      log('vacuumed and analyzed');
    }
    const { rows: counts } = await c1.query(`
      SELECT (SELECT count(*) FROM practices) AS practices, (SELECT count(*) FROM users WHERE role = 'coach') AS coaches,
             (SELECT count(*) FROM clients) AS clients, (SELECT count(*) FROM engagements) AS engagements, (SELECT count(*) FROM sessions) AS sessions,
             (SELECT count(*) FROM agenda_items) AS agenda_items, (SELECT count(*) FROM goals) AS goals, (SELECT count(*) FROM metrics) AS metrics,
             (SELECT count(*) FROM measurements) AS measurements, (SELECT count(*) FROM notifications WHERE status = 'scheduled' AND due_at > now()) AS future_notifications`);
    console.log(Object.entries(counts[0]).map(([k, n]) => `  ${k.padEnd(22)} ${Number(n).toLocaleString('en').padStart(10)}`).join('\n'));
    const sample = benchApiKey(0, 'coach');
    console.log(`\nLogins: any user, e.g. coach0@scale0.example in practice slug scale-0000, password ${BENCH_PASSWORD}`);
    console.log(`API keys: a coach key and an owner key in each of the first ${KEYED_PRACTICES} practices, e.g. ${sample.token} (coach ${sample.userId})`);
    console.log('The benchmark (npm run bench) derives the same keys and mints JWTs with its own JWT_SECRET.');
  } finally {
    await c1.end();
    await c2.end();
  }
  log('done');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
