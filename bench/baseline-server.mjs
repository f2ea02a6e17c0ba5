// The raw baseline: node:http + pg, no framework, running the SQL the API runs (the same statements,
// imported from the API's framework-free *.queries modules in dist/; the same transaction, set_config and
// role, the same pool settings) and answering the same JSON. What this machine can do for these requests.
//
//   DATABASE_URL=... JWT_SECRET=... PORT=3301 node bench/baseline-server.mjs   (after npm run build)
import { createServer } from 'node:http';
import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { verifyAccessToken } from './lib/jwt.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');
const { v7 } = require('uuid');
const core = (path) => require(`../dist/libs/core/src/${path}.js`);
const { calendarQuery, toSessionDto, SESSION_INSERT_SQL, sessionInsertValues } = core('sessions/session.queries');
const { ENGAGEMENT_COLUMNS, ENGAGEMENT_DETAIL_SQL, PERIOD_ENDS_AT_SQL, currentReviewPeriodEnd, toEngagementDetailDto } = core('engagements/engagement.queries');
const { GOAL_DETAIL_SQL, goalDetailParts, toGoalDto, METRIC_ACCESS_SQL, MEASUREMENT_INSERT_SQL, toMeasurementDto } = core('goals/goal.queries');
const { AUDIT_EVENT_INSERT_SQL } = core('audit/audit.queries');
const { DOMAIN_EVENT_INSERT_SQL } = core('outbox/outbox.queries');
const { REMINDER_RECIPIENTS_SQL, sessionReminderRows, notificationsInsert } = core('notifications/notification.queries');
const { SESSIONS_BOOKED_SQL } = core('engagements/engagement.queries');
const { AVAILABILITY_SQL, BUSY_SQL, COACH_SQL, defaultAvailability } = core('availability/availability.queries');
const { busyWindow, freeSlots } = core('availability/slots');
const { MAX_SESSION_HOURS } = core('sessions/session.queries');
const { appPoolOptions } = require('../dist/libs/database/src/pool.js');

const PORT = Number(process.env.PORT ?? 3301);
const SECRET = process.env.JWT_SECRET;
const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DATABASE_POOL_SIZE ?? 20), ...appPoolOptions(), application_name: 'baseline' });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const KEY = /^cpk_([0-9a-f]{32})[A-Za-z0-9_-]{43}$/;
const TITLES = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict', 500: 'Internal Server Error' };

class HttpError extends Error {
  constructor(status, code, detail) {
    super(detail);
    this.status = status;
    this.code = code;
  }
}
const notFound = (what) => new HttpError(404, 'not-found', `${what} not found.`);

/** As TenantDb.run: BEGIN with the practice's row-level-security context in one round trip, work, COMMIT. */
async function tenant(practiceId, work) {
  if (!UUID.test(practiceId)) throw new HttpError(401, 'unauthenticated', 'Authentication required.');
  const c = await pool.connect();
  try {
    await c.query(`START TRANSACTION; SELECT set_config('app.practice_id', '${practiceId.toLowerCase()}', true)`);
    const out = await work(c);
    await c.query('COMMIT');
    return out;
  } catch (err) {
    await c.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    c.release();
  }
}

