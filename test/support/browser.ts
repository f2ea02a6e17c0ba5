// What every Chromium test of the portal shares: how Chromium is started, and the waits that read the
// page through locators (the portal's Content Security Policy refuses strings evaluated in the page).
import type { Locator, Page } from 'playwright-core';

export const CHROME = process.env.CHROME_PATH || '/usr/bin/chromium';
export const CHROME_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

/** Reads until `ok` holds, or throws naming `what` and the last value read. */
export async function eventually<T>(read: () => Promise<T>, ok: (v: T) => boolean, what: string, timeout = 15_000): Promise<T> {
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

export const squash = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();
export const visible = (l: Locator) => l.waitFor({ state: 'visible' });
export const containsText = (l: Locator, text: string) => eventually(() => l.textContent(), (v) => squash(v).includes(text), `expected to contain "${text}"`);
export const noneLoading = (page: Page) => eventually(() => page.locator('.loading').count(), (n) => n === 0, `nothing loading on ${page.url()}`);
