// A property-based fuzzer over the served OpenAPI document: every operation, as every role, with hostile
// bodies, queries and path parameters. The property: never a 5xx, and every 4xx is a problem+json.
// A fixed seed and bounded runs keep it reproducible and within CI's budget; what it finds becomes a
// named regression test (bad-input.e2e-spec.ts).
import fc from 'fast-check';
import type request from 'supertest';
import { startApp, TestApp } from './support/app';
import { activeEngagement, draftGoal, scheduleSession } from './support/coaching';
import { addApiKey, addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';

/** Fixed for CI; FUZZ_SEED and FUZZ_RUNS explore further. A failure names the role and the request to replay. */
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);
/** Runs per operation and role: with ~80 operations and 5 roles, about 3,200 requests (about a minute on two busy cores). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 8);

type Role = 'owner' | 'coach' | 'client' | 'apiKey' | 'anonymous';
const ROLES: Role[] = ['owner', 'coach', 'client', 'apiKey', 'anonymous'];

interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  minimum?: number;
  maximum?: number;
  nullable?: boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
}
interface Parameter { name: string; in: 'path' | 'query' | 'header'; schema?: Schema }
interface Operation { method: string; path: string; parameters: Parameter[]; body?: Schema }

/** A JSON text spliced into the body as it is: values JSON.stringify cannot write (1e400, deep nesting). */
class Raw {
  constructor(readonly text: string) {}
}

// ---- hostile values ------------------------------------------------------------------------------

const deep = (n: number) => new Raw('['.repeat(n) + ']'.repeat(n));
const deepObject = (n: number) => new Raw('{"a":'.repeat(n) + '1' + '}'.repeat(n));
const HOSTILE_STRINGS = [
  '', ' ', '\u0000', 'a\u0000b', '\ud800', 'x\udc00y', '\ud83d', '😀', '\u202e\u0301', 'x'.repeat(100_000), 'é'.repeat(5000),
  "'; DROP TABLE clients; --", '<script>alert(1)</script>', '../../etc/passwd', '%00', '%', '${jndi:ldap://x}', '{{7*7}}',
  '2026-02-30', '2026-13-01', '0000-00-00', '9999-12-31', '-271821-04-20', '2026-02-30T25:61:00Z', '2026-03-29T02:30:00',
  '1970-01-01T00:00:00.000+99:00', '275760-09-13T00:00:00.000Z', 'US/Pacific-New', 'SystemV/AST4', 'Etc/GMT+99', '+01:00',
  'europe/berlin', 'Europe/Nowhere', 'localtime', 'posixrules', '24:00', '23:60', '-01:00', 'NaN', 'Infinity', '1e309', 'null', 'true',
  '00000000-0000-0000-0000-000000000000', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF', 'javascript:alert(1)', 'http://[::1]:0/', 'a@b', '@', 'a'.repeat(300) + '@example.test',
];
const HOSTILE_NUMBERS: unknown[] = [
  0, -1, -0.5, 1.5, 1e308, -1e308, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 2, Number.MIN_VALUE, 1e-7,
  new Raw('1e400'), new Raw('-1e400'), new Raw('123456789012345678901234567890'), new Raw('0.0000000000000000000000001'), new Raw('-0'),
];
const WRONG_TYPES: unknown[] = [null, true, false, [], {}, [null], [[]], { a: {} }, '1', 1, [1, 2, 3], { $gt: '' }, { __proto__: { admin: true } }, deep(5000), deepObject(3000), deep(40)];

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...WRONG_TYPES) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.double() },
  { weight: 1, arbitrary: fc.integer({ min: -(2 ** 53), max: 2 ** 53 }) },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
);

