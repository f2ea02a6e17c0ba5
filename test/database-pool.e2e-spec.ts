// The API's own connection pool, as the app builds it: what it keeps between bursts of requests.
import { setTimeout as sleep } from 'node:timers/promises';
import { DataSource } from 'typeorm';
import { POOL_IDLE_TIMEOUT_MS } from '@app/database';
import { startApp, TestApp } from './support/app';

let t: TestApp;

beforeAll(async () => {
  t = await startApp({ DATABASE_POOL_SIZE: '6' });
});
afterAll(() => t.close());

/** The app's connections to this test's database, seen from the superuser's own connection. */
async function appConnections(): Promise<number> {
  const { rows } = await t.sql.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'coaching' AND backend_type = 'client backend'`,
  );
  return rows[0].n;
}

describe("the API's connection pool", () => {
  it('keeps the connections a burst opened through a lull longer than pg-pool’s own 10 s idle limit', async () => {
    expect(POOL_IDLE_TIMEOUT_MS).toBeGreaterThan(11_000);
    const ds = t.app.get(DataSource);
    // Five transactions at once: five connections open, then all five go idle together.
    await Promise.all([0, 1, 2, 3, 4].map(() => ds.transaction((em) => em.query('SELECT pg_sleep(0.3)'))));
    expect(await appConnections()).toBeGreaterThanOrEqual(5);
    await sleep(11_000);
    // With pg-pool's default every one of them would have been closed by now, and the next burst would
    // wait for five new PostgreSQL backends.
    expect(await appConnections()).toBeGreaterThanOrEqual(5);
  }, 40_000);

  it('still runs every connection as the app role (row-level security applies)', async () => {
    const ds = t.app.get(DataSource);
    const rows = await Promise.all([0, 1, 2].map(() => ds.transaction((em) => em.query(`SELECT current_user AS cur, pg_sleep(0.1)::text AS s`))));
    expect(rows.map((r: { cur: string }[]) => r[0].cur)).toEqual(['coaching_app', 'coaching_app', 'coaching_app']);
  });
});
