// The portal for daily use, in real headless Chromium against the real API: a coach edits and archives a
// client, edits an engagement's details, corrects and deletes a wrong measurement; an overdue review
// reads as overdue on both sides; a notification whose goal is agreed reads as settled and leaves the
// unread count; on a phone the client's menu keeps to one row and the 0–10 rating to one line.
// Screenshots go to SCREENSHOTS_DIR when it is set, else .test-results/screenshots-daily-use/.
import { existsSync, mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { startApp, TestApp } from './support/app';
import { agreedGoal, createEngagement, draftGoal } from './support/coaching';
import { addClient, addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { processOutbox, sendDueNotifications } from './support/outbox';
import { CHROME, CHROME_ARGS, containsText, eventually, noneLoading, squash, visible } from './support/browser';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const SHOTS = process.env.SCREENSHOTS_DIR || join(ROOT, '.test-results', 'screenshots-daily-use');
const PHONE = { width: 375, height: 667 };

let t: TestApp;
let base: string;
let browser: Browser;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let engagementId: string;
let goalId: string;
let metricId: string;
let overdueReviewId: string;
let openReviewId: string;
const contexts: BrowserContext[] = [];

const gone = (l: Locator) => l.waitFor({ state: 'detached' });

async function shot(page: Page, name: string): Promise<void> {
  await noneLoading(page);
  // From the top: a sticky header would otherwise be drawn mid-page.
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function signedIn(email: string, viewport = { width: 1280, height: 860 }): Promise<Page> {
  const ctx = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB' });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error(`page error on ${page.url()}: ${e.message}`));
  await page.goto(`${base}/sign-in`);
  await page.getByLabel('Practice').fill(p.slug);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await visible(page.getByRole('navigation', { name: 'Main' }));
  return page;
}

async function open(page: Page, path: string, heading?: string | RegExp): Promise<void> {
  await page.goto(`${base}${path}`);
  const h1 = page.getByRole('heading', { level: 1 });
  await visible(h1);
  if (heading) await eventually(() => h1.textContent(), (v) => (typeof heading === 'string' ? squash(v).includes(heading) : heading.test(squash(v))), `heading ${heading}`);
  await noneLoading(page);
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'apps', 'portal', 'dist', 'index.html'))) throw new Error('apps/portal/dist is missing: run `npm run build` before the portal tests.');
  mkdirSync(SHOTS, { recursive: true });
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS, headless: true });

  p = await signupPractice(t, { practiceName: 'Northstar Coaching' });
  coach = await addCoach(t, p, 'Marcus Reid');
  client = await addClient(t, p, coach, 'Hannah Clarke');
  // Fixed dates, all in the past whatever day the test runs: the reviews below are due long ago.
  engagementId = await createEngagement(coach, client.clientId, { title: 'Leadership 2027', startsOn: '2026-10-01', reviewCadence: 'none' });
  await coach.patch(`/v1/engagements/${engagementId}`, { status: 'active' }).expect(200);
  goalId = await agreedGoal(coach, client, engagementId, { title: 'Speak up in meetings' });
  metricId = (await coach.post(`/v1/goals/${goalId}/metrics`, { name: 'Confidence', unit: 'points (1–10)', baseline: 3, target: 8 }).expect(201)).body.id;
  await client.post(`/v1/metrics/${metricId}/measurements`, { value: 3.5, recordedAt: '2026-10-20T09:00:00.000Z' }).expect(201);
  await client.post(`/v1/metrics/${metricId}/measurements`, { value: 45, recordedAt: '2026-10-27T09:00:00.000Z', note: 'after the board meeting' }).expect(201);
  overdueReviewId = (await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2026-10-01', periodEnd: '2026-10-14', dueAt: '2026-10-17T12:00:00.000Z' }).expect(201)).body.id;
  openReviewId = (await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: '2026-10-15', periodEnd: '2026-10-28', dueAt: '2099-10-31T12:00:00.000Z' }).expect(201)).body.id;
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

