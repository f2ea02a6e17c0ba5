// The between-session screens in real headless Chromium against the real API: a client answers a PHQ-9
// on a phone, one question per screen (leaving halfway and coming back), and sees their score but no
// alert text; the coach sees the safety alert banner and the trend chart with its bands, and
// acknowledges the alert. Each screen passes axe-core with nothing serious or critical. Screenshots go
// to .test-results/screenshots/.
import { existsSync, mkdirSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { PHQ9_ITEM9_ALERT } from '@app/core/forms/scoring';
import { startApp, TestApp } from './support/app';
import { activeEngagement } from './support/coaching';
import { addClient, addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { CHROME, CHROME_ARGS, containsText, eventually, noneLoading, squash, visible } from './support/browser';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const SHOTS = join(ROOT, '.test-results', 'screenshots');
const PHONE = { width: 390, height: 844 };

let t: TestApp;
let base: string;
let browser: Browser;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let engagementId: string;
let assignmentId: string;
const contexts: BrowserContext[] = [];

// bypassCSP only for axe-core, which is injected as a script the portal's policy refuses.
async function newPage(viewport = { width: 1280, height: 860 }, opts: { bypassCSP?: boolean } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB', ...opts });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => console.error(`page error on ${page.url()}: ${e.message}`));
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await noneLoading(page);
  await page.evaluate('window.scrollTo(0, 0)');
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

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** What axe-core finds serious or critical on the page as it stands, one line per rule. */
async function axeFindings(page: Page): Promise<string[]> {
  await noneLoading(page);
  if (!(await page.evaluate(`typeof window.axe !== 'undefined'`))) await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string | null; help: string; targets: string[] }[];
  const where = new URL(page.url()).pathname;
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${where}: ${v.id} [${v.impact}] ${v.help} at ${v.targets.join(' | ')}`);
}

/** Answers the question on screen with the option whose label starts with `value`. */
async function choose(page: Page, value: number): Promise<void> {
  await page.getByRole('radio', { name: new RegExp(`^${value} · `) }).check();
}

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'apps', 'portal', 'dist', 'index.html'))) throw new Error('apps/portal/dist is missing: run `npm run build` before the portal tests.');
  mkdirSync(SHOTS, { recursive: true });
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS, headless: true });
  p = await signupPractice(t, { practiceName: 'Northstar Coaching' });
  coach = await addCoach(t, p, 'A Coach');
  client = await addClient(t, p, coach, 'A Client');
  engagementId = await activeEngagement(coach, client.clientId);
  // Assigned every two weeks, answered once before: the chart will have two points.
  assignmentId = (await coach.post(`/v1/engagements/${engagementId}/assignments`, { formId: 'phq-9', recurrence: 'biweekly' }).expect(201)).body.id;
  await client.post(`/v1/assignments/${assignmentId}/responses`, { answers: [2, 2, 2, 2, 1, 1, 1, 1, 0].map((value, i) => ({ questionId: `q${i + 1}`, value })) }).expect(201);
});
afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

describe('between sessions in the portal', () => {
  it('a client completes a PHQ-9 on a phone, one question per screen, leaving halfway and coming back, and sees the score without any alert text', async () => {
    const page = await newPage(PHONE);
    await signIn(page, client.email!);
    await page.getByRole('link', { name: 'Forms' }).first().click();
    await visible(page.getByRole('heading', { name: 'Forms and check-ins', level: 1 }));
    await noneLoading(page);
    await page.getByRole('link', { name: /PHQ-9/ }).click();
    await visible(page.getByText('Question 1 of 9'));
    const progress = page.getByRole('progressbar', { name: 'Question 1 of 9' });
    await visible(progress);
    await shot(page, 'between-client-phq9-question');
    // Only the first question is on screen; Next waits for an answer.
    expect(await page.getByRole('group').count()).toBe(1);
    expect(await page.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);
    for (const v of [1, 1, 2]) {
      await choose(page, v);
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await visible(page.getByText('Question 4 of 9'));
    // Leave halfway, then come back: the answers and the place are kept.
    await page.getByRole('button', { name: 'Save and finish later' }).click();
    await visible(page.getByRole('heading', { name: 'Forms and check-ins', level: 1 }));
    await containsText(page.getByRole('link', { name: /PHQ-9/ }), 'In progress');
    await page.getByRole('link', { name: /PHQ-9/ }).click();
    await visible(page.getByText('Question 4 of 9'));
    await page.getByRole('button', { name: 'Back' }).click();
    await visible(page.getByText('Question 3 of 9'));
    expect(await page.getByRole('radio', { name: /^2 · / }).isChecked()).toBe(true);
    await page.getByRole('button', { name: 'Next' }).click();
    for (const v of [1, 0, 1, 0, 0]) {
      await choose(page, v);
      await page.getByRole('button', { name: 'Next' }).click();
    }
    await visible(page.getByText('Question 9 of 9'));
    await choose(page, 1);
    await page.getByRole('button', { name: 'Submit' }).click();
    await visible(page.getByRole('heading', { name: 'Thank you' }));
    await containsText(page.locator('.score-result'), 'Your score: 7 mild');
    expect(await page.content()).not.toContain(PHQ9_ITEM9_ALERT);
    // Fits the phone: nothing wider than the screen.
    expect(Number(await page.evaluate('document.documentElement.scrollWidth'))).toBeLessThanOrEqual(PHONE.width);
    await shot(page, 'between-client-phq9-done');
    // The score history: two points.
    await page.getByRole('link', { name: 'Back to your forms' }).click();
    await visible(page.getByRole('heading', { name: 'Forms and check-ins', level: 1 }));
    await noneLoading(page);
    expect(await page.locator('figure.score-chart').getAttribute('data-points')).toBe('2');
    await shot(page, 'between-client-forms');
    const saved = (await client.get(`/v1/assignments/${assignmentId}/responses`).expect(200)).body.data;
    expect(saved[1]).toMatchObject({ score: 7, band: 'mild', alerts: [] });
  });

  it('the coach sees the alert banner and the trend chart with its bands, and acknowledges the alert (audited)', async () => {
    const page = await newPage();
    await signIn(page, coach.email!);
    // The dashboard names the waiting alert and leads to the engagement.
    const waiting = page.getByRole('alert').filter({ hasText: 'Safety alert waiting for you' });
    await visible(waiting);
    await waiting.getByRole('link', { name: /A Client: PHQ-9/ }).click();
    const banner = page.getByRole('alert').filter({ hasText: 'Safety alert' });
    await visible(banner);
    await containsText(banner, PHQ9_ITEM9_ALERT);
    await containsText(banner, 'A Client');
    const chart = page.locator('figure.score-chart');
    await visible(chart);
    expect(await chart.getAttribute('data-points')).toBe('2');
    expect(await chart.locator('[data-band]').count()).toBe(5);
    await containsText(chart, 'moderately severe');
    await shot(page, 'between-coach-engagement');
    await banner.getByRole('button', { name: 'Acknowledge' }).click();
    await eventually(() => page.getByRole('alert').filter({ hasText: 'Safety alert' }).count(), (n) => n === 0, 'the banner to go');
    const [response] = (await coach.get(`/v1/assessment-alerts?acknowledged=true`).expect(200)).body.data;
    const audit = await p.owner.get(`/v1/audit-events?entityId=${response.responseId}`).expect(200);
    expect(audit.body.data.map((e: { action: string; actorId: string }) => [e.action, e.actorId])).toContainEqual(['acknowledge', coach.userId]);
  });

  it('the client writes in the journal and shares one entry; the coach reads only the shared one', async () => {
    const page = await newPage(PHONE);
    await signIn(page, client.email!);
    await page.goto(`${base}/journal`);
    await visible(page.getByRole('heading', { name: 'Journal', level: 1 }));
    await noneLoading(page);
    await page.getByLabel('Today').fill('Kept to myself: a private thought.');
    await page.getByRole('button', { name: 'Save entry' }).click();
    await containsText(page.locator('.journal-list'), 'a private thought');
    await page.getByLabel('Today').fill('Shared: the walk helped.');
    await page.getByRole('radio', { name: 'Good' }).check();
    await page.getByLabel('Share this entry with my coach').check();
    await page.getByRole('button', { name: 'Save entry' }).click();
    await containsText(page.locator('.journal-list'), 'Shared with your coach');
    await shot(page, 'between-client-journal');

    const coachPage = await newPage();
    await signIn(coachPage, coach.email!);
    await coachPage.goto(`${base}/engagements/${engagementId}`);
    const shared = coachPage.locator('.card').filter({ has: coachPage.getByRole('heading', { name: 'Shared journal' }) });
    await containsText(shared, 'the walk helped');
    expect(squash(await shared.textContent())).not.toContain('private thought');
  });

  it('the new screens of both portals pass axe-core with nothing serious or critical', async () => {
    const findings: string[] = [];
    const asClient = await newPage(PHONE, { bypassCSP: true });
    await signIn(asClient, client.email!);
    for (const path of ['/forms', '/journal', `/assignments/${assignmentId}`]) {
      await asClient.goto(`${base}${path}`);
      await visible(asClient.getByRole('heading', { level: 1 }));
      findings.push(...(await axeFindings(asClient)));
    }
    const asCoach = await newPage(undefined, { bypassCSP: true });
    await signIn(asCoach, coach.email!);
    // With an alert waiting, so the banner is checked too.
    await client.post(`/v1/assignments/${assignmentId}/responses`, { answers: [0, 0, 0, 0, 0, 0, 0, 0, 2].map((value, i) => ({ questionId: `q${i + 1}`, value })) }).expect(201);
    await asCoach.goto(`${base}/engagements/${engagementId}`);
    await visible(asCoach.getByRole('alert').filter({ hasText: 'Safety alert' }));
    findings.push(...(await axeFindings(asCoach)));
    expect(findings).toEqual([]);
  });
});
