// The demo practice reads as a history of weeks: goals proposed and agreed weeks ago (not at the seed's
// run time), milestones done on their own days, a client's review answers in their own words per goal,
// and the demo's failing webhook endpoint given up rather than retried for hours.
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Client as PgClient } from 'pg';
import { AppConfig } from '@app/config';
import { DemoSeedModule, seedDemo } from '../apps/cli/src/seed-demo';
import { createTestDatabase, dropTestDatabase } from './support/db';

let app: INestApplicationContext;
let sql: PgClient;
let dbName: string;
let practiceId: string;
const DAY = 86_400_000;

beforeAll(async () => {
  const db = await createTestDatabase();
  dbName = db.name;
  const config = AppConfig.from({
    ...process.env,
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    DATABASE_URL: db.url,
    DATABASE_POOL_SIZE: '4',
    REDIS_PREFIX: `t${randomBytes(4).toString('hex')}`,
    JWT_SECRET: process.env.JWT_SECRET ?? randomBytes(32).toString('hex'),
  });
  const moduleRef = await Test.createTestingModule({ imports: [DemoSeedModule] }).overrideProvider(AppConfig).useValue(config).compile();
  app = await moduleRef.init();
  practiceId = (await seedDemo(app)).practiceId;
  sql = new PgClient({ connectionString: db.url });
  await sql.connect();
}, 120_000);

afterAll(async () => {
  await sql?.end();
  await app?.close();
  if (dbName) await dropTestDatabase(dbName);
});

describe('the demo practice', () => {
  it('dates its agreed goals’ versions weeks back, before their first measurement', async () => {
    const { rows } = await sql.query(
      `SELECT g.title, r.proposed_at, r.agreed_at, (SELECT min(m.recorded_at) FROM metrics x JOIN measurements m ON m.metric_id = x.id WHERE x.goal_id = g.id) AS first_measured
         FROM goals g JOIN goal_revisions r ON r.goal_id = g.id WHERE g.practice_id = $1 AND g.status = 'agreed'`,
      [practiceId],
    );
    expect(rows.length).toBeGreaterThan(2);
    for (const r of rows) {
      expect(Date.now() - r.agreed_at.getTime()).toBeGreaterThan(30 * DAY);
      expect(r.proposed_at.getTime()).toBeLessThan(r.agreed_at.getTime());
      if (r.first_measured) expect(r.agreed_at.getTime()).toBeLessThan(r.first_measured.getTime());
    }
  });

  it('dates each milestone done on its own due day, not all on the seed’s day', async () => {
    const { rows } = await sql.query(`SELECT to_char(due_on, 'YYYY-MM-DD') AS due, to_char(done_at AT TIME ZONE 'UTC', 'YYYY-MM-DD') AS done FROM milestones WHERE practice_id = $1 AND done`, [practiceId]);
    expect(rows.length).toBeGreaterThan(2);
    for (const r of rows) expect(r.done).toBe(r.due);
    expect(new Set(rows.map((r) => r.done)).size).toBe(rows.length);
  });

  it('has a client answer each goal of a review in different words', async () => {
    const { rows } = await sql.query(`SELECT review_id, what_worked, next_step FROM review_entries WHERE practice_id = $1 AND what_worked IS NOT NULL`, [practiceId]);
    const byReview = new Map<string, string[]>();
    for (const r of rows) byReview.set(r.review_id, [...(byReview.get(r.review_id) ?? []), `${r.what_worked}|${r.next_step}`]);
    expect([...byReview.values()].some((answers) => answers.length > 1)).toBe(true);
    for (const answers of byReview.values()) expect(new Set(answers).size).toBe(answers.length);
  });

  it('describes its failing webhook endpoint as a demo of one that gives up', async () => {
    const { rows } = await sql.query(`SELECT url, description FROM webhook_endpoints WHERE practice_id = $1`, [practiceId]);
    expect(rows).toEqual([{ url: expect.stringMatching(/\.invalid\//), description: expect.stringMatching(/given up/) }]);
  });

  it('gives every coach office hours, so a demo client can book a session', async () => {
    const coaches = (await sql.query(`SELECT id FROM users WHERE practice_id = $1 AND role = 'coach'`, [practiceId])).rows.map((r: { id: string }) => r.id);
    const { rows } = await sql.query(`SELECT user_id, weekly FROM availabilities WHERE practice_id = $1`, [practiceId]);
    expect(rows.map((r: { user_id: string }) => r.user_id).sort()).toEqual([...coaches].sort());
    for (const r of rows as { weekly: unknown[] }[]) expect(r.weekly).toHaveLength(10);
  });
});