describe('a coach', () => {
  it('edits a client’s details', async () => {
    const page = await signedIn(coach.email!);
    await open(page, `/clients/${client.clientId}`, 'Hannah Clarke');
    await page.getByRole('button', { name: 'Edit details' }).click();
    const form = page.getByRole('form', { name: 'Client details' });
    await form.getByLabel('Name').fill('Hannah Clarke-Obi');
    await form.getByLabel('Time zone').selectOption('Europe/London');
    await shot(page, 'coach-client-edit-desktop');
    await form.getByRole('button', { name: 'Save details' }).click();
    await gone(form);
    await containsText(page.getByRole('heading', { level: 1 }), 'Hannah Clarke-Obi');
    const saved = (await coach.get(`/v1/clients/${client.clientId}`).expect(200)).body;
    expect(saved).toMatchObject({ name: 'Hannah Clarke-Obi', timezone: 'Europe/London', status: 'active' });
  });

  it('archives a client after confirming, and restores them', async () => {
    const other = (await coach.post('/v1/clients', { name: 'Leo Park', email: `leo-${Date.now()}@example.test` }).expect(201)).body;
    const page = await signedIn(coach.email!);
    await open(page, `/clients/${other.id}`, 'Leo Park');
    await page.getByRole('button', { name: 'Archive client' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Archive this client?' });
    await visible(confirm);
    await shot(page, 'coach-client-archive-confirm-desktop');
    // Nothing happens before the confirmation.
    expect((await coach.get(`/v1/clients/${other.id}`).expect(200)).body.status).toBe('active');
    await confirm.getByRole('button', { name: 'Archive', exact: true }).click();
    await visible(page.getByRole('button', { name: 'Restore client' }));
    expect((await coach.get(`/v1/clients/${other.id}`).expect(200)).body.status).toBe('archived');
    await page.getByRole('button', { name: 'Restore client' }).click();
    await visible(page.getByRole('button', { name: 'Archive client' }));
    expect((await coach.get(`/v1/clients/${other.id}`).expect(200)).body.status).toBe('active');
  });

  it('edits an engagement’s title, dates, allocation and cadences', async () => {
    const page = await signedIn(coach.email!);
    const id = await createEngagement(coach, client.clientId, { title: 'Second chapter', startsOn: '2026-11-01', plannedSessions: 6 });
    await open(page, `/engagements/${id}`, 'Second chapter');
    await page.getByRole('button', { name: 'Edit details' }).click();
    const form = page.getByRole('form', { name: 'Engagement details' });
    await form.getByLabel('Title').fill('Second chapter: the new team');
    await form.getByLabel('Starts on').fill('2026-11-15');
    await form.getByLabel('Ends on (optional)').fill('2027-05-31');
    await form.getByLabel('Planned sessions').fill('10');
    await form.getByLabel('Session cadence').selectOption('weekly');
    await form.getByLabel('Review cadence').selectOption('biweekly');
    await shot(page, 'coach-engagement-edit-desktop');
    await form.getByRole('button', { name: 'Save details' }).click();
    await gone(form);
    await containsText(page.getByRole('heading', { level: 1 }), 'Second chapter: the new team');
    const saved = (await coach.get(`/v1/engagements/${id}`).expect(200)).body;
    expect(saved).toMatchObject({ title: 'Second chapter: the new team', startsOn: '2026-11-15', endsOn: '2027-05-31', plannedSessions: 10, sessionCadence: 'weekly', reviewCadence: 'biweekly', status: 'planned' });
  });

  it('corrects a wrong measurement and deletes another; the chart follows', async () => {
    const page = await signedIn(coach.email!);
    await open(page, `/goals/${goalId}`, 'Speak up in meetings');
    const metric = page.getByRole('group', { name: 'Confidence' });
    // The unit is said once with its scale in the name, and only as a word after a number.
    await containsText(metric.getByRole('heading', { level: 4 }), 'Confidence (points, 1–10)');
    await containsText(metric, 'now 45 points');
    expect(squash(await metric.textContent())).not.toContain('points (1–10) (');
    await metric.getByText('Measurements (2)').click();
    await metric.getByRole('button', { name: /^Correct 45 points/ }).click();
    const fix = metric.getByRole('form', { name: 'Correct the Confidence measurement' });
    await fix.getByLabel('Confidence (points, 1–10)').fill('4.5');
    await shot(page, 'coach-measurement-correct-desktop');
    await fix.getByRole('button', { name: 'Save correction' }).click();
    await containsText(metric, 'now 4.5 points');
    const values = async () => ((await coach.get(`/v1/metrics/${metricId}/measurements`).expect(200)).body.data as { value: number }[]).map((m) => m.value);
    expect(await values()).toEqual([3.5, 4.5]);

    // The goal reloads with the corrected value: open the list again if it closed.
    const list = metric.locator('details', { has: page.getByText(/^Measurements \(/) });
    if ((await list.getAttribute('open')) === null) await list.getByText(/^Measurements \(/).click();
    await metric.getByRole('button', { name: /^Delete 3.5 points/ }).click();
    await metric.getByRole('group', { name: 'Confirm deletion' }).getByRole('button', { name: 'Delete' }).click();
    await eventually(() => metric.locator('figure.chart').getAttribute('data-points'), (v) => v === '1', 'the chart drawing one point');
    expect(await values()).toEqual([4.5]);
  });
});

describe('overdue and settled states', () => {
  it('an overdue review reads overdue for the coach and the client, an open one not yet due does not', async () => {
    const coachPage = await signedIn(coach.email!);
    await open(coachPage, `/engagements/${engagementId}`, 'Leadership 2027');
    const reviews = coachPage.getByRole('region', { name: 'Reviews' });
    await containsText(reviews, 'Overdue');
    await open(coachPage, `/reviews/${overdueReviewId}`);
    await visible(coachPage.getByText('Overdue', { exact: true }).first());
    await shot(coachPage, 'coach-review-overdue-desktop');

    const clientPage = await signedIn(client.email!);
    await visible(clientPage.getByRole('link', { name: /Progress review overdue/ }));
    await shot(clientPage, 'client-home-overdue-desktop');
    await open(clientPage, '/reviews');
    const overdue = clientPage.getByRole('link', { name: /14 Oct 2026/ });
    await containsText(overdue, 'Overdue');
    const notDue = clientPage.getByRole('link', { name: /28 Oct 2026/ });
    await containsText(notDue, 'Open');
    expect(squash(await notDue.textContent())).not.toContain('Overdue');
  });

  it('a goal prompt reads as settled once the goal is agreed, and leaves the unread count', async () => {
    const g = await draftGoal(coach, engagementId, { title: 'Delegate the weekly report' });
    const proposed = await coach.post(`/v1/goals/${g.id}/propose`).expect(200);
    await processOutbox(t);
    await sendDueNotifications(t, p.practiceId);
    const page = await signedIn(client.email!);
    const unreadCount = async () => {
      const count = page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: /^Notifications/ }).locator('.nav-badge [aria-hidden="true"]');
      return (await count.count()) ? Number(squash(await count.textContent())) : 0;
    };
    const unreadBefore = await eventually(unreadCount, (n) => n > 0, 'an unread count');
    await open(page, '/notifications', 'Notifications');
    await visible(page.getByRole('link', { name: /A goal awaits your agreement: Delegate the weekly report/ }));

    await client.post(`/v1/goals/${g.id}/agree`, { version: proposed.body.version }).expect(200);
    await open(page, '/notifications', 'Notifications');
    const settled = page.getByRole('link', { name: /Goal agreed: Delegate the weekly report/ });
    await visible(settled);
    await containsText(settled, 'Settled');
    expect(await page.getByRole('link', { name: /awaits your agreement: Delegate the weekly report/ }).count()).toBe(0);
    await shot(page, 'client-notifications-settled-desktop');
    expect(await eventually(unreadCount, (n) => n === unreadBefore - 1, 'the unread count one less')).toBe(unreadBefore - 1);
  });
});

describe('on a phone', () => {
  it('the client’s menu keeps to one row, the header stays short, and the 0–10 rating fits on one line', async () => {
    const page = await signedIn(client.email!, PHONE);
    const nav = page.getByRole('navigation', { name: 'Main' });
    const tops = new Set<number>();
    for (const name of ['Home', 'Goals', 'Sessions', 'Reviews', 'Wins']) {
      const box = (await nav.getByRole('link', { name: new RegExp(`^${name}`) }).boundingBox())!;
      expect(box.x).toBeGreaterThanOrEqual(0);
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      tops.add(Math.round(box.y));
    }
    expect(tops.size).toBe(1);
    const inbox = (await page.getByRole('banner').getByRole('link', { name: /^Notifications/ }).boundingBox())!;
    expect(inbox.x + inbox.width).toBeLessThanOrEqual(PHONE.width);
    const header = (await page.getByRole('banner').boundingBox())!;
    expect(header.height).toBeLessThanOrEqual(PHONE.height / 7);
    await shot(page, 'client-home-phone');

    await open(page, `/reviews/${openReviewId}`);
    const rating = page.getByRole('group', { name: /How did it go/ }).first();
    await visible(rating);
    const ys = new Set<number>();
    for (let n = 0; n <= 10; n++) {
      const box = (await rating.getByText(String(n), { exact: true }).boundingBox())!;
      expect(box.x + box.width).toBeLessThanOrEqual(PHONE.width);
      ys.add(Math.round(box.y));
    }
    expect(ys.size).toBe(1);
    // The legend sits inside its box: not cut by the border.
    const legend = (await rating.locator('legend').boundingBox())!;
    const box = (await rating.boundingBox())!;
    expect(legend.y).toBeGreaterThanOrEqual(box.y);
    expect(legend.x).toBeGreaterThanOrEqual(box.x);
    expect(legend.x + legend.width).toBeLessThanOrEqual(box.x + box.width);
    const seven = rating.getByRole('radio', { name: '7', exact: true });
    await seven.focus();
    await page.keyboard.press('Space');
    await eventually(() => seven.isChecked(), (v) => v, 'the rating 7 chosen');
    await shot(page, 'client-review-rating-phone');

    // An action item's box sits beside its text.
    await coach.post(`/v1/sessions/${(await coach.post(`/v1/engagements/${engagementId}/sessions`, { startsAt: '2099-03-02T10:00:00.000Z', durationMinutes: 60 }).expect(201)).body.id}/action-items`, { title: 'Write down three points to raise at every weekly leadership meeting before it starts', dueOn: '2099-03-09' }).expect(201);
    await open(page, '/');
    const item = page.getByRole('checkbox', { name: /Write down three points/ });
    const check = (await item.boundingBox())!;
    const text = (await page.getByText(/Write down three points/).first().boundingBox())!;
    expect(Math.abs(check.y - text.y)).toBeLessThan(12);
    expect(check.x).toBeLessThan(text.x);
    await shot(page, 'client-home-action-item-phone');
  });

  it('a coach’s new actions fit the screen: client details, engagement details and the measurement list', async () => {
    const page = await signedIn(coach.email!, PHONE);
    const fits = () =>
      eventually(
        () => page.evaluate(`[document.documentElement.scrollWidth, window.innerWidth]`) as Promise<[number, number]>,
        ([scroll, inner]) => scroll <= inner,
        `no horizontal overflow on ${page.url()}`,
        5_000,
      );
    await open(page, `/clients/${client.clientId}`);
    await page.getByRole('button', { name: 'Edit details' }).click();
    await visible(page.getByRole('form', { name: 'Client details' }));
    await fits();
    await shot(page, 'coach-client-edit-phone');
    await open(page, `/engagements/${engagementId}`);
    await page.getByRole('button', { name: 'Edit details' }).click();
    await visible(page.getByRole('form', { name: 'Engagement details' }));
    await fits();
    await shot(page, 'coach-engagement-edit-phone');
    await open(page, `/goals/${goalId}`);
    const metric = page.getByRole('group', { name: 'Confidence' });
    await metric.getByText(/^Measurements \(/).click();
    await visible(metric.getByRole('button', { name: /^Correct / }).first());
    await fits();
    await shot(page, 'coach-measurements-phone');
    await open(page, '/notifications', 'Notifications');
    await fits();
    await shot(page, 'coach-notifications-phone');
  });
});
