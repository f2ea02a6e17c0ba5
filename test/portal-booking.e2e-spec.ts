// Booking in real headless Chromium: a coach paints weekly hours on the week grid and adds a day off; a
// client on a phone sees how many sessions are left, picks a day and a time in their own zone, confirms,
// finds the session, and cancels one (told first whether it is late); the coach's dashboard shows the
// client's bookings; an owner picks another coach, paints their hours and gives a date other hours (on a
// desktop and on a phone, where the grid shows a day at a time), and a coach gets no picker. Screenshots go
// to .test-results/screenshots-booking/.
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Locator, Page } from 'playwright-core';
import { startApp, TestApp } from './support/app';
import { activeEngagement } from './support/coaching';
import { addClient, addCoach, Caller, PracticeFixture, signupPractice } from './support/factories';
import { CHROME, CHROME_ARGS, containsText, eventually, noneLoading, squash, visible } from './support/browser';

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..');
const SHOTS = join(ROOT, '.test-results', 'screenshots-booking');
const PHONE = { width: 390, height: 844 };

let t: TestApp;
let base: string;
let browser: Browser;
let p: PracticeFixture;
let coach: Caller;
/** A second coach of the practice, whose hours the owner sets. */
let other: Caller;
let client: Caller & { clientId: string };
let engagementId: string;
const contexts: BrowserContext[] = [];
const pageErrors: string[] = [];

async function shot(page: Page, name: string): Promise<void> {
  await noneLoading(page);
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

/** A browser signed in as the caller (tokens stored as the portal stores them), on a desktop or a phone. */
async function signedIn(caller: Caller, viewport = { width: 1280, height: 860 }, timezoneId = 'UTC'): Promise<Page> {
  const ctx = await browser.newContext({ viewport, timezoneId, locale: 'en-GB', isMobile: viewport.width < 500, hasTouch: viewport.width < 500 });
  contexts.push(ctx);
  const page = await ctx.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (e) => pageErrors.push(`${page.url()}: ${e.message}`));
  await page.goto(`${base}/sign-in`);
  await page.evaluate(`localStorage.setItem('coaching-portal.session', ${JSON.stringify(JSON.stringify({ accessToken: caller.token, refreshToken: caller.refreshToken }))})`);
  return page;
}

const AXE = join(ROOT, 'node_modules', 'axe-core', 'axe.min.js');