/** Query values as they travel: already percent-encoded where that is the point. */
const HOSTILE_QUERY = [
  '%00', 'a%00b', '%ED%A0%80', '%FF%FE', '%', '%zz', '%E0%A4%A', 'x'.repeat(3000), '-1', '0', '101', '1e309', 'NaN', '2026-02-30', '2026-02-30T25:00:00Z',
  '9999-12-31T23:59:59.999Z', 'true', 'TRUE', 'yes', '[]', '{}', '%5B%5D', 'not-a-uuid', '00000000-0000-0000-0000-000000000000', 'US%2FPacific-New', "'%20OR%201=1",
];
const HOSTILE_PATH = ['not-a-uuid', '%00', '%ED%A0%80', 'x'.repeat(600), '00000000-0000-0000-0000-000000000000', '%25', '..', '%2F', '0', '-1', '1e309', '%E0%A4%A'];

// ---- valid-looking values, so requests also get past validation ----------------------------------

function resolve(doc: OpenApi, s: Schema | undefined): Schema {
  let cur = s ?? {};
  for (let i = 0; i < 10 && cur.$ref; i++) cur = doc.components.schemas[cur.$ref.split('/').pop()!] ?? {};
  if (cur.allOf?.length) return resolve(doc, cur.allOf[0]);
  if (cur.oneOf?.length) return resolve(doc, cur.oneOf[0]);
  if (cur.anyOf?.length) return resolve(doc, cur.anyOf[0]);
  return cur;
}

function plausible(doc: OpenApi, ids: Ids, name: string, schema: Schema | undefined, depth = 0): unknown {
  const s = resolve(doc, schema);
  if (s.enum?.length) return s.enum[0];
  const type = s.type ?? (s.properties ? 'object' : 'string');
  if (type === 'object') {
    if (depth > 3) return {};
    return Object.fromEntries(Object.entries(s.properties ?? {}).map(([k, v]) => [k, plausible(doc, ids, k, v, depth + 1)]));
  }
  if (type === 'array') return depth > 3 ? [] : [plausible(doc, ids, name, s.items, depth + 1)];
  if (type === 'integer' || type === 'number') return s.minimum ?? (s.maximum !== undefined ? Math.min(s.maximum, 1) : 1);
  if (type === 'boolean') return true;
  if (/^(timezone)$/i.test(name)) return 'Europe/Berlin';
  if (s.format === 'date-time' || /At$/.test(name)) return '2031-03-04T10:00:00.000Z';
  if (s.format === 'date' || /On$|Date$|^period(Start|End)$/.test(name)) return '2031-03-04';
  if (s.format === 'uuid' || /Id$/.test(name)) return ids.byField(name);
  if (s.format === 'email' || /email/i.test(name)) return `fuzz-${Math.random().toString(36).slice(2)}@example.test`;
  if (/url/i.test(name)) return 'https://example.com/hook';
  if (/^(start|end|digestTime)$/.test(name)) return '09:00';
  if (/password/i.test(name)) return 'correct horse battery staple';
  if (/slug|practice$/i.test(name)) return `fuzz-${Math.random().toString(36).slice(2, 10)}`;
  return 'fuzz text';
}

// ---- the document and the callers ---------------------------------------------------------------

interface OpenApi {
  paths: Record<string, Record<string, { parameters?: Parameter[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
  components: { schemas: Record<string, Schema> };
}

class Ids {
  constructor(private readonly bySegment: Record<string, string>) {}
  /** A real id for the resource a path segment or a field names, so requests reach the code behind the checks. */
  bySegmentName(segment: string): string {
    return this.bySegment[segment] ?? '0190a1b2-0000-7000-8000-000000000000';
  }
  byField(field: string): string {
    const key = { clientId: 'clients', coachId: 'users', userId: 'users', goalId: 'goals', parentGoalId: 'goals', metricId: 'metrics', engagementId: 'engagements', sessionId: 'sessions', entityId: 'goals', actorId: 'users', id: 'agenda-items' }[field];
    return this.bySegmentName(key ?? '');
  }
}

function operations(doc: OpenApi): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods)
      .filter(([m]) => ['get', 'post', 'put', 'patch', 'delete'].includes(m))
      .map(([method, op]) => ({ method, path, parameters: op.parameters ?? [], body: op.requestBody?.content?.['application/json']?.schema })),
  );
}

