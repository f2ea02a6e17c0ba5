// The portal's screens for reaching every client, in real headless Chromium under the Content Security
// Policy: the notification settings page, the client list showing who has no portal account (with
// "Invite"), and the unsubscribe confirmation page an email links to. Screenshots go to
// .test-results/screenshots/reach/.
import { mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { startApp, TestApp } from './support/app';
import { addClient, addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { deliveryJob } from './support/outbox';
import { createEngagement, scheduleSession } from './support/coaching';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const SHOTS = join(ROOT, '.test-results', 'screenshots', 'reach');
const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let t: TestApp;
let base: string;
let browser: Browser;
let p: PracticeFixture;
let coach: Caller;
let coachEmail: string;
let client: Caller & { clientId: string };
const cspViolations: string[] = [];

async function newPage(): Promise<Page> {
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 860 }, timezoneId: 'UTC', locale: 'en-GB' });
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeout = 15_000): Promise<T> {
  const until = Date.now() + timeout;
  let last: T | undefined;
  for (;;) {
    try {
      last = await read();
      if (ok(last)) return last;
    } catch {
      // not there yet
    }
    if (Date.now() > until) throw new Error(`${what}; last seen: ${JSON.stringify(last)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
const visible = (l: Locator) => l.waitFor({ state: 'visible' });
const containsText = (l: Locator, text: string) => eventually(() => l.textContent(), (v) => squash(v).includes(text), `expected to contain "${text}"`);
/** Nothing on the page is loading any more (asked through locators: the CSP forbids evaluating strings in the page). */
const noneLoading = (page: Page) => eventually(() => page.locator('.loading').count(), (n) => n === 0, `nothing loading on ${page.url()}`);

async function shot(page: Page, name: string): Promise<void> {
  await noneLoading(page);
  // From the top: a sticky header would otherwise be drawn mid-page.
  await page.mouse.wheel(0, -100_000);
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, email: string): Promise<void> {
  await page.goto(`${base}/`);
  await page.getByLabel('Practice').fill(p.slug);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('navigation', { name: 'Main' }));
}

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS, headless: true });
  p = await signupPractice(t);
  coach = await addCoach(t, p, 'Casey Coach');
  coachEmail = coach.email!;
  client = await addClient(t, p, coach, 'Robin Member');
});

afterAll(async () => {
  await browser?.close();
  await t?.close();
});

describe('reaching every client, in the portal', () => {
  it('a client opens notification settings from the inbox, turns session-reminder email off and a daily digest on, and saves', async () => {
    const page = await newPage();
    await signIn(page, client.email!);
    await page.getByRole('link', { name: 'Notifications' }).first().click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Notification settings' }));
    await noneLoading(page);
    // A client's kinds only: no stalled-engagement row; assessment-alert email is a coach's and always on.
    await visible(page.getByRole('checkbox', { name: 'Goals awaiting your agreement by email' }));
    expect(await page.getByRole('checkbox', { name: 'An engagement has stalled by email' }).count()).toBe(0);
    const reminderEmail = page.getByRole('checkbox', { name: 'Session reminders by email' });
    expect(await reminderEmail.isChecked()).toBe(true);
    await reminderEmail.uncheck();
    await page.getByLabel('Digest', { exact: true }).selectOption('daily');
    await page.getByLabel('At', { exact: true }).fill('07:30');
    await page.getByRole('button', { name: 'Save' }).click();
    await containsText(page.getByRole('status'), 'Saved.');
    await shot(page, 'notification-settings-client');
    const saved = (await client.get('/v1/me/notification-preferences').expect(200)).body;
    expect(saved.email.session_reminder).toBe(false);
    expect(saved.inApp.session_reminder).toBe(true);
    expect(saved).toMatchObject({ digest: 'daily', digestTime: '07:30' });
  });

  it('a coach’s settings: assessment-alert email is always on and cannot be unticked; the digest explanation names the kinds never held (the server’s own lists)', async () => {
    const page = await newPage();
    await signIn(page, coachEmail);
    await page.getByRole('link', { name: 'Notifications' }).first().click();
    await page.getByRole('link', { name: 'Settings' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'Notification settings' }));
    await noneLoading(page);
    const alertEmail = page.getByRole('checkbox', { name: 'Assessment alerts by email' });
    expect(await alertEmail.isChecked()).toBe(true);
    expect(await alertEmail.isDisabled()).toBe(true);
    expect(await page.getByRole('checkbox', { name: 'Assessment alerts in the portal' }).isDisabled()).toBe(false);
    expect(await page.getByRole('checkbox', { name: 'Session reminders by email' }).isDisabled()).toBe(false);
    // A coach's kinds only: no goal-agreement prompt.
    expect(await page.getByRole('checkbox', { name: 'Goals awaiting your agreement by email' }).count()).toBe(0);
    await containsText(page.locator('form'), 'everything but session reminders and assessment alerts waits');
    await shot(page, 'notification-settings-coach');
  });

  it('a coach sees who has no portal account yet in the client list, and invites them from there', async () => {
    await coach.post('/v1/clients', { name: 'Avery Without-Account', email: `avery-${Date.now()}@example.test`, timezone: 'Asia/Tokyo' }).expect(201);
    const page = await newPage();
    await signIn(page, coachEmail);
    await page.getByRole('link', { name: 'Clients' }).first().click();
    await visible(page.getByRole('heading', { level: 1, name: 'Clients' }));
    await noneLoading(page);
    const row = page.getByRole('listitem').filter({ hasText: 'Avery Without-Account' });
    await containsText(row, 'No portal account');
    await containsText(row, 'Reminders reach Avery by email until they join the portal.');
    // The client with an account has neither.
    const member = page.getByRole('listitem').filter({ hasText: 'Robin Member' });
    expect(squash(await member.textContent())).not.toContain('No portal account');
    await shot(page, 'clients-without-account');
    await row.getByRole('button', { name: 'Invite Avery Without-Account to the client portal' }).click();
    await containsText(row, 'Invitation link for Avery Without-Account');
    await shot(page, 'clients-invited');
    const pending = await coach.get('/v1/invitations').expect(200);
    expect(pending.body.data.some((i: { email: string }) => i.email.startsWith('avery-'))).toBe(true);
  });

  it('the unsubscribe link of an email shows a page to confirm, under the CSP; confirming stops that kind of email', async () => {
    const c = await coach.post('/v1/clients', { name: 'Jordan Link', email: `jordan-${Date.now()}@example.test`, timezone: 'Europe/Berlin' }).expect(201);
    const e = await createEngagement(coach, c.body.id, { reviewCadence: 'none' });
    await coach.patch(`/v1/engagements/${e}`, { status: 'active' }).expect(200);
    const s = await scheduleSession(coach, e, new Date(Date.UTC(2031, 5, 2, 9)).toISOString());
    // The dev mailbox keeps the message: its HTML part carries the link.
    const [row] = (await t.sql.query(`UPDATE notifications SET due_at = now() WHERE subject_id = $1 AND recipient_client_id = $2 AND (data->>'offsetMinutes')::int = 1440 RETURNING id`, [s.id, c.body.id])).rows;
    expect(await deliveryJob(t).run([{ practiceId: p.practiceId, id: row.id }])).toEqual({ sent: 1 });
    const [mail] = (await t.sql.query(`SELECT html FROM mail_messages WHERE notification_id = $1`, [row.id])).rows;
    const link = /href="([^"]*\/v1\/unsubscribe\/[^"]+)"/.exec(mail.html)![1].replace(t.config.publicUrl, base);

    const page = await newPage();
    await page.goto(link);
    await visible(page.getByRole('heading', { level: 1, name: 'Unsubscribe' }));
    await containsText(page.locator('main'), 'Stop emails about session reminders to jordan-');
    await page.screenshot({ path: join(SHOTS, 'unsubscribe-confirm.png'), fullPage: true });
    await page.getByRole('button', { name: 'Unsubscribe' }).click();
    await visible(page.getByRole('heading', { level: 1, name: 'You are unsubscribed' }));
    await page.screenshot({ path: join(SHOTS, 'unsubscribe-done.png'), fullPage: true });
    const { rows } = await t.sql.query(`SELECT email_off FROM notification_preferences WHERE client_id = $1`, [c.body.id]);
    expect(rows).toEqual([{ email_off: ['session_reminder'] }]);
  });

  it('none of these pages met a Content Security Policy refusal', () => {
    expect(cspViolations).toEqual([]);
  });
});
