// The portal in real headless Chromium against the real API (served by it, on a real port): a coach
// plans a session and proposes a goal, the client agrees, adds a topic, logs a measurement and submits a
// review, the coach sees the review and the chart move; the coach records a session's results, the
// client asks for changes and ticks off what is done, the owner sets up the team and integrations, and
// every client page fits a phone. A real worker turns events into notifications, mail and webhook
// deliveries. Screenshots go to .test-results/screenshots/.
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { createServer, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { startApp, TestApp } from './support/app';
import { SMART, createEngagement, draftGoal, scheduleSession } from './support/coaching';
import { addClient, addCoach, Caller, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { ChildRun, exitWithin, freePort, startWorker, waitFor, workerEnv } from './support/processes';
import { CHROME, CHROME_ARGS, containsText, eventually, noneLoading, squash, visible } from './support/browser';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const SHOTS = join(ROOT, '.test-results', 'screenshots');

let t: TestApp;
let base: string;
let browser: Browser;
let p: PracticeFixture;
let coach: Caller;
let client: Caller & { clientId: string };
let coachEmail: string;
let clientEmail: string;
let engagementId: string;
let coachPage: Page;
let clientPage: Page;
const contexts: BrowserContext[] = [];
let worker: ChildRun;
/** A webhook receiver of the test's own: what it was sent. */
let receiver: Server;
let receiverUrl: string;
const received: { type: string; body: string }[] = [];
let runGoalId: string;
let cookGoalId: string;
let sessionId: string;
const PRIVATE_NOTE = 'Worried about the travel month; revisit pacing next time.';
/** What Chromium refused under the Content Security Policy, on any page of any test here. */
const cspViolations: string[] = [];

async function newPage(viewport = { width: 1280, height: 860 }, opts: { bypassCSP?: boolean } = {}): Promise<Page> {
  const ctx = await browser.newContext({ viewport, timezoneId: 'UTC', locale: 'en-GB', ...opts });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  // A broken page shows up in the test's output, not only in a screenshot.
  page.on('pageerror', (e) => {
    console.error(`page error on ${page.url()}: ${e.message}`);
    if (/Content Security Policy/i.test(e.message)) cspViolations.push(`${page.url()}: ${e.message}`);
  });
  page.on('console', (m) => {
    if (/Content Security Policy/i.test(m.text())) cspViolations.push(`${page.url()}: ${m.text()}`);
  });
  return page;
}

// playwright-core has no assertion library: these wait for the page to settle into what is expected.
const hasText = (l: Locator, text: string) => eventually(() => l.textContent(), (v) => squash(v) === text, `expected text "${text}"`);
const hasTitle = (page: Page, title: string) => eventually(() => page.title(), (v) => v === title, `expected the page title "${title}"`);
const hasAttribute = (l: Locator, name: string, value: string) => eventually(() => l.getAttribute(name), (v) => v === value, `expected ${name}="${value}"`);

/** Nothing on the page is loading any more (asked through locators: the portal's CSP forbids evaluating strings in it). */

/** A full-page screenshot once nothing on the page is loading any more. */
async function shot(page: Page, name: string): Promise<void> {
  await noneLoading(page);
  // From the top: a sticky header would otherwise be drawn mid-page.
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
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** What axe-core finds serious or critical on the page as it stands, one line per rule and page. */
async function axeFindings(page: Page, state = ''): Promise<string[]> {
  if (!(await page.evaluate(`typeof window.axe !== 'undefined'`))) await page.addScriptTag({ path: AXE });
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as AxeViolation[];
  const where = new URL(page.url()).pathname + (state ? ` (${state})` : '');
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${where}: ${v.id} [${v.impact}] ${v.help} at ${v.targets.join(' | ')}`);
}

/** Opens the page, waits until it has loaded, and checks it with axe as shown and with every disclosure open. */
async function axePage(page: Page, path: string): Promise<string[]> {
  await page.goto(`${base}${path}`);
  await visible(page.getByRole('heading', { level: 1 }));
  await noneLoading(page);
  const found = await axeFindings(page);
  if ((await page.locator('details:not([open])').count()) > 0) {
    await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
    await noneLoading(page);
    found.push(...(await axeFindings(page, 'disclosures open')));
  }
  return found;
}

/** Signs a fresh browser in with a caller's tokens, as the portal stores them. */
async function signedInPage(caller: Caller): Promise<Page> {
  const page = await newPage(undefined, { bypassCSP: true });
  await page.goto(`${base}/sign-in`);
  await page.evaluate(`localStorage.setItem('coaching-portal.session', ${JSON.stringify(JSON.stringify({ accessToken: caller.token, refreshToken: caller.refreshToken }))})`);
  return page;
}

/** The focused element: what it is, its name, and whether the focus shows (an outline or a ring). */
interface Focused {
  tag: string;
  text: string;
  href: string | null;
  label: string | null;
  shows: boolean;
  onScreen: boolean;
}
const focused = (page: Page) =>
  page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return { tag: 'body', text: '', href: null, label: null, shows: false, onScreen: false };
    const cs = getComputedStyle(el);
    const r = el.getBoundingClientRect();
    const label = el.id ? document.querySelector('label[for="' + el.id + '"]') : null;
    return {
      tag: el.tagName.toLowerCase(),
      text: (el.textContent || '').replace(/\\s+/g, ' ').trim(),
      href: el.getAttribute('href'),
      label: el.getAttribute('aria-label') || (label ? label.textContent.trim() : null),
      shows: (cs.outlineStyle !== 'none' && parseFloat(cs.outlineWidth) > 0) || cs.boxShadow !== 'none',
      onScreen: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
    };
  })()`) as Promise<Focused>;

/** Presses Tab (or Shift+Tab) until the focus is on what is wanted, each stop with its focus showing. */
async function tabTo(page: Page, want: (f: Focused) => boolean, what: string, key = 'Tab', limit = 60): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < limit; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    seen.push(f.label ?? f.text.slice(0, 40));
    if (f.tag !== 'body' && f.tag !== 'h1') {
      if (!f.shows) throw new Error(`the focus on "${f.label ?? f.text}" (${f.tag}) does not show`);
      if (!f.onScreen) throw new Error(`the focused "${f.label ?? f.text}" (${f.tag}) is off screen`);
    }
    if (want(f)) return f;
  }
  throw new Error(`${what} not reached with ${key}; stops: ${seen.join(' → ')}`);
}

/** The number of points a metric's chart draws. */
const chartPoints = async (page: Page, metric: string) => Number(await page.getByRole('group', { name: metric }).locator('figure.chart').getAttribute('data-points'));

beforeAll(async () => {
  if (!existsSync(join(ROOT, 'apps', 'portal', 'dist', 'index.html'))) throw new Error('apps/portal/dist is missing: run `npm run build` before the portal tests.');
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  // The test's webhook receiver listens on loopback.
  t = await startApp({ WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true' });
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS, headless: true });

  // The practice, its people and an active engagement come from the API; the browser does the flows.
  p = await signupPractice(t, { practiceName: 'Northstar Coaching' });
  coach = await addCoach(t, p, 'Marcus Reid');
  client = await addClient(t, p, coach, 'Hannah Clarke');
  coachEmail = coach.email!;
  clientEmail = client.email!;
  // No review cadence: the worker opens no periodic review beside the one the test opens.
  engagementId = await createEngagement(coach, client.clientId, { startsOn: DateTime.now().minus({ days: 30 }).toISODate(), reviewCadence: 'none' });
  await coach.patch(`/v1/engagements/${engagementId}`, { status: 'active' }).expect(200);

  // An agreed goal with a metric measured twice and a milestone, and a SMART draft for the coach to propose.
  const run = await draftGoal(coach, engagementId, { title: 'Run a 5k', targetDate: DateTime.now().plus({ months: 6 }).toISODate() });
  runGoalId = run.id;
  const metric = await coach.post(`/v1/goals/${run.id}/metrics`, { name: '5 km time', unit: 'min', baseline: 35, target: 28 }).expect(201);
  await coach.post(`/v1/goals/${run.id}/milestones`, { title: 'Run 3 km without stopping', dueOn: DateTime.now().plus({ weeks: 3 }).toISODate() }).expect(201);
  const proposed = await coach.post(`/v1/goals/${run.id}/propose`).expect(200);
  await client.post(`/v1/goals/${run.id}/agree`, { version: proposed.body.version }).expect(200);
  for (const [days, value] of [[12, 34], [5, 32.5]] as const) {
    await coach.post(`/v1/metrics/${metric.body.id}/measurements`, { value, recordedAt: DateTime.now().minus({ days }).toUTC().toISO() }).expect(201);
  }
  await draftGoal(coach, engagementId, { ...SMART, title: 'Sleep before 23:00', specific: 'Lights out by 23:00 on weeknights', measurable: 'Nights in bed by 23:00, logged each week' });
  // An agreed goal whose terms the coach then changes: version 2 awaits the client, who sees what changed.
  const cook = await draftGoal(coach, engagementId, { ...SMART, title: 'Cook at home', specific: 'Cook dinner at home three evenings a week' });
  cookGoalId = cook.id;
  await coach.post(`/v1/goals/${cook.id}/propose`).expect(200);
  await client.post(`/v1/goals/${cook.id}/agree`, { version: 1 }).expect(200);
  await coach.patch(`/v1/goals/${cook.id}`, { specific: 'Cook dinner at home four evenings a week' }).expect(200);
  // A review the client answers in the browser.
  const today = DateTime.now().setZone('Europe/Berlin');
  await coach.post(`/v1/engagements/${engagementId}/reviews`, { periodStart: today.minus({ days: 14 }).toISODate(), periodEnd: today.toISODate() }).expect(201);

  // The worker: notifications, the development mailbox (no SMTP_URL) and webhook deliveries.
  worker = startWorker({
    ...workerEnv(t),
    WEBHOOK_ALLOW_PRIVATE_TARGETS: 'true',
    WORKER_HEALTH_PORT: String(await freePort()),
    SCHEDULER_EVERY_MS: '300',
    WEBHOOK_RETRY_BASE_SECONDS: '60',
    DATABASE_POOL_SIZE: '4',
  });
  receiver = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      received.push({ type: String(JSON.parse(body || '{}').type ?? ''), body });
      res.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;

  coachPage = await newPage();
  clientPage = await newPage();
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  if (worker && worker.child.exitCode === null && worker.child.signalCode === null) {
    worker.child.kill('SIGTERM');
    await exitWithin(worker, 15_000).catch(() => worker.child.kill('SIGKILL'));
  }
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await t?.close();
});

/** The bits of an <svg> element the phone test reads (the test compiles without the DOM's types). */
interface DrawnSvg {
  getBoundingClientRect(): { width: number };
  viewBox: { baseVal: { width: number } };
}

/** The page is no wider than the screen: nothing pushes it sideways. */
const fitsTheScreen = (page: Page) =>
  eventually(
    () => page.evaluate(`[document.documentElement.scrollWidth, window.innerWidth]`) as Promise<[number, number]>,
    ([scroll, inner]) => scroll <= inner,
    `no horizontal overflow on ${page.url()}`,
    5_000,
  );

describe('the portal', () => {
  it('is served at / with every page address falling back to the app, while unknown API routes stay problem+json', async () => {
    const index = await fetch(`${base}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<div id="root">');
    const deep = await fetch(`${base}/goals/0190f2b4-0000-7000-8000-000000000000`, { headers: { accept: 'text/html' } });
    expect(deep.status).toBe(200);
    expect(deep.headers.get('content-type')).toMatch(/text\/html/);
    const api = await fetch(`${base}/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect((await fetch(`${base}/openapi.json`)).headers.get('content-type')).toMatch(/application\/json/);
  });

  it('a coach signs in, plans a session with an agenda tied to a goal, and proposes a goal', async () => {
    const page = coachPage;
    await page.goto(`${base}/`);
    await page.waitForURL(/\/sign-in$/);
    await shot(page, '01-sign-in');
    await signIn(page, coachEmail);
    await containsText(page.getByRole('heading', { level: 1 }), 'Marcus');
    await shot(page, '02-coach-dashboard');

    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await page.getByRole('link', { name: /Hannah Clarke/ }).click();
    await page.getByRole('link', { name: /Leadership 2027/ }).click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Leadership 2027');
    await hasAttribute(page.getByRole('group', { name: '5 km time' }).locator('figure.chart'), 'data-points', '2');
    await shot(page, '03-coach-engagement');

    // Pick a time, three days from now at 10:00 in the coach's zone.
    await page.getByRole('link', { name: 'Plan a session' }).first().click();
    const coachZone = (await coach.get('/v1/me').expect(200)).body.timezone as string;
    const start = DateTime.now().setZone(coachZone).plus({ days: 3 }).set({ hour: 10, minute: 0, second: 0, millisecond: 0 });
    await page.getByLabel('Starts at').fill(start.toFormat("yyyy-MM-dd'T'HH:mm"));
    await page.getByLabel('Location (optional)').fill('Studio 2');
    await page.getByRole('button', { name: 'Book session and build agenda' }).click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Session with Hannah Clarke');

    // The agenda: an objective tied to the goal, a barrier with its strategy, an outcome tied to the metric.
    await page.getByLabel('Objective', { exact: true }).fill('Agree a weekly running plan');
    await page.getByLabel('For goal').selectOption({ label: 'Run a 5k' });
    await page.getByRole('button', { name: 'Add objective' }).click();
    const objectives = page.getByRole('region', { name: 'Objectives' });
    await containsText(objectives, 'Agree a weekly running plan');
    await containsText(objectives, 'Goal: Run a 5k');
    await page.getByLabel('Barrier', { exact: true }).fill('Late meetings on Tuesdays');
    await page.getByLabel('Strategy', { exact: true }).fill('Run before work instead');
    await page.getByRole('button', { name: 'Add barrier' }).click();
    await containsText(page.getByRole('region', { name: 'Barriers and strategies' }), 'Strategy: Run before work instead');
    await page.getByLabel('Outcome', { exact: true }).fill('Faster 5 km');
    await page.getByLabel('Target', { exact: true }).fill('31');
    await page.getByRole('button', { name: 'Add outcome' }).click();
    await containsText(page.getByRole('region', { name: 'Measurable outcomes' }), '5 km time');
    await shot(page, '04-coach-session-planner');

    // The API holds what the planner built: the objective names the goal.
    const sessions = (await coach.get(`/v1/sessions?engagementId=${engagementId}`).expect(200)).body.data;
    expect(sessions).toHaveLength(1);
    expect(new Date(sessions[0].startsAt).toISOString()).toBe(start.toUTC().toISO());
    const agenda = (await coach.get(`/v1/sessions/${sessions[0].id}/agenda`).expect(200)).body;
    const goals = (await coach.get(`/v1/engagements/${engagementId}/goals`).expect(200)).body.data as { id: string; title: string }[];
    expect(agenda.items.find((i: { kind: string }) => i.kind === 'objective').goalId).toBe(goals.find((g) => g.title === 'Run a 5k')!.id);

    // Propose the draft goal.
    await page.getByRole('link', { name: /Leadership 2027/ }).click();
    await page.getByRole('link', { name: 'Sleep before 23:00' }).click();
    await page.getByRole('button', { name: /^Propose to Hannah/ }).click();
    await visible(page.getByText('Awaiting agreement').first());
    await shot(page, '05-coach-goal-proposed');
  });

  it('the client agrees the goal, adds a topic, logs a measurement and submits a review', async () => {
    const page = clientPage;
    await signIn(page, clientEmail);
    await hasText(page.getByRole('heading', { level: 1 }), 'Hello, Hannah');
    await visible(page.getByRole('link', { name: /Waiting for your agreement.*Sleep before 23:00/ }));
    await shot(page, '06-client-home');

    // The full SMART terms, then agree.
    await page.getByRole('link', { name: /Waiting for your agreement.*Sleep before 23:00/ }).click();
    await visible(page.getByText('Lights out by 23:00 on weeknights'));
    await shot(page, '07-client-goal-to-agree');
    await page.getByRole('button', { name: 'I agree to version 1' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'You agreed to this goal' }));
    await visible(page.getByText('Agreed', { exact: true }).first());

    // A new version of an agreed goal: what changed since the version the client agreed.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await page.getByRole('link', { name: /Waiting for your agreement.*Cook at home/ }).click();
    const changes = page.getByRole('region', { name: 'What changed since version 1' });
    await hasText(changes.locator('del'), 'three');
    await hasText(changes.locator('ins'), 'four');
    await shot(page, '08-client-goal-what-changed');

    // The upcoming session's agenda, and a topic of the client's own.
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    await page.getByRole('link', { name: /Agenda and topics/ }).first().click();
    await visible(page.getByText('Agree a weekly running plan'));
    await page.getByLabel('Your topic').fill('Travelling for work next month');
    await page.getByRole('button', { name: 'Add topic' }).click();
    await containsText(page.getByRole('listitem').filter({ hasText: 'Travelling for work next month' }), 'your topic');
    await shot(page, '09-client-session-agenda');

    // Log a measurement: the chart gains a point.
    await page.getByRole('link', { name: 'Goals', exact: true }).click();
    const metric = page.getByRole('group', { name: '5 km time' });
    await hasAttribute(metric.locator('figure.chart'), 'data-points', '2');
    await metric.getByText('Log a measurement').click();
    await metric.getByLabel('5 km time (min)').fill('31');
    await metric.getByRole('button', { name: 'Log measurement' }).click();
    await hasText(metric.getByRole('status'), 'Logged 31 min.');
    await hasAttribute(metric.locator('figure.chart'), 'data-points', '3');
    await shot(page, '10-client-goals-measurement');

    // The open review: rate each goal, say what worked, submit.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await page.getByRole('link', { name: /Progress review open/ }).click();
    await visible(page.getByRole('button', { name: 'Submit review' }));
    const ratings = page.getByRole('radio', { name: '8', exact: true });
    const goalsToRate = await ratings.count();
    expect(goalsToRate).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < goalsToRate; i++) await ratings.nth(i).check();
    await page.getByLabel('What worked').first().fill('Running before work on Tuesdays');
    await page.getByLabel('Next step').first().fill('A 4 km run without stopping');
    await shot(page, '11-client-review-form');
    await page.getByRole('button', { name: 'Submit review' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Your review is with your coach' }));
    await shot(page, '12-client-review-submitted');

    // Readable on a phone.
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/`);
    await phone.evaluate(`localStorage.setItem('coaching-portal.session', ${JSON.stringify(JSON.stringify({ accessToken: client.token, refreshToken: client.refreshToken }))})`);
    await phone.goto(`${base}/goals`);
    await hasText(phone.getByRole('heading', { level: 1 }), 'Your goals');
    await shot(phone, '13-client-goals-phone');
  });

  it('the coach sees the submitted review, completes it, and sees the chart move', async () => {
    const page = coachPage;
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    const waiting = page.getByRole('region', { name: 'Reviews submitted and waiting' });
    await visible(waiting.getByRole('link', { name: /Hannah Clarke/ }));
    await shot(page, '14-coach-dashboard-review-waiting');
    await waiting.getByRole('link', { name: /Hannah Clarke/ }).click();
    await visible(page.getByText('Running before work on Tuesdays'));
    await hasText(page.locator('.rating').first(), '8');
    await page.getByLabel('Adjustment').first().selectOption('keep');
    await page.getByLabel('Your notes for the client (optional)').fill('Great progress: keep the early runs.');
    await shot(page, '15-coach-review');
    await page.getByRole('button', { name: 'Complete review' }).click();
    await visible(page.getByText('Completed', { exact: true }).first());

    await page.getByRole('link', { name: /Leadership 2027/ }).click();
    await hasAttribute(page.getByRole('group', { name: '5 km time' }).locator('figure.chart'), 'data-points', '3');
    expect(await chartPoints(page, '5 km time')).toBe(3);
    await containsText(page.getByRole('group', { name: '5 km time' }), 'now 31 min');
    await shot(page, '16-coach-engagement-chart-moved');
  });

  it('the coach records results, a summary, private notes and an action item after the session', async () => {
    const page = coachPage;
    await page.getByRole('link', { name: 'Clients', exact: true }).click();
    await visible(page.getByRole('link', { name: /Hannah Clarke/ }));
    await shot(page, '18-coach-clients');
    await page.getByRole('link', { name: /Hannah Clarke/ }).click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Hannah Clarke');
    await visible(page.getByRole('link', { name: /Leadership 2027/ }));
    await shot(page, '19-coach-client');

    sessionId = (await coach.get(`/v1/sessions?engagementId=${engagementId}`).expect(200)).body.data[0].id;
    await page.getByRole('link', { name: /Leadership 2027/ }).click();
    await page.goto(`${base}/sessions/${sessionId}`);
    await hasText(page.getByRole('heading', { level: 1 }), 'Session with Hannah Clarke');
    await hasTitle(page, 'Session with Hannah Clarke · Coaching portal');
    // Three days away: the panel takes notes, and completing it early asks first.
    const results = page.getByRole('form', { name: 'Session notes' });
    await results.getByRole('button', { name: 'Complete early…' }).click();
    await visible(results.getByText(/This session has not taken place yet/));
    await results.getByLabel('Agree a weekly running plan').check();
    await results.getByLabel('Faster 5 km (min)').fill('30.5');
    await results.getByLabel('Shared summary').fill('We agreed three runs a week, one of them before work on Tuesdays.');
    await results.getByLabel('Private notes').fill(PRIVATE_NOTE);
    await results.getByRole('button', { name: 'Complete anyway' }).click();
    await visible(page.getByRole('form', { name: 'Summary and notes' }));
    await visible(page.getByText('Met', { exact: true }));

    const items = page.getByRole('form', { name: 'Add an action item' });
    await items.getByLabel('Action item for the client').fill('Run three times before the next session');
    await items.getByLabel('Goal').selectOption({ label: 'Run a 5k' });
    await items.getByRole('button', { name: 'Add action item' }).click();
    await visible(page.getByRole('region', { name: 'Action items from this session' }).getByText('Run three times before the next session'));
    await shot(page, '20-coach-session-completed');

    // What the API now holds.
    const s = (await coach.get(`/v1/sessions/${sessionId}`).expect(200)).body;
    expect(s).toMatchObject({ status: 'completed', sharedSummary: 'We agreed three runs a week, one of them before work on Tuesdays.', privateNotes: PRIVATE_NOTE });
    const agenda = (await coach.get(`/v1/sessions/${sessionId}/agenda`).expect(200)).body.items as { kind: string; achieved?: boolean; result?: number }[];
    expect(agenda.find((i) => i.kind === 'objective')!.achieved).toBe(true);
    expect(agenda.find((i) => i.kind === 'outcome')!.result).toBe(30.5);
    const actionItems = (await coach.get(`/v1/engagements/${engagementId}/action-items`).expect(200)).body.data as { title: string; goalId: string | null; sessionId: string; done: boolean }[];
    expect(actionItems).toEqual([expect.objectContaining({ title: 'Run three times before the next session', goalId: runGoalId, sessionId, done: false })]);

    // The coach's reviews: the completed one is listed with its client.
    await page.getByRole('link', { name: 'Reviews', exact: true }).click();
    await visible(page.getByRole('region', { name: 'Completed' }).getByRole('link', { name: /Hannah Clarke/ }));
    await containsText(page.getByRole('region', { name: 'Missed' }), 'No review was missed.');
    await hasTitle(page, 'Reviews · Coaching portal');
    await shot(page, '21-coach-reviews');
  });

  it('the client asks for changes, ticks off a milestone and an action item, and reads sessions, reviews, wins and notifications', async () => {
    const page = clientPage;
    // Ask for changes to the new version of an agreed goal, with a comment.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    await page.getByRole('link', { name: /Waiting for your agreement.*Cook at home/ }).click();
    await page.getByRole('button', { name: 'Ask for changes' }).click();
    await page.getByLabel('What should change?').fill('Four evenings is too many while I travel; keep it at three.');
    await page.getByRole('button', { name: 'Send to my coach' }).click();
    await containsText(page.locator('.alert-info').filter({ hasText: 'You asked for changes' }), 'You asked for changes: “Four evenings is too many while I travel; keep it at three.”');
    const cook = (await client.get(`/v1/goals/${cookGoalId}`).expect(200)).body;
    expect(cook).toMatchObject({ status: 'changes_requested', changesRequestedComment: 'Four evenings is too many while I travel; keep it at three.' });

    // Tick the action item from the session on the home page.
    await page.getByRole('link', { name: 'Home', exact: true }).click();
    const todo = page.getByRole('region', { name: 'Action items' }).getByLabel(/Run three times before the next session/);
    // Ticking waits for the API's answer before the box shows it, so click rather than check().
    await todo.click();
    await eventually(() => todo.isChecked(), (v) => v, 'the action item ticked');
    await eventually(
      async () => ((await client.get(`/v1/engagements/${engagementId}/action-items`).expect(200)).body.data as { done: boolean }[]).map((a) => a.done),
      (v) => v.length === 1 && v[0],
      'the action item done in the API',
    );

    // Tick a milestone on the goals page.
    await page.getByRole('link', { name: 'Goals', exact: true }).click();
    const milestone = page.getByRole('list', { name: 'Milestones of Run a 5k' }).getByLabel(/Run 3 km without stopping/);
    await milestone.click();
    await eventually(() => milestone.isChecked(), (v) => v, 'the milestone ticked');
    const run = (await client.get(`/v1/goals/${runGoalId}`).expect(200)).body as { milestones: { title: string; done: boolean }[] };
    expect(run.milestones).toEqual([expect.objectContaining({ title: 'Run 3 km without stopping', done: true })]);

    // Wins: the milestone just done, and the measurement that moved toward the target.
    await page.getByRole('link', { name: 'Wins', exact: true }).click();
    const wins = page.locator('ol.wins');
    await containsText(wins, 'Run 3 km without stopping');
    await containsText(wins, 'Milestone done');
    await containsText(wins, 'Measurement moved toward target');
    await hasTitle(page, 'Wins · Coaching portal');
    await shot(page, '22-client-wins');

    // Sessions: the completed one with its summary (never the coach's private notes), and the calendar link.
    await page.getByRole('link', { name: 'Sessions', exact: true }).click();
    const past = page.getByRole('region', { name: 'Past sessions' });
    await containsText(past, 'We agreed three runs a week');
    const calendar = page.getByRole('region', { name: 'Calendar feed' });
    await calendar.getByRole('button', { name: 'Show my calendar link' }).click();
    const feedUrl = squash(await calendar.locator('code.secret-value').textContent());
    expect(feedUrl).toMatch(/\/v1\/calendar\/[^/]+\.ics$/);
    const feed = await fetch(`${base}${new URL(feedUrl).pathname}`);
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('BEGIN:VCALENDAR');
    await visible(calendar.getByRole('link', { name: 'Open in my calendar app' }));
    await shot(page, '23-client-sessions-calendar');
    // Showing the link again gives the same one; making a new link stops the old one.
    page.once('dialog', (d) => void d.accept());
    await calendar.getByRole('button', { name: 'Make a new link' }).click();
    await eventually(async () => squash(await calendar.locator('code.secret-value').textContent()), (u) => u !== feedUrl, 'a new calendar link');
    expect((await fetch(`${base}${new URL(feedUrl).pathname}`)).status).toBe(404);
    await past.getByRole('link').first().click();
    await visible(page.getByText('We agreed three runs a week, one of them before work on Tuesdays.'));
    expect(await page.locator('body').textContent()).not.toContain(PRIVATE_NOTE);

    // Reviews: the completed review with the coach's notes.
    await page.getByRole('link', { name: 'Reviews', exact: true }).click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Your reviews');
    await hasTitle(page, 'Your reviews · Coaching portal');
    const completed = page.getByRole('region', { name: 'Completed' });
    await containsText(completed, 'Great progress: keep the early runs.');
    await shot(page, '24-client-reviews');

    // Notifications, made by the worker: the goals the coach proposed.
    await waitFor('the client’s notifications', 60_000, async () => ((await client.get('/v1/notifications').expect(200)).body.data as unknown[]).length > 0, worker);
    await page.getByRole('link', { name: /^Notifications/ }).click();
    // The client has agreed to it meanwhile: the prompt reads as settled, not as waiting.
    await visible(page.getByRole('link', { name: /Goal agreed: Sleep before 23:00/ }));
    await hasTitle(page, 'Notifications · Coaching portal');
    await shot(page, '25-client-notifications');

    await page.getByRole('link', { name: /^Your account/ }).click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Your account');
    await shot(page, '26-client-account');
  });

  it('the coach is told about the requested changes and sees the mail the platform sent', async () => {
    const page = coachPage;
    await waitFor(
      'the coach’s notification of requested changes',
      60_000,
      async () => ((await coach.get('/v1/notifications').expect(200)).body.data as { kind: string }[]).some((n) => n.kind === 'goal_changes_requested'),
      worker,
    );
    await page.getByRole('link', { name: /^Notifications/ }).click();
    const note = page.getByRole('link', { name: /Changes requested: Cook at home/ });
    await containsText(note, 'keep it at three');
    await shot(page, '27-coach-notifications');
    await note.click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Cook at home');
  });

  it('the owner invites a coach, creates an API key shown once and a webhook, and reads its deliveries in words', async () => {
    const page = await newPage();
    await signIn(page, p.owner.email!);
    await page.getByRole('link', { name: 'Settings', exact: true }).click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Settings');
    await hasTitle(page, 'Settings · Coaching portal');

    // An invitation link that names the practice.
    const team = page.getByRole('region', { name: 'Team' });
    await team.getByLabel("Coach's email").fill('ines.new@example.test');
    await team.getByRole('button', { name: 'Create invitation' }).click();
    const link = squash(await team.locator('code.secret-value').textContent());
    const url = new URL(link);
    expect(url.pathname).toBe('/accept');
    expect(url.searchParams.get('practice')).toBe(p.slug);
    expect(url.searchParams.get('practiceName')).toBe('Northstar Coaching');
    await containsText(team.getByRole('list', { name: 'Pending invitations' }), 'ines.new@example.test');

    // An invitation sent by mistake waits in the pending list until withdrawn; withdrawn, its link opens nothing.
    await team.getByLabel("Coach's email").fill('wrong.person@example.test');
    await team.getByRole('button', { name: 'Create invitation' }).click();
    const mistaken = new URL(squash(await eventually(() => team.locator('code.secret-value').textContent(), (v) => !!v && squash(v) !== link, 'the second invitation link')));
    await containsText(team.getByRole('list', { name: 'Pending invitations' }), 'wrong.person@example.test');
    await team.getByRole('button', { name: 'Withdraw the invitation for wrong.person@example.test' }).click();
    await eventually(() => team.getByRole('button', { name: 'Withdraw the invitation for wrong.person@example.test' }).count(), (n) => n === 0, 'the withdrawn invitation to leave the list');
    await containsText(team.getByRole('list', { name: 'Pending invitations' }), 'ines.new@example.test');
    const accept = await fetch(`${base}/v1/invitations/accept`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: mistaken.searchParams.get('token'), name: 'Wrong Person', password: 'a long enough password' }),
    });
    expect(accept.status).toBe(409);

    // An API key for a coach, shown once, that works.
    const keys = page.getByRole('region', { name: 'API keys' });
    await keys.getByLabel('Key name').fill('Scheduling integration');
    await keys.getByLabel('Acts as').selectOption('coach');
    await keys.getByLabel('Coach', { exact: true }).selectOption({ label: 'Marcus Reid' });
    await keys.getByRole('button', { name: 'Create key' }).click();
    const key = squash(await keys.locator('code.secret-value').textContent());
    expect(key).toMatch(/^cpk_/);
    await containsText(keys.locator('.list'), 'Scheduling integration');
    await containsText(keys.locator('.list'), 'Coach key for Marcus Reid');
    const asKey = await fetch(`${base}/v1/clients`, { headers: { authorization: `Bearer ${key}` } });
    expect(asKey.status).toBe(200);
    expect(((await asKey.json()) as { data: { name: string }[] }).data.map((c) => c.name)).toEqual(['Hannah Clarke']);

    // A webhook to the test's receiver, and one to a port nobody listens on: a session booked now is
    // delivered to the first and retried for the second, both listed in words.
    const deadPort = await freePort();
    await p.owner.post('/v1/webhooks', { url: `http://127.0.0.1:${deadPort}/hooks`, events: ['session.scheduled'], description: 'Old billing system' }).expect(201);
    const hooks = page.getByRole('region', { name: 'Webhooks' });
    await hooks.getByLabel('Endpoint URL').fill(receiverUrl);
    await hooks.getByLabel('Description (optional)').fill('Scheduling sync');
    await hooks.getByRole('button', { name: 'Add endpoint' }).click();
    expect(squash(await hooks.locator('code.secret-value').textContent())).toMatch(/^whsec_/);
    await containsText(hooks.locator('.list'), 'Scheduling sync');
    await containsText(hooks.locator('.list'), 'Old billing system');
    const startsAt = DateTime.now().plus({ days: 10 }).set({ hour: 9, minute: 0, second: 0, millisecond: 0 }).toUTC().toISO();
    await scheduleSession(coach, engagementId, startsAt!);
    await waitFor('the webhook delivery', 60_000, async () => received.some((r) => r.type === 'session.scheduled'), worker);
    // The list is read when opened: open it again until the worker has recorded the answer.
    const deliveryOf = (endpoint: string) =>
      eventually(
        async () => {
          const item = hooks.locator('li').filter({ hasText: endpoint });
          const toggle = item.getByRole('button', { name: 'Deliveries' });
          if ((await toggle.getAttribute('aria-expanded')) === 'true') await toggle.click();
          await toggle.click();
          const row = item.locator('table tbody tr').filter({ hasText: 'Session booked' }).first();
          await row.waitFor({ state: 'visible', timeout: 3_000 });
          return { badge: squash(await row.locator('.badge').textContent()), text: squash(await row.textContent()) };
        },
        (v) => v.badge !== 'Queued' && v.badge !== 'Sending',
        `the delivery to ${endpoint} answered`,
        30_000,
      );
    const failing = await deliveryOf('Old billing system');
    expect(failing.badge).toBe('Retrying');
    expect(failing.text).toContain('the endpoint could not be reached; next try');
    const delivered = await deliveryOf('Scheduling sync');
    expect(delivered.badge).toBe('Delivered');
    expect(delivered.text).not.toMatch(/\b(delivered|pending|failed|session\.scheduled)\b/);
    await shot(page, '28-owner-settings');

    // The development mailbox holds what the worker would have sent.
    await page.getByRole('link', { name: 'Mailbox', exact: true }).click();
    await hasText(page.getByRole('heading', { level: 1 }), 'Development mailbox');
    await visible(page.locator('.mailbox li').first());
    await shot(page, '29-owner-mailbox');

    // The invited coach opens the link: the practice is named, and remembered for the next sign-in.
    const invited = await newPage();
    await invited.goto(link);
    await hasText(invited.getByRole('heading', { level: 1 }), 'Join Northstar Coaching');
    await containsText(invited.locator('.practice-note'), p.slug);
    await shot(invited, '31-accept-invitation-practice');
    await invited.getByLabel('Your name').fill('Ines Alvarez');
    await invited.getByLabel('Password', { exact: true }).fill('a long enough password');
    await invited.getByLabel('Repeat the password').fill('a long enough password');
    await invited.getByRole('button', { name: 'Create my account' }).click();
    await containsText(invited.getByRole('heading', { level: 1 }), 'Ines');
    await invited.getByRole('button', { name: 'Sign out' }).click();
    await visible(invited.getByRole('heading', { name: 'Sign in' }));
    expect(await invited.getByLabel('Practice').inputValue()).toBe(p.slug);
  });

  it('on a phone, every main client page fits the screen, the navigation shows every section and chart labels stay readable', async () => {
    const phone = await newPage({ width: 390, height: 844 });
    await phone.goto(`${base}/sign-in`);
    await phone.getByLabel('Practice').fill(p.slug);
    await phone.getByLabel('Email').fill(clientEmail);
    await phone.getByLabel('Password').fill(PASSWORD);
    await phone.getByRole('button', { name: 'Sign in' }).click();
    const nav = phone.getByRole('navigation', { name: 'Main' });
    await visible(nav);
    // Every section's link is on screen, none cut off at the edge, all on one row; the inbox is in the top bar.
    const rows = new Set<number>();
    for (const name of ['Home', 'Goals', 'Sessions', 'Reviews', 'Wins']) {
      const box = await nav.getByRole('link', { name: new RegExp(`^${name}`) }).boundingBox();
      expect(box).not.toBeNull();
      expect(box!.x).toBeGreaterThanOrEqual(0);
      expect(box!.x + box!.width).toBeLessThanOrEqual(390);
      rows.add(Math.round(box!.y));
    }
    expect(rows.size).toBe(1);
    const inbox = await phone.getByRole('banner').getByRole('link', { name: /^Notifications/ }).boundingBox();
    expect(inbox).not.toBeNull();
    expect(inbox!.x + inbox!.width).toBeLessThanOrEqual(390);
    for (const path of ['/', '/goals', `/goals/${runGoalId}`, '/sessions', `/sessions/${sessionId}`, '/reviews', '/wins', '/notifications', '/account']) {
      await phone.goto(`${base}${path}`);
      await visible(phone.getByRole('heading', { level: 1 }));
      await noneLoading(phone);
      await fitsTheScreen(phone);
    }
    // A chart draws its labels at their CSS size: one drawing unit per pixel.
    await phone.goto(`${base}/goals`);
    const chart = phone.getByRole('group', { name: '5 km time' }).locator('figure.chart svg');
    const scale = await eventually(
      () => chart.evaluate((svg: DrawnSvg) => svg.getBoundingClientRect().width / svg.viewBox.baseVal.width),
      (v) => Math.abs(v - 1) < 0.02,
      'the chart drawn at one unit per pixel',
    );
    expect(scale).toBeCloseTo(1, 1);
    // The size a label is drawn at: its font size times the drawing's scale.
    const label = (await chart.locator('text').first().evaluate((el) => parseFloat((globalThis as unknown as { getComputedStyle(e: unknown): { fontSize: string } }).getComputedStyle(el).fontSize))) * scale;
    expect(label).toBeGreaterThanOrEqual(11);
    await shot(phone, '30-client-goals-phone-chart');

    // The coach's pages with tables scroll inside their card, not the whole page.
    const coachPhone = await newPage({ width: 390, height: 844 });
    await coachPhone.goto(`${base}/`);
    await coachPhone.evaluate(`localStorage.setItem('coaching-portal.session', ${JSON.stringify(JSON.stringify({ accessToken: coach.token, refreshToken: coach.refreshToken }))})`);
    const reviewId = ((await coach.get(`/v1/engagements/${engagementId}/reviews`).expect(200)).body.data as { id: string }[])[0].id;
    for (const path of ['/', '/clients', '/reviews', `/reviews/${reviewId}`, `/engagements/${engagementId}`, `/sessions/${sessionId}`]) {
      await coachPhone.goto(`${base}${path}`);
      await visible(coachPhone.getByRole('heading', { level: 1 }));
      await noneLoading(coachPhone);
      await fitsTheScreen(coachPhone);
    }
  });

  it('every page of both portals and the signed-out pages pass axe-core with nothing serious or critical', async () => {
    const findings: string[] = [];
    const sessions = (await coach.get(`/v1/sessions?engagementId=${engagementId}`).expect(200)).body.data as { id: string; status: string }[];
    const upcoming = sessions.find((s) => s.status === 'scheduled')!.id;
    const reviewId = ((await coach.get(`/v1/engagements/${engagementId}/reviews`).expect(200)).body.data as { id: string }[])[0].id;
    const goals = (await coach.get(`/v1/engagements/${engagementId}/goals`).expect(200)).body.data as { id: string; title: string }[];
    const sleepGoalId = goals.find((g) => g.title === 'Sleep before 23:00')!.id;
    // A draft: the coach's goal page shows its editing form.
    const draft = await draftGoal(coach, engagementId, { title: 'Read one book a month' });

    // Signed out: sign in (also with an error shown), an invitation link, an incomplete one.
    const out = await newPage(undefined, { bypassCSP: true });
    findings.push(...(await axePage(out, '/sign-in')));
    await out.getByLabel('Practice').fill(p.slug);
    await out.getByLabel('Email').fill(clientEmail);
    await out.getByLabel('Password').fill('not the password');
    await out.getByRole('button', { name: 'Sign in' }).click();
    await visible(out.getByRole('alert'));
    findings.push(...(await axeFindings(out, 'refused sign-in')));
    findings.push(...(await axePage(out, `/accept?${new URLSearchParams({ token: 'an-invitation-token', practice: p.slug, practiceName: 'Northstar Coaching' })}`)));
    findings.push(...(await axePage(out, '/accept')));

    const coachPaths = ['/', '/clients', `/clients/${client.clientId}`, `/engagements/${engagementId}`, `/engagements/${engagementId}/plan`, `/goals/${runGoalId}`, `/goals/${sleepGoalId}`, `/goals/${cookGoalId}`, `/goals/${draft.id}`, `/sessions/${sessionId}`, `/sessions/${upcoming}`, '/reviews', `/reviews/${reviewId}`, '/notifications', '/account', '/no-such-page'];
    const asCoach = await signedInPage(coach);
    for (const path of coachPaths) findings.push(...(await axePage(asCoach, path)));

    const asOwner = await signedInPage(p.owner);
    for (const path of ['/', '/clients', '/reviews', '/settings', '/mailbox', '/notifications', '/account']) findings.push(...(await axePage(asOwner, path)));
    // The settings with a webhook's deliveries open.
    await asOwner.goto(`${base}/settings`);
    const hooks = asOwner.getByRole('region', { name: 'Webhooks' });
    await hooks.getByRole('button', { name: 'Deliveries' }).first().click();
    await visible(hooks.locator('table').first());
    findings.push(...(await axeFindings(asOwner, 'deliveries open')));

    const clientPaths = ['/', '/goals', `/goals/${runGoalId}`, `/goals/${sleepGoalId}`, `/goals/${cookGoalId}`, '/sessions', `/sessions/${sessionId}`, `/sessions/${upcoming}`, '/reviews', `/reviews/${reviewId}`, '/wins', '/notifications', '/account', '/no-such-page'];
    const asClient = await signedInPage(client);
    for (const path of clientPaths) findings.push(...(await axePage(asClient, path)));

    expect(findings).toEqual([]);

    // A chart's text equivalent: a table of every point it draws, read by screen readers.
    await asClient.goto(`${base}/goals/${runGoalId}`);
    const chart = asClient.getByRole('group', { name: '5 km time' });
    const points = await eventually(() => chartPoints(asClient, '5 km time'), (n) => n > 0, 'the chart drawn');
    const table = chart.getByRole('table', { name: /^5 km time: measurements \(baseline 35 min, target 28 min\)$/ });
    expect(await table.locator('tbody tr').count()).toBe(points);
    expect(squash(await table.locator('tbody tr').last().textContent())).toMatch(/ min$/);
  }, 300_000); // every page of both portals in turn: minutes on a busy machine

  it('refreshes an expired session once, accepts invitations, and signs out', async () => {
    const page = coachPage;
    // A stale access token: the portal refreshes the session and retries instead of failing.
    const before = await page.evaluate(`JSON.parse(localStorage.getItem('coaching-portal.session')).refreshToken`);
    await page.evaluate(`(() => { const k = 'coaching-portal.session'; const s = JSON.parse(localStorage.getItem(k)); s.accessToken = 'expired.access.token'; localStorage.setItem(k, JSON.stringify(s)); })()`);
    await page.goto(`${base}/clients`);
    await visible(page.getByRole('link', { name: /Hannah Clarke/ }));
    expect(await page.evaluate(`JSON.parse(localStorage.getItem('coaching-portal.session')).refreshToken`)).not.toBe(before);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await visible(page.getByRole('heading', { name: 'Sign in' }));

    // A coach invited by the owner opens the link, chooses a password and lands in the coach portal.
    const inv = await p.owner.post('/v1/invitations', { email: 'nora.new@example.test', role: 'coach' }).expect(201);
    const fresh = await newPage();
    await fresh.goto(`${base}/accept?token=${encodeURIComponent(inv.body.token)}`);
    await fresh.getByLabel('Your name').fill('Nora Lind');
    await fresh.getByLabel('Password', { exact: true }).fill('a long enough password');
    await fresh.getByLabel('Repeat the password').fill('a long enough password');
    await shot(fresh, '17-accept-invitation');
    await fresh.getByRole('button', { name: 'Create my account' }).click();
    await containsText(fresh.getByRole('heading', { level: 1 }), 'Nora');
    await visible(fresh.getByText('Coach portal'));
  });
  it('a client signs in, skips to the content, opens a goal and logs a measurement with the keyboard alone', async () => {
    const page = await newPage();
    await page.goto(`${base}/sign-in`);
    await visible(page.getByRole('heading', { name: 'Sign in' }));
    // The practice may be remembered from an earlier sign-in on this browser: type over it.
    await tabTo(page, (f) => f.label === 'Practice', 'the practice field');
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.type(p.slug);
    await tabTo(page, (f) => f.label === 'Email', 'the email field');
    await page.keyboard.type(clientEmail);
    await tabTo(page, (f) => f.label === 'Password', 'the password field');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await hasText(page.getByRole('heading', { level: 1 }), 'Hello, Hannah');

    // A page opened afresh: the first Tab reaches the skip link, which leads past the navigation.
    await page.goto(`${base}/goals`);
    await hasText(page.getByRole('heading', { level: 1 }), 'Your goals');
    await noneLoading(page);
    const skip = await tabTo(page, () => true, 'the first stop', 'Tab', 1);
    expect(skip).toMatchObject({ tag: 'a', text: 'Skip to content', shows: true, onScreen: true });
    await page.keyboard.press('Enter');
    expect(await page.evaluate(`document.activeElement.id`)).toBe('main');

    // A goal opened from its card's title with Enter: every stop on the way is in the content.
    const first = await tabTo(page, () => true, 'the first stop in the content', 'Tab', 1);
    expect(await page.evaluate(`document.activeElement.closest('main') !== null`)).toBe(true);
    const isRun = (f: Focused) => f.tag === 'a' && f.text === 'Run a 5k';
    if (!isRun(first)) await tabTo(page, isRun, 'the link to the goal Run a 5k');
    await page.keyboard.press('Enter');
    await hasText(page.getByRole('heading', { level: 1 }), 'Run a 5k');
    await hasTitle(page, 'Run a 5k · Coaching portal');
    // The new page's heading has the focus, so a screen reader announces it.
    await eventually(() => page.evaluate(`document.activeElement && document.activeElement.id`), (id) => id === 'page-title', 'the focus on the new page\'s heading');

    // The disclosure opens with Enter; the measurement is typed and sent with Enter.
    await noneLoading(page);
    await tabTo(page, (f) => f.tag === 'summary' && f.text === 'Log a measurement', 'the disclosure to log a measurement');
    await page.keyboard.press('Enter');
    await tabTo(page, (f) => f.label === '5 km time (min)', 'the value field');
    await page.keyboard.type('30');
    await page.keyboard.press('Enter');
    await hasText(page.getByRole('group', { name: '5 km time' }).getByRole('status'), 'Logged 30 min.');
    // Back up the page to the navigation, and to the goals list.
    await tabTo(page, (f) => f.tag === 'a' && f.text === 'Goals', 'the navigation link Goals', 'Shift+Tab', 80);
    await page.keyboard.press('Enter');
    await hasText(page.getByRole('heading', { level: 1 }), 'Your goals');
  });
  it("loads each page's code when it is first opened, and offers a reload when that code cannot be fetched", async () => {
    const page = await newPage();
    const scripts: string[] = [];
    page.on('request', (r) => {
      if (r.resourceType() === 'script') scripts.push(new URL(r.url()).pathname);
    });
    await page.goto(`${base}/sign-in`);
    await page.evaluate(`localStorage.setItem('coaching-portal.session', ${JSON.stringify(JSON.stringify({ accessToken: client.token, refreshToken: client.refreshToken }))})`);
    await page.goto(`${base}/`);
    await hasText(page.getByRole('heading', { level: 1 }), 'Hello, Hannah');
    // A client's browser fetched the client's home page, none of the coach's pages.
    expect(scripts.some((s) => /\/HomePage-/.test(s))).toBe(true);
    expect(scripts.filter((s) => /\/(SettingsPage|DashboardPage|SessionPage|EngagementPage|MailboxPage)-/.test(s))).toEqual([]);

    // The review page's code cannot be fetched, as when a release has replaced it since the tab opened.
    const reviewCode = /\/assets\/ReviewPage-[^/]+\.js$/;
    await page.route(reviewCode, (route) => route.abort());
    const reviewId = ((await client.get(`/v1/engagements/${engagementId}/reviews`).expect(200)).body.data as { id: string }[])[0].id;
    await page.goto(`${base}/reviews/${reviewId}`);
    const alert = page.getByRole('alert').filter({ hasText: 'This page could not be opened' });
    await visible(alert);
    // The frame stays usable around the message.
    await visible(page.getByRole('navigation', { name: 'Main' }));
    await page.unroute(reviewCode);
    await alert.getByRole('button', { name: 'Reload' }).click();
    await visible(page.getByRole('heading', { level: 1 }));
    expect(await alert.count()).toBe(0);
    expect(new URL(page.url()).pathname).toBe(`/reviews/${reviewId}`);
  });

  it('every page above loaded under the Content Security Policy without a refusal, and so does the API reference', async () => {
    const index = await fetch(`${base}/`);
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(index.headers.get('x-content-type-options')).toBe('nosniff');
    const docs = await newPage();
    await docs.goto(`${base}/docs`);
    // Swagger UI drew the document: its title and an operation.
    await visible(docs.locator('.swagger-ui .info .title'));
    await visible(docs.locator('.opblock').first());
    expect(cspViolations).toEqual([]);
  });
});