async function authenticate(req) {
  const m = /^\s*(\S+)\s+(\S+)\s*$/.exec(req.headers.authorization ?? '');
  const token = m && m[1].toLowerCase() === 'bearer' ? m[2] : '';
  const key = KEY.exec(token);
  if (key) {
    const x = key[1];
    const practiceId = `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
    const { rows: [k] } = await pool.query(`SELECT id, role, user_id AS "userId" FROM app_authenticate_api_key($1, $2)`, [practiceId, createHash('sha256').update(token).digest('hex')]);
    return k ? { practiceId, userId: k.userId, role: k.role, clientId: null, apiKeyId: k.id } : null;
  }
  const claims = SECRET && token ? verifyAccessToken(SECRET, token) : null;
  return claims && UUID.test(claims.pid) ? { practiceId: claims.pid, userId: claims.sub, role: claims.role, clientId: claims.cid ?? null, apiKeyId: null } : null;
}

const canSee = (ctx, e) => ctx.role === 'owner' || (ctx.role === 'coach' ? e.coachId === ctx.userId : e.clientId === ctx.clientId);
const actorOf = (ctx) => (ctx.apiKeyId && !ctx.userId ? { actorType: 'api_key', actorId: ctx.apiKeyId } : { actorType: 'user', actorId: ctx.userId ?? ctx.apiKeyId });
const encodeCursor = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');

// GET /v1/sessions?from&to: the calendar of what the caller may see, ordered by startsAt, id.
function calendar(ctx, q) {
  const limit = 25;
  const from = q.get('from') ? new Date(q.get('from')) : undefined;
  const to = q.get('to') ? new Date(q.get('to')) : undefined;
  if ((from && Number.isNaN(from.getTime())) || (to && Number.isNaN(to.getTime()))) throw new HttpError(400, 'invalid-input', 'from and to must be timestamps.');
  return tenant(ctx.practiceId, async (c) => {
    const { text, values } = calendarQuery(ctx, { from, to }, limit);
    const { rows } = await c.query(text, values);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return { data: page.map((s) => toSessionDto(ctx, s)), nextCursor: more ? encodeCursor([last.startsAt.toISOString(), last.id]) : null };
  });
}

// GET /v1/engagements/:id with its summary.
function engagement(ctx, id) {
  return tenant(ctx.practiceId, async (c) => {
    const { rows: [row] } = await c.query(ENGAGEMENT_DETAIL_SQL, [ctx.practiceId, id]);
    if (!row || !canSee(ctx, row)) throw notFound('Engagement');
    const periodEnd = row.openReviewDueAt ? null : currentReviewPeriodEnd(row);
    const due = row.openReviewDueAt ?? (periodEnd ? (await c.query(PERIOD_ENDS_AT_SQL, [ctx.practiceId, periodEnd])).rows[0].at : null);
    return toEngagementDetailDto(ctx, row, due);
  });
}

// GET /v1/goals/:id with metrics, milestones and progress.
function goal(ctx, id) {
  return tenant(ctx.practiceId, async (c) => {
    const { rows: [row] } = await c.query(GOAL_DETAIL_SQL, [ctx.practiceId, id]);
    if (!row || !canSee(ctx, { coachId: row.engagementCoachId, clientId: row.engagementClientId }) || (ctx.role === 'client' && row.status === 'draft')) throw notFound('Goal');
    return toGoalDto(row, goalDetailParts(row));
  });
}

async function audit(c, ctx, requestId, action, entityType, entityId, changes) {
  const a = actorOf(ctx);
  await c.query(AUDIT_EVENT_INSERT_SQL, [v7(), ctx.practiceId, a.actorType, a.actorId, action, entityType, entityId, JSON.stringify(changes), requestId]);
}

const emit = (c, ctx, type, entityType, entityId, data) => c.query(DOMAIN_EVENT_INSERT_SQL, [v7(), ctx.practiceId, type, entityType, entityId, JSON.stringify(data), actorOf(ctx).actorId, null]);

// POST /v1/metrics/:id/measurements
function recordMeasurement(ctx, metricId, body, requestId) {
  if (typeof body?.value !== 'number' || !Number.isFinite(body.value)) throw new HttpError(400, 'invalid-input', 'value must be a number.');
  return tenant(ctx.practiceId, async (c) => {
    const { rows: [metric] } = await c.query(METRIC_ACCESS_SQL, [ctx.practiceId, metricId]);
    if (!metric || !canSee(ctx, metric) || (ctx.role === 'client' && metric.goalStatus === 'draft')) throw notFound('Metric');
    const recordedAt = body.recordedAt ? new Date(body.recordedAt) : new Date();
    const { rows: [m] } = await c.query(MEASUREMENT_INSERT_SQL, [v7(), ctx.practiceId, metric.id, String(body.value), recordedAt, ctx.userId, body.note ?? null]);
    await audit(c, ctx, requestId, 'create', 'measurement', m.id, { metricId: metric.id, value: body.value, recordedAt: recordedAt.toISOString() });
    await emit(c, ctx, 'measurement.recorded', 'measurement', m.id, {
      measurementId: m.id, metricId: metric.id, goalId: metric.goalId, engagementId: metric.engagementId, clientId: metric.clientId, value: body.value, unit: metric.unit, recordedAt: recordedAt.toISOString(),
    });
    return toMeasurementDto(m);
  });
}

// POST /v1/engagements/:id/sessions
function scheduleSession(ctx, engagementId, body, requestId) {
  if (ctx.role === 'client') throw new HttpError(403, 'forbidden', 'Forbidden.');
  const startsAt = new Date(body?.startsAt);
  const duration = body?.durationMinutes;
  if (Number.isNaN(startsAt.getTime()) || !Number.isInteger(duration) || duration < 15 || duration > 480) throw new HttpError(400, 'invalid-input', 'startsAt and durationMinutes are required.');
  return tenant(ctx.practiceId, async (c) => {
    const { rows: [e] } = await c.query(`SELECT ${ENGAGEMENT_COLUMNS} FROM engagements e WHERE e.practice_id = $1 AND e.id = $2 FOR UPDATE`, [ctx.practiceId, engagementId]);
    if (!e || !canSee(ctx, e)) throw notFound('Engagement');
    if (e.status !== 'planned' && e.status !== 'active') throw new HttpError(409, 'engagement-not-schedulable', `The engagement is ${e.status}.`);
    if (e.plannedSessions !== null) {
      const { rows: [b] } = await c.query(SESSIONS_BOOKED_SQL, [ctx.practiceId, e.id]);
      if (b.n >= e.plannedSessions) throw new HttpError(409, 'allocation-exhausted', 'The allocation is used up.');
    }
    const pr = body.videoUrl ? null : (await c.query(`SELECT video_room_base_url AS base FROM practices WHERE id = $1`, [ctx.practiceId])).rows[0];
    let s;
    try {
      ({ rows: [s] } = await c.query(SESSION_INSERT_SQL, sessionInsertValues({
        id: v7(), practiceId: ctx.practiceId, engagementId: e.id, coachId: e.coachId, clientId: e.clientId, startsAt, durationMinutes: duration,
        endsAt: new Date(startsAt.getTime() + duration * 60_000), location: body.location ?? null,
        videoUrl: body.videoUrl ?? (pr?.base ? pr.base + randomBytes(16).toString('base64url') : null), bookedBy: 'coach',
      })));
    } catch (err) {
      if (err.code === '23P01') throw new HttpError(409, 'session-overlaps', 'The coach has another scheduled session at that time.');
      throw err;
    }
    await audit(c, ctx, requestId, 'create', 'session', s.id, { engagementId: e.id, startsAt: startsAt.toISOString(), durationMinutes: s.durationMinutes, location: s.location, videoUrl: s.videoUrl, bookedBy: s.bookedBy });
    const { rows: recipients } = await c.query(REMINDER_RECIPIENTS_SQL, [ctx.practiceId, s.clientId, s.coachId]);
    const reminders = sessionReminderRows(ctx.practiceId, s, recipients, new Date(), v7);
    if (reminders.length) {
      const { text, values } = notificationsInsert(reminders);
      await c.query(text, values);
    }
    await emit(c, ctx, 'session.scheduled', 'session', s.id, {
      sessionId: s.id, engagementId: s.engagementId, coachId: s.coachId, clientId: s.clientId, startsAt: s.startsAt.toISOString(), endsAt: s.endsAt.toISOString(), sequence: s.sequence, bookedBy: s.bookedBy,
    });
    return toSessionDto(ctx, s);
  });
}

// GET /v1/engagements/:id/slots?from&to&durationMinutes: the coach's busy time in one read, cut out in one pass.
function slots(ctx, engagementId, q) {
  const from = new Date(q.get('from') ?? '');
  const to = new Date(q.get('to') ?? '');
  const duration = q.get('durationMinutes') ? Number(q.get('durationMinutes')) : undefined;
  if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || to <= from || to - from > 62 * 86_400_000) throw new HttpError(400, 'invalid-input', 'from and to must be timestamps at most 62 days apart.');
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 15 || duration > 480)) throw new HttpError(400, 'invalid-input', 'durationMinutes must be 15–480.');
  return tenant(ctx.practiceId, async (c) => {
    const { rows: [e] } = await c.query(`SELECT ${ENGAGEMENT_COLUMNS} FROM engagements e WHERE e.practice_id = $1 AND e.id = $2`, [ctx.practiceId, engagementId]);
    if (!e || !canSee(ctx, e)) throw notFound('Engagement');
    const durationMinutes = duration ?? e.sessionDurationMinutes ?? 60;
    const { rows: [coach] } = await c.query(COACH_SQL, [ctx.practiceId, e.coachId]);
    const { rows: [found] } = await c.query(AVAILABILITY_SQL, [ctx.practiceId, e.coachId]);
    const rules = found ?? defaultAvailability(coach?.timezone ?? 'UTC');
    const w = busyWindow(rules, from, to, durationMinutes, MAX_SESSION_HOURS);
    const { rows: busy } = await c.query(BUSY_SQL, [ctx.practiceId, e.coachId, w.from, w.to, MAX_SESSION_HOURS]);
    return { data: freeSlots(rules, { from, to, now: new Date(), durationMinutes, busy }).map((x) => ({ startsAt: x.startsAt.toISOString(), endsAt: x.endsAt.toISOString() })) };
  });
}

function send(res, status, body, type = 'application/json; charset=utf-8') {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

const readBody = (req) =>
  new Promise((resolve, reject) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : null);
      } catch {
        reject(new HttpError(400, 'malformed-request', 'The request body could not be read as JSON.'));
      }
    });
    req.on('error', reject);
  });

let requestSeq = 0;
const server = createServer(async (req, res) => {
  try {
    const url = new URL(req.url, 'http://x');
    const parts = url.pathname.split('/').filter(Boolean); // v1, resource, id, sub
    if (url.pathname === '/health/live') return send(res, 200, { status: 'ok' });
    const ctx = await authenticate(req);
    if (!ctx) throw new HttpError(401, 'unauthenticated', 'Authentication required.');
    const requestId = `baseline-${++requestSeq}`;
    if (parts[0] !== 'v1') throw notFound('Route');
    if (req.method === 'GET' && parts[1] === 'sessions' && parts.length === 2) return send(res, 200, await calendar(ctx, url.searchParams));
    if (parts[2] && !UUID.test(parts[2])) throw new HttpError(400, 'invalid-input', 'id must be a UUID.');
    const id = parts[2]?.toLowerCase();
    if (req.method === 'GET' && parts[1] === 'engagements' && parts.length === 3) return send(res, 200, await engagement(ctx, id));
    if (req.method === 'GET' && parts[1] === 'engagements' && parts[3] === 'slots' && parts.length === 4) return send(res, 200, await slots(ctx, id, url.searchParams));
    if (req.method === 'GET' && parts[1] === 'goals' && parts.length === 3) return send(res, 200, await goal(ctx, id));
    if (req.method === 'POST' && parts[1] === 'metrics' && parts[3] === 'measurements') return send(res, 201, await recordMeasurement(ctx, id, await readBody(req), requestId));
    if (req.method === 'POST' && parts[1] === 'engagements' && parts[3] === 'sessions') return send(res, 201, await scheduleSession(ctx, id, await readBody(req), requestId));
    throw notFound('Route');
  } catch (err) {
    if (err instanceof HttpError) return send(res, err.status, { type: `/problems/${err.code}`, title: TITLES[err.status] ?? 'Error', status: err.status, detail: err.message }, 'application/problem+json');
    console.error(err);
    send(res, 500, { type: '/problems/internal', title: TITLES[500], status: 500, detail: 'Something went wrong.' }, 'application/problem+json');
  }
});

server.keepAliveTimeout = 65_000;
server.listen(PORT, '127.0.0.1', () => console.log(`baseline listening on ${PORT}`));
const stop = () => server.close(() => pool.end().then(() => process.exit(0)));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