interface Sent { method: string; url: string; role: Role; body?: string; contentType?: string }

/** One request of an operation: plausible values with hostile ones swapped in. */
function requestArbitrary(doc: OpenApi, ids: Ids, op: Operation): fc.Arbitrary<Omit<Sent, 'role'>> {
  const pathParams = op.parameters.filter((p) => p.in === 'path');
  const queryParams = op.parameters.filter((p) => p.in === 'query');
  const segments = op.path.split('/');
  const pathArb = fc.tuple(...pathParams.map(() => fc.oneof({ weight: 3, arbitrary: fc.constant<string | null>(null) }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_PATH) }))).map((values) => {
    let path = op.path;
    pathParams.forEach((p, i) => {
      const at = segments.indexOf(`{${p.name}}`);
      path = path.replace(`{${p.name}}`, values[i] ?? ids.bySegmentName(segments[at - 1] ?? ''));
    });
    return path;
  });
  const valuesArb = fc.tuple(
    ...queryParams.map((p) =>
      fc.oneof(
        { weight: 2, arbitrary: fc.constant<string[] | null>(null) },
        { weight: 1, arbitrary: fc.constant([encodeURIComponent(String(plausible(doc, ids, p.name, p.schema)))]) },
        { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_QUERY).map((v) => [v]) },
        { weight: 1, arbitrary: fc.constantFrom(...HOSTILE_QUERY).map((v) => [v, v]) },
      ),
    ),
  ) as fc.Arbitrary<(string[] | null)[]>;
  const extraArb = fc.option(fc.constantFrom('unknown=1', '__proto__=x', 'constructor[prototype]=1', 'limit[]=1', '%00=1'), { nil: undefined });
  const queryArb = fc
    .tuple(valuesArb, extraArb)
    .map(([values, extra]) => {
      const pairs = queryParams.flatMap((p, i) => (values[i] ?? []).map((v) => `${encodeURIComponent(p.name)}=${v}`));
      if (extra) pairs.push(extra);
      return pairs.length ? `?${pairs.join('&')}` : '';
    });
  const bodyArb: fc.Arbitrary<{ body?: string; contentType?: string }> = op.body ? bodyArbitrary(doc, ids, op.body) : fc.constant({});
  return fc.record({ path: pathArb, query: queryArb, body: bodyArb }).map(({ path, query, body }) => ({ method: op.method, url: path + query, ...body }));
}

function bodyArbitrary(doc: OpenApi, ids: Ids, schema: Schema): fc.Arbitrary<{ body?: string; contentType?: string }> {
  const base = plausible(doc, ids, '', schema) as Record<string, unknown>;
  const fields = Object.keys(resolve(doc, schema).properties ?? {});
  const mutateOne = fc.tuple(fc.constantFrom(...(fields.length ? fields : ['x'])), hostileValue, fc.boolean()).map(([field, value, nested]) => {
    const copy = { ...base };
    const current = copy[field];
    // Sometimes one level down: an element of an array field, a property of an object field.
    if (nested && Array.isArray(current) && current[0] && typeof current[0] === 'object') {
      const inner = Object.keys(current[0] as object);
      copy[field] = [{ ...(current[0] as object), [inner[0] ?? 'x']: value }];
    } else if (nested && current && typeof current === 'object' && !Array.isArray(current)) {
      const inner = Object.keys(current as object);
      copy[field] = { ...(current as object), [inner[0] ?? 'x']: value };
    } else {
      copy[field] = value;
    }
    return copy;
  });
  const all = fc.tuple(hostileValue).map(([value]) => Object.fromEntries(fields.map((f) => [f, value])));
  return fc
    .oneof(
      { weight: 1, arbitrary: fc.constant<unknown>(base) },
      { weight: 6, arbitrary: mutateOne },
      { weight: 1, arbitrary: all },
      { weight: 1, arbitrary: hostileValue },
    )
    .chain((value) =>
      fc.oneof(
        { weight: 12, arbitrary: fc.constant({ body: serialize(value), contentType: 'application/json' }) },
        { weight: 1, arbitrary: fc.constantFrom({ body: '{"a":', contentType: 'application/json' }, { body: 'a=1', contentType: 'application/x-www-form-urlencoded' }, { body: '', contentType: 'application/json' }, { body: 'null', contentType: 'application/json' }, { body: serialize(value), contentType: 'text/plain' }) },
      ),
    );
}

