// The portal's session in real headless Chromium against the real API: a refresh answered 429 or 5xx keeps
// the person signed in (the page says why and the portal tries again); only a 401 from refresh signs them out.
import { existsSync } from 'node:fs';
import { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { Browser, chromium, Page, Route } from 'playwright-core';
import { startApp, TestApp } from './support/app';
import { addCoach, as, PASSWORD, PracticeFixture, signupPractice } from './support/factories';
import { CHROME, CHROME_ARGS, eventually as eventuallyWithin } from './support/browser';

jest.setTimeout(120_000);

const SESSION_KEY = 'coaching-portal.session';
// The portal's own retries pause longer each time: these waits allow 20 s.
const eventually = <T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string) => eventuallyWithin(read, ok, what, 20_000);

let t: TestApp;
let base: string;
let browser: Browser;
let p: PracticeFixture;

beforeAll(async () => {
  if (!existsSync(join(__dirname, '..', 'apps', 'portal', 'dist', 'index.html'))) throw new Error('apps/portal/dist is missing: run `npm run build` before the portal tests.');
  t = await startApp();
  await t.app.listen(0, '127.0.0.1');
  base = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
  browser = await chromium.launch({ executablePath: CHROME, args: CHROME_ARGS, headless: true });
  p = await signupPractice(t, { practiceName: 'Session Practice' });
});
afterAll(async () => {
  await browser?.close();
  await t?.close();
});

// Run in the page (the test compiles without the DOM's types, hence the source text).
const session = (page: Page) => page.evaluate(`JSON.parse(localStorage.getItem('${SESSION_KEY}') ?? 'null')`) as Promise<{ accessToken: string; refreshToken: string } | null>;
/** The access token no longer works: the portal's next call is a 401, and it refreshes. */
const spoilAccessToken = (page: Page) =>
  page.evaluate(`localStorage.setItem('${SESSION_KEY}', JSON.stringify({ ...JSON.parse(localStorage.getItem('${SESSION_KEY}')), accessToken: 'spoiled' }))`);
const alertText = (page: Page) => eventually(() => page.getByRole('alert').first().textContent(), (v) => !!v, 'expected an alert');
const nav = (page: Page) => page.getByRole('navigation', { name: 'Main' });

it('keeps the person signed in when refresh answers 429 or a 5xx, and signs them out when it answers 401', async () => {
  const page = await (await browser.newContext({ timezoneId: 'UTC', locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(20_000);
  await page.goto(`${base}/`);
  await page.getByLabel('Practice').fill(p.slug);
  await page.getByLabel('Email').fill(p.owner.email!);
  await page.getByLabel('Password').fill(PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await nav(page).waitFor({ state: 'visible' });

  // The refresh endpoint answers what the test says.
  let answer = 429;
  let refreshes = 0;
  const refusing = (route: Route) => {
    refreshes++;
    const title = answer === 429 ? 'Too Many Requests' : 'Service Unavailable';
    return route.fulfill({
      status: answer,
      contentType: 'application/problem+json',
      headers: answer === 429 ? { 'Retry-After': '30' } : {},
      body: JSON.stringify({ type: 'about:blank', title, status: answer, detail: title }),
    });
  };
  await page.route('**/v1/auth/refresh', refusing);

  // Opening the portal: its first call is a 401, the refresh a 429. Still signed in, told why.
  await spoilAccessToken(page);
  await page.reload();
  expect(await eventually(() => alertText(page), (v) => /Too many attempts/.test(v ?? ''), 'expected the 429 to be explained')).toBeTruthy();
  expect(new URL(page.url()).pathname).not.toBe('/sign-in');
  expect(await session(page)).toMatchObject({ accessToken: 'spoiled' });
  // A 503 the same, on the portal's own next try.
  answer = 503;
  const before = refreshes;
  await eventually(async () => refreshes, (n) => n > before, 'expected the portal to try again by itself');
  expect(await eventually(() => alertText(page), (v) => /went wrong on our side/.test(v ?? ''), 'expected the 503 to be explained')).toBeTruthy();
  expect(new URL(page.url()).pathname).not.toBe('/sign-in');
  expect((await session(page))?.refreshToken).toBeTruthy();

  // The server is back: the portal opens by itself with a new pair.
  await page.unroute('**/v1/auth/refresh', refusing);
  await nav(page).waitFor({ state: 'visible' });
  expect((await session(page))?.accessToken).not.toBe('spoiled');

  // Inside the portal: a page whose call needs a refresh that fails with a 5xx shows the error, nothing more.
  await page.route('**/v1/auth/refresh', refusing);
  await spoilAccessToken(page);
  await nav(page).getByRole('link', { name: 'Clients' }).click();
  expect(await eventually(() => alertText(page), (v) => /went wrong on our side/.test(v ?? ''), 'expected the page to show the 503')).toBeTruthy();
  await nav(page).waitFor({ state: 'visible' });
  expect((await session(page))?.refreshToken).toBeTruthy();
  await page.unroute('**/v1/auth/refresh', refusing);

  // The session really ends (its login is ended elsewhere): the refresh is a 401, and the person is signed out.
  const s = (await session(page))!;
  await as(t, s.accessToken === 'spoiled' ? p.owner.token : s.accessToken, { userId: p.owner.userId, practiceId: p.practiceId }).post('/v1/auth/logout', { refreshToken: s.refreshToken }).expect(204);
  await spoilAccessToken(page);
  await nav(page).getByRole('link', { name: 'Reviews' }).click();
  await eventually(async () => new URL(page.url()).pathname, (path) => path === '/sign-in', 'expected the sign-in page');
  expect(await session(page)).toBeNull();
});

it('server state: a list opened again shows what changed elsewhere, and signing out forgets everything loaded', async () => {
  const q = await signupPractice(t, { practiceName: 'Cache Practice' });
  const coach = await addCoach(t, q, 'Cache Coach');
  const addClientRecord = (name: string) => q.owner.post('/v1/clients', { name, email: `${name.toLowerCase().replace(/ /g, '-')}-${Date.now()}@example.test`, timezone: 'UTC' }).expect(201);
  await addClientRecord('Early Client');
  const page = await (await browser.newContext({ timezoneId: 'UTC', locale: 'en-GB' })).newPage();
  page.setDefaultTimeout(20_000);
  const signIn = async (email: string) => {
    await page.goto(`${base}/sign-in`);
    await page.getByLabel('Practice').fill(q.slug);
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await nav(page).waitFor({ state: 'visible' });
  };
  await signIn(q.owner.email!);
  await nav(page).getByRole('link', { name: 'Clients', exact: true }).click();
  await page.getByText('Early Client').first().waitFor();

  // Added elsewhere (another tab, an integration) while the owner looks at another page: the list opened
  // again shows it, though the cache had the list without it.
  await nav(page).getByRole('link', { name: 'Dashboard', exact: true }).click();
  await addClientRecord('Later Client');
  await nav(page).getByRole('link', { name: 'Clients', exact: true }).click();
  await page.getByText('Later Client').first().waitFor();

  // Signed out and in as the coach, with the API held from answering the client list: the page waits for
  // the coach's own list and shows nothing the owner had loaded.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  await signIn(coach.email!);
  await page.route(/\/v1\/clients(\?|$)/, () => undefined);
  await nav(page).getByRole('link', { name: 'Clients', exact: true }).click();
  await page.locator('.loading').first().waitFor();
  expect(await page.getByText('Early Client').count()).toBe(0);
  expect(await page.getByText('Later Client').count()).toBe(0);
  await page.context().close();
});
