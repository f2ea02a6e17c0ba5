// What the slots tools (slots-cpu.mjs, ab-cpu.mjs) ask for: the newest booking practice `npm run bench`
// left in the database, its clients with access tokens, and the 31-day window around the coach's sessions.
import { createRequire } from 'node:module';
import { mintAccessToken } from './jwt.mjs';

const require = createRequire(import.meta.url);
const pg = require('pg');

/** The clients (engagement, Authorization header) and the slots path of an engagement. */
export async function slotsTarget(dbUrl, jwtSecret) {
  const owner = new pg.Client({ connectionString: dbUrl });
  await owner.connect();
  try {
    const { rows } = await owner.query(`
      SELECT e.id AS engagement, e.practice_id AS practice, u.id AS user, e.client_id AS client
        FROM engagements e JOIN users u ON u.client_id = e.client_id
       WHERE e.practice_id = (SELECT id FROM practices WHERE slug LIKE 'bench-booking-%' ORDER BY created_at DESC LIMIT 1)`);
    if (!rows.length) throw new Error('No booking practice: run BENCH_ONLY=booking npm run bench first.');
    const { rows: [w] } = await owner.query(`SELECT min(starts_at) - interval '6 hours' AS from FROM sessions WHERE engagement_id = $1`, [rows[0].engagement]);
    const from = new Date(w.from);
    const to = new Date(from.getTime() + 31 * 86_400_000);
    const clients = rows.map((r) => ({ engagement: r.engagement, auth: `Bearer ${mintAccessToken(jwtSecret, { userId: r.user, practiceId: r.practice, role: 'client', clientId: r.client })}` }));
    const path = (engagement) => `/v1/engagements/${engagement}/slots?from=${from.toISOString()}&to=${to.toISOString()}&durationMinutes=60`;
    return { clients, path };
  } finally {
    await owner.end();
  }
}
