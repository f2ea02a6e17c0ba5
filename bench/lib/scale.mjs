// What the scale seed and the benchmark agree on: deterministic ids, the benchmark's API keys, the password.
import { createHash } from 'node:crypto';

/** The `npm start` instance's port; the benchmark database sits next to the demo one. */
export const DEFAULT_SCALE_URL = 'postgres://postgres@127.0.0.1:55432/coaching_scale';

/** Every seeded user's password (argon2id-hashed like any other). */
export const BENCH_PASSWORD = 'scale-password-2026';

/** Seeded ids are UUIDv7-shaped and derived from (kind, n), so related rows are computed, not looked up. */
export const ID_KIND = {
  practice: 1, user: 2, client: 3, engagement: 4, session: 5, agenda: 6, actionItem: 7, goal: 8, goalRevision: 9,
  metric: 10, measurement: 11, milestone: 12, review: 13, notification: 14, apiKey: 15,
};

const BASE_MS = 1735689600000; // 2025-01-01T00:00:00Z

/** The SQL twin of seedId: 48-bit time, version 7, the kind, variant 10, then n. pg_temp: gone with the session. */
export const idSql = `
  CREATE OR REPLACE FUNCTION pg_temp.sid(kind int, n bigint) RETURNS uuid LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT (lpad(to_hex(${BASE_MS} + n * 7), 12, '0') || '7' || lpad(to_hex(kind), 3, '0') || '8' || lpad(to_hex(n), 15, '0'))::uuid
  $$`;

/** Rewrites sid(...) to the session's pg_temp function (pg_temp functions must be named with their schema). */
export const withSid = (sql) => sql.replace(/\bsid\(/g, 'pg_temp.sid(');

export function seedId(kind, n) {
  const h = (BASE_MS + n * 7).toString(16).padStart(12, '0') + '7' + kind.toString(16).padStart(3, '0') + '8' + n.toString(16).padStart(15, '0');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** Users of practice p: slot 0 the owner, 1..10 the coaches, 100 + c the user of client c (when c % 5 < 3). */
export const userId = (p, slot) => seedId(ID_KIND.user, p * 200 + slot);
export const coachId = (p, j) => userId(p, 1 + j);
export const practiceId = (p) => seedId(ID_KIND.practice, p);

/** A benchmark API key of practice p (role coach: acting as coach 0; owner: as the owner), with a known secret. */
export function benchApiKey(p, role) {
  const pid = practiceId(p);
  const secret = createHash('sha256').update(`bench-api-key:${p}:${role}`).digest('base64url'); // 43 characters
  const token = `cpk_${pid.replace(/-/g, '')}${secret}`;
  return {
    id: seedId(ID_KIND.apiKey, p * 2 + (role === 'owner' ? 1 : 0)),
    practiceId: pid,
    userId: role === 'owner' ? userId(p, 0) : coachId(p, 0),
    role,
    token,
    hash: createHash('sha256').update(token).digest('hex'),
  };
}