/** JSON with Raw values spliced in as written. */
function serialize(value: unknown): string {
  const raws: string[] = [];
  const text = JSON.stringify(value, (_k, v: unknown) => (v instanceof Raw ? `\u0001RAW${raws.push(v.text) - 1}\u0001` : v)) ?? 'null';
  return text.replace(/"\\u0001RAW(\d+)\\u0001"/g, (_, i: string) => raws[Number(i)]);
}

// ---- the property --------------------------------------------------------------------------------

/** What is wrong with a response, or null. */
function violation(res: request.Response): string | null {
  if (res.status >= 500) return `answered ${res.status}: ${String(res.text).slice(0, 300)}`;
  if (res.status < 400) return null;
  if (!/^application\/problem\+json/.test(String(res.headers['content-type']))) return `a ${res.status} as ${res.headers['content-type']}: ${String(res.text).slice(0, 200)}`;
  const b = res.body as Record<string, unknown>;
  if (typeof b.type !== 'string' || typeof b.title !== 'string' || typeof b.detail !== 'string' || b.status !== res.status) return `a ${res.status} problem of the wrong shape: ${String(res.text).slice(0, 200)}`;
  if (b.errors !== undefined && !(Array.isArray(b.errors) && b.errors.every((e) => e && typeof e.path === 'string' && typeof e.message === 'string'))) return `errors of the wrong shape: ${String(res.text).slice(0, 200)}`;
  return null;
}

let t: TestApp;
let p: PracticeFixture;
let doc: OpenApi;
let ids: Ids;
const callers = {} as Record<Role, Caller | null>;

beforeAll(async () => {
  t = await startApp();
  p = await signupPractice(t);
  const coach = await addCoach(t, p);
  const client = await addClient(t, p, coach);
  const apiKey = await addApiKey(t, p, 'owner');
  Object.assign(callers, { owner: p.owner, coach, client, apiKey, anonymous: null });
  // One of each resource, so path parameters can name real ones.
  const engagement = await activeEngagement(coach, client.clientId);
  const goal = await draftGoal(coach, engagement);
  const milestone = await coach.post(`/v1/goals/${goal.id}/milestones`, { title: 'First' }).expect(201);
  const metric = await coach.post(`/v1/goals/${goal.id}/metrics`, { name: 'Minutes', unit: 'min', baseline: 30, target: 25 }).expect(201);
  const session = await scheduleSession(coach, engagement, '2031-03-04T10:00:00.000Z');
  const item = await coach.post(`/v1/sessions/${session.id}/agenda/items`, { kind: 'topic', text: 'Sleep' }).expect(201);
  const action = await coach.post(`/v1/sessions/${session.id}/action-items`, { title: 'Walk' }).expect(201);
  const review = await coach.post(`/v1/engagements/${engagement}/reviews`, { periodStart: '2026-11-01', periodEnd: '2026-11-30' });
  const webhook = await p.owner.post('/v1/webhooks', { url: 'https://example.com/hook', events: ['session.scheduled'] });
  const keys = await p.owner.get('/v1/api-keys').expect(200);
  ids = new Ids({
    clients: client.clientId, engagements: engagement, goals: goal.id, milestones: milestone.body.id, metrics: metric.body.id, sessions: session.id,
    'agenda-items': item.body.id, 'action-items': action.body.id, reviews: review.body?.id, webhooks: webhook.body?.id, users: coach.userId!,
    'api-keys': keys.body.data?.[0]?.id,
  });
  doc = (await t.http.get('/openapi.json').expect(200)).body as OpenApi;
});
afterAll(() => t.close());