/** What axe-core finds serious or critical on the page as it stands, one line per rule. */
async function axeFindings(page: Page): Promise<string[]> {
  // Evaluated through the browser's debugging protocol, which the page's Content Security Policy does not govern.
  if (!(await page.evaluate(`typeof window.axe !== 'undefined'`))) await page.evaluate(readFileSync(AXE, 'utf8'));
  const violations = (await page.evaluate(
    `axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) })))`,
  )) as { id: string; impact: string | null; help: string; targets: string[] }[];
  const where = new URL(page.url()).pathname;
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${where}: ${v.id} [${v.impact}] ${v.help} at ${v.targets.slice(0, 3).join(' | ')}`);
}

/** The page is no wider than the screen: nothing to scroll sideways on a phone. */
const fitsWidth = async (page: Page) => (await page.evaluate('document.documentElement.scrollWidth')) as number;

beforeAll(async () => {
  rmSync(SHOTS, { recursive: true, force: true });
  mkdirSync(SHOTS, { recursive: true });
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS, headless: true });
  p = await signupPractice(t, { practiceName: 'Harbour Coaching' });
  coach = await addCoach(t, p, 'Marcus Reid');
  other = await addCoach(t, p, 'Amara Osei');
  client = await addClient(t, p, coach, 'Hannah Clarke');
  engagementId = await activeEngagement(coach, client.clientId, { title: 'Leadership 2027', plannedSessions: 4 });
});

afterAll(async () => {
  for (const c of contexts) await c.close().catch(() => undefined);
  await browser?.close();
  await t?.close();
});

describe('booking in the portal', () => {
  it('the coach paints weekly hours on the week grid and adds a day off', async () => {
    const page = await signedIn(coach);
    await page.goto(`${base}/availability`);
    await visible(page.getByRole('heading', { level: 1, name: 'Availability' }));
    // The grid is drawn once the saved availability has loaded (painting before would be overwritten).
    await visible(page.getByText('No hours yet: clients cannot book.'));
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat', 'Sun']) {
      for (const half of ['09:00–09:30', '09:30–10:00', '10:00–10:30', '10:30–11:00', '14:00–14:30', '14:30–15:00']) {
        await page.getByRole('button', { name: `${day} ${half}`, exact: true }).click();
      }
    }
    await containsText(page.locator('.card', { hasText: 'Weekly hours' }), 'Mon–Sun 09:00–11:00, 14:00–15:00');
    await containsText(page.locator('.card', { hasText: 'Weekly hours' }), '21 hours a week');
    await page.getByLabel('Date').fill('2031-12-24');
    await page.getByRole('button', { name: 'Add day off' }).click();
    await page.getByRole('button', { name: 'Save availability' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved' }));
    await shot(page, '01-coach-availability-week-grid');
    // Hours kept in the coach's own zone: the footer's usual line holds for them too.
    await containsText(page.locator('footer'), 'Times are shown in ');
    expect(await page.locator('footer').textContent()).not.toContain('These hours are in');
    expect(await axeFindings(page)).toEqual([]);
    const saved = (await coach.get(`/v1/users/${coach.userId}/availability`).expect(200)).body;
    expect(saved.weekly).toHaveLength(14);
    expect(saved.weekly).toContainEqual({ day: 'wed', start: '14:00', end: '15:00' });
    expect(saved.overrides).toEqual([{ date: '2031-12-24', slots: [] }]);
    // Painted again when opened anew.
    await page.reload();
    await containsText(page.locator('.card', { hasText: 'Weekly hours' }), 'Mon–Sun 09:00–11:00, 14:00–15:00');
    expect(await page.getByRole('button', { name: 'Tue 09:30–10:00', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Tue 11:00–11:30', exact: true }).getAttribute('aria-pressed')).toBe('false');
  });

  it('the client on a phone sees the sessions left, picks a day and a time in their zone, confirms, and cancels in good time', async () => {
    const phone = await signedIn(client, PHONE, 'America/New_York');
    await phone.goto(`${base}/`);
    const yours = phone.locator('.card', { hasText: 'Your sessions' });
    await containsText(yours, '4 of 4 sessions left');
    await shot(phone, '02-client-home-sessions-left-phone');
    await yours.getByRole('link', { name: 'Book a session' }).click();
    await visible(phone.getByRole('heading', { level: 1, name: 'Book a session' }));
    await noneLoading(phone);
    await containsText(phone.locator('.page-header'), '4 of 4 sessions left');
    // The third day with open times is at least two days ahead: in good time to cancel.
    const days = phone.getByRole('group', { name: 'Days with open times', exact: true }).getByRole('button');
    expect(await days.count()).toBeGreaterThanOrEqual(3);
    await days.nth(2).click();
    const times = phone.getByRole('group', { name: 'Open times', exact: true }).getByRole('button');
    // 09:00–11:00 and 14:00–15:00 Berlin as New York times, on the quarter hour: 5 + 1 sixty-minute starts.
    expect(await times.count()).toBe(6);
    const label = squash(await times.first().textContent());
    expect(label).toMatch(/^0[2-4]:00$/); // 09:00 in Berlin is 03:00 (or 02:00, 04:00 in the weeks the changes differ) in New York
    await times.first().click();
    const confirm = phone.locator('.card', { hasText: 'Confirm your session' });
    await containsText(confirm, 'You can cancel free of charge until');
    await shot(phone, '03-client-pick-time-phone');
    expect(await axeFindings(phone)).toEqual([]);
    expect(await fitsWidth(phone)).toBeLessThanOrEqual(PHONE.width);
    await confirm.getByRole('button', { name: 'Confirm booking' }).click();
    await visible(phone.getByRole('heading', { level: 1, name: /^Session on / }));
    const sessionId = phone.url().split('/sessions/')[1];
    const s = (await client.get(`/v1/sessions/${sessionId}`).expect(200)).body;
    expect(s).toMatchObject({ bookedBy: 'client', status: 'scheduled', engagementId });
    await containsText(phone.locator('.page-header'), label);
    await shot(phone, '04-client-booked-session-phone');

    await phone.getByRole('button', { name: 'Cancel this session' }).click();
    await containsText(phone.getByRole('status'), 'Cancelling now gives the session back to your package.');
    await shot(phone, '05-client-cancel-in-time-phone');
    await phone.getByRole('button', { name: 'Yes, cancel the session' }).click();
    await containsText(phone.locator('.alert-info').first(), 'This session was cancelled.');
    expect((await client.get(`/v1/engagements/${engagementId}`).expect(200)).body.summary).toMatchObject({ sessionsBooked: 0, sessionsRemaining: 4 });
  });

  it('the client is told before confirming that a cancellation is late, and it still counts', async () => {
    await p.owner.patch('/v1/practice', { cancellationNoticeHours: 720 }).expect(200);
    try {
      const now = new Date();
      const slots = (await client.get(`/v1/engagements/${engagementId}/slots?from=${now.toISOString()}&to=${new Date(now.getTime() + 20 * 86_400_000).toISOString()}`).expect(200)).body.data;
      const booked = (await client.post(`/v1/engagements/${engagementId}/bookings`, { startsAt: slots[slots.length - 1].startsAt }).expect(201)).body;
      const phone = await signedIn(client, PHONE, 'America/New_York');
      await phone.goto(`${base}/sessions/${booked.id}`);
      await phone.getByRole('button', { name: 'Cancel this session' }).click();
      // The practice's notice in words a client reads (720 hours is thirty days).
      await containsText(phone.getByRole('status'), 'This is less than 30 days before the session: cancelling now is a late cancellation and still uses up one of your sessions');
      await shot(phone, '06-client-cancel-late-warning-phone');
      expect(await axeFindings(phone)).toEqual([]);
      await phone.getByRole('button', { name: 'Yes, cancel the session' }).click();
      await containsText(phone.locator('.alert-info').first(), 'It was cancelled late');
      expect((await client.get(`/v1/sessions/${booked.id}`).expect(200)).body.lateCancellation).toBe(true);
      await phone.goto(`${base}/`);
      await containsText(phone.locator('.card', { hasText: 'Your sessions' }), '3 of 4 sessions left');
    } finally {
      await p.owner.patch('/v1/practice', { cancellationNoticeHours: 24 }).expect(200);
    }
  });

  it('the coach\'s dashboard shows client bookings as they come', async () => {
    const page = await signedIn(coach);
    await page.goto(`${base}/`);
    const card = page.locator('.card', { hasText: 'Client bookings' });
    await containsText(card, 'No upcoming session booked by a client.');
    const now = new Date();
    const slots = (await client.get(`/v1/engagements/${engagementId}/slots?from=${now.toISOString()}&to=${new Date(now.getTime() + 20 * 86_400_000).toISOString()}`).expect(200)).body.data;
    await client.post(`/v1/engagements/${engagementId}/bookings`, { startsAt: slots[3].startsAt }).expect(201);
    await page.reload();
    await containsText(page.locator('.card', { hasText: 'Client bookings' }), 'Hannah Clarke');
    await containsText(page.locator('.card', { hasText: 'Client bookings' }), 'Booked');
    await shot(page, '07-coach-dashboard-client-bookings');
    expect(await axeFindings(page)).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('an owner picks another coach, paints their hours, gives a date other hours, saves, and sees them after a reload', async () => {
    const page = await signedIn(p.owner);
    await page.goto(`${base}/availability`);
    await visible(page.getByRole('heading', { level: 1, name: 'Your availability' }));
    await page.getByLabel('Coach', { exact: true }).selectOption({ label: 'Amara Osei' });
    await eventually(async () => new URL(page.url()).search, (q) => q === `?coach=${other.userId}`, 'the chosen coach in the address');
    await visible(page.getByRole('heading', { level: 1, name: "Amara Osei's availability" }));
    await visible(page.getByText('No hours yet: clients cannot book.'));
    for (const day of ['Mon', 'Tue', 'Wed', 'Thu', 'Fri']) {
      for (const half of ['10:00–10:30', '10:30–11:00', '11:00–11:30', '11:30–12:00']) {
        await page.getByRole('button', { name: `${day} ${half}`, exact: true }).click();
      }
    }
    const week = page.locator('.card', { hasText: 'Weekly hours' });
    await containsText(week, 'Mon–Fri 10:00–12:00');
    await containsText(week, '10 hours a week');

    // A date with other hours: the first range comes filled in, a second overlapping one is refused before
    // anything is sent, on the field that overlaps.
    await page.getByLabel('Date', { exact: true }).fill('2031-11-14');
    await page.getByRole('button', { name: 'Add other hours' }).click();
    const hours = page.getByRole('group', { name: /^Other hours on / });
    await hours.getByRole('button', { name: /^Add hours on / }).click();
    await hours.getByLabel(/^From/).nth(1).selectOption('11:00');
    await hours.getByLabel(/^Until/).nth(1).selectOption('13:00');
    await page.getByRole('button', { name: 'Save availability' }).click();
    await containsText(hours.locator('.field-invalid'), 'overlaps 09:00–12:00 on the same day');
    expect(await hours.getByLabel(/^From/).nth(1).getAttribute('aria-invalid')).toBe('true');
    await visible(page.getByRole('alert').filter({ hasText: 'Some hours overlap' }));
    await shot(page, '08-owner-other-hours-overlap-refused');
    expect((await p.owner.get(`/v1/users/${other.userId}/availability`).expect(200)).body.weekly).toEqual([]);
    await hours.getByLabel(/^From/).nth(1).selectOption('14:00');
    await hours.getByLabel(/^Until/).nth(1).selectOption('16:30');
    await containsText(page.locator('.override', { hasText: 'Other hours' }), 'Other hours: 09:00–12:00, 14:00–16:30');
    await page.getByLabel('Date', { exact: true }).fill('2031-11-15');
    await page.getByRole('button', { name: 'Add day off' }).click();

    // What only the API checks comes back on its field too.
    await page.getByLabel('Time zone of these hours').fill('Mars/Olympus_Mons');
    await page.getByRole('button', { name: 'Save availability' }).click();
    await eventually(() => page.getByLabel('Time zone of these hours').getAttribute('aria-invalid'), (v) => v === 'true', 'the time zone marked invalid');
    expect((await p.owner.get(`/v1/users/${other.userId}/availability`).expect(200)).body.overrides).toEqual([]);
    await page.getByLabel('Time zone of these hours').fill('Europe/Lisbon');
    await page.getByRole('button', { name: 'Save availability' }).click();
    await visible(page.getByRole('status').filter({ hasText: 'Saved' }));
    // The footer names the zone the grid is in, not only the viewer's.
    const ownerZone = ((await p.owner.get('/v1/me').expect(200)).body.timezone as string).replace(/_/g, ' ');
    expect(ownerZone).not.toBe('Europe/Lisbon');
    await containsText(page.locator('footer'), `These hours are in Europe/Lisbon; other times are shown in ${ownerZone}.`);
    await shot(page, '09-owner-sets-another-coach-availability');
    expect(await axeFindings(page)).toEqual([]);

    const saved = (await p.owner.get(`/v1/users/${other.userId}/availability`).expect(200)).body;
    expect(saved.timezone).toBe('Europe/Lisbon');
    expect(saved.weekly).toEqual(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => ({ day, start: '10:00', end: '12:00' })));
    expect(saved.overrides).toEqual([
      { date: '2031-11-14', slots: [{ start: '09:00', end: '12:00' }, { start: '14:00', end: '16:30' }] },
      { date: '2031-11-15', slots: [] },
    ]);
    // The owner's own hours and the first coach's are untouched.
    expect((await p.owner.get(`/v1/users/${p.owner.userId}/availability`).expect(200)).body.weekly).toEqual([]);
    expect((await coach.get(`/v1/users/${coach.userId}/availability`).expect(200)).body.weekly).toHaveLength(14);

    // The choice is in the address: a reload opens the same coach's hours, as saved.
    await page.reload();
    await visible(page.getByRole('heading', { level: 1, name: "Amara Osei's availability" }));
    await containsText(page.locator('.card', { hasText: 'Weekly hours' }), 'Mon–Fri 10:00–12:00');
    expect(await page.getByRole('button', { name: 'Thu 11:30–12:00', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await page.getByRole('button', { name: 'Sat 10:00–10:30', exact: true }).getAttribute('aria-pressed')).toBe('false');
    await containsText(page.locator('.override', { hasText: 'Other hours' }), 'Other hours: 09:00–12:00, 14:00–16:30');
    await containsText(page.locator('.override', { hasText: 'Day off' }), 'Day off');
    expect(await page.getByLabel('Coach', { exact: true }).inputValue()).toBe(other.userId);
    await containsText(page.locator('footer'), 'These hours are in Europe/Lisbon;');
    // Elsewhere the footer is the viewer's zone again.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Clients', exact: true }).click();
    await containsText(page.locator('footer'), `Times are shown in ${ownerZone}.`);
  });

  it('on a phone the owner paints a day at a time, and nothing scrolls sideways', async () => {
    const phone = await signedIn(p.owner, PHONE);
    await phone.goto(`${base}/availability?coach=${other.userId}`);
    await visible(phone.getByRole('heading', { level: 1, name: "Amara Osei's availability" }));
    const days = phone.getByRole('group', { name: 'Day to paint', exact: true });
    await containsText(days, 'Mon2 h');
    // One day's column: Monday's painted half hours, and no other day's buttons.
    expect(await phone.getByRole('button', { name: 'Mon 10:00–10:30', exact: true }).getAttribute('aria-pressed')).toBe('true');
    expect(await phone.getByRole('button', { name: /^Tue \d\d:/ }).count()).toBe(0);
    await days.getByRole('button', { name: /^Sat/ }).click();
    await phone.getByRole('button', { name: 'Sat 09:00–09:30', exact: true }).click();
    await phone.getByRole('button', { name: 'Sat 09:30–10:00', exact: true }).click();
    await containsText(phone.locator('.card', { hasText: 'Weekly hours' }), 'Mon–Fri 10:00–12:00 · Sat 09:00–10:00');
    expect(await fitsWidth(phone)).toBeLessThanOrEqual(PHONE.width);
    // Neither the grid nor the row of days hides anything off to the side.
    for (const part of ['.week-grid-scroll', '.week-day-picker']) {
      expect(await phone.evaluate(`(() => { const g = document.querySelector('${part}'); return g.scrollWidth - g.clientWidth; })()`)).toBe(0);
    }
    await shot(phone, '10-owner-availability-day-by-day-phone');
    expect(await axeFindings(phone)).toEqual([]);
    await phone.getByRole('button', { name: 'Save availability' }).click();
    await visible(phone.getByRole('status').filter({ hasText: 'Saved' }));
    expect((await p.owner.get(`/v1/users/${other.userId}/availability`).expect(200)).body.weekly).toContainEqual({ day: 'sat', start: '09:00', end: '10:00' });
  });

  it('a coach gets no coach picker, and sees only their own hours whatever the address says', async () => {
    const page = await signedIn(coach);
    await page.goto(`${base}/availability?coach=${other.userId}`);
    await visible(page.getByRole('heading', { level: 1, name: 'Availability', exact: true }));
    await containsText(page.locator('.card', { hasText: 'Weekly hours' }), 'Mon–Sun 09:00–11:00, 14:00–15:00');
    expect(await page.getByLabel('Coach', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('combobox', { name: 'Coach' }).count()).toBe(0);
    expect(pageErrors).toEqual([]);
  });
});