function send(s: Sent): request.Test {
  const verb = s.method as 'get' | 'post' | 'put' | 'patch' | 'delete';
  let r = t.http[verb](s.url);
  const caller = callers[s.role];
  if (caller) r = r.set('Authorization', `Bearer ${caller.token}`);
  if (s.body !== undefined) r = r.set('Content-Type', s.contentType ?? 'application/json').send(s.body);
  return r;
}

it('every operation, as every role, answers hostile input with a 4xx problem+json, never a 5xx', async () => {
  const ops = operations(doc);
  expect(ops.length).toBeGreaterThan(40);
  const failures: string[] = [];
  for (const op of ops) {
    for (const role of ROLES) {
      const details = await fc.check(
        fc.asyncProperty(requestArbitrary(doc, ids, op), async (req) => {
          const sent = { ...req, role };
          const res = await send(sent);
          const wrong = violation(res);
          if (wrong) throw new Error(`${role} ${sent.method.toUpperCase()} ${sent.url.slice(0, 200)} ${sent.body ? `body ${sent.body.slice(0, 200)}` : ''}: ${wrong}`);
        }),
        // Each failure is reported once, unshrunk: shrinking would resend many requests.
        { seed: SEED, numRuns: RUNS, endOnFailure: true },
      );
      if (details.failed) failures.push(String((details.errorInstance as Error | undefined)?.message ?? details.counterexample));
    }
  }
  expect(failures).toEqual([]);
}, 600_000);

it('every operation survives the known attacks, each sent once: deep nesting, and every hostile path and query value', async () => {
  const failures: string[] = [];
  const check = async (sent: Sent) => {
    const wrong = violation(await send(sent));
    if (wrong) failures.push(`${sent.role} ${sent.method.toUpperCase()} ${sent.url.slice(0, 200)} ${sent.body ? `body ${sent.body.slice(0, 100)}` : ''}: ${wrong}`);
  };
  for (const op of operations(doc)) {
    const segments = op.path.split('/');
    const real = segments.map((seg, i) => (/^\{.+\}$/.test(seg) ? ids.bySegmentName(segments[i - 1] ?? '') : seg));
    const url = real.join('/');
    if (op.body) {
      for (const role of ['owner', 'anonymous'] as Role[]) {
        await check({ role, method: op.method, url, body: serialize(deep(5000)), contentType: 'application/json' });
        await check({ role, method: op.method, url, body: serialize({ x: deepObject(3000) }), contentType: 'application/json' });
      }
    }
    for (const [i, seg] of segments.entries()) {
      if (!/^\{.+\}$/.test(seg)) continue;
      for (const hostile of HOSTILE_PATH) await check({ role: 'owner', method: op.method, url: real.map((r, j) => (j === i ? hostile : r)).join('/'), ...(op.body ? { body: '{}' } : {}) });
    }
    // Into the portal's catch-all route (a path parameter too long for the API's router) with hostile input.
    if (segments.some((seg) => /^\{.+\}$/.test(seg))) {
      const long = real.map((r, j) => (/^\{.+\}$/.test(segments[j]) ? 'x'.repeat(600) : r)).join('/');
      await check({ role: 'owner', method: op.method, url: `${long}?q=%00` });
      await check({ role: 'owner', method: op.method, url: long, body: serialize(deep(5000)), contentType: 'application/json' });
      await check({ role: 'owner', method: op.method, url: long, body: '{"a":', contentType: 'application/json' });
    }
    for (const q of op.parameters.filter((x) => x.in === 'query')) {
      for (const hostile of ['%00', '%ED%A0%80', '%', 'x'.repeat(3000)]) await check({ role: 'owner', method: op.method, url: `${url}?${q.name}=${hostile}` });
    }
  }
  expect(failures).toEqual([]);
}, 600_000);
