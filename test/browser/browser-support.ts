import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, Locator, Page, chromium } from 'playwright-core';

/** Debian's Chromium, driven by playwright-core (never a downloaded browser). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
}

/** Screenshots go to docs/screenshots only when asked (UPDATE_SCREENSHOTS=1), so a test run leaves the tree clean. */
export const UPDATE_SCREENSHOTS = process.env.UPDATE_SCREENSHOTS === '1';
const SCREENSHOT_DIR = join(__dirname, '..', '..', 'docs', 'screenshots');

export async function screenshot(page: Page, name: string): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true, animations: 'disabled' });
}

/** A signed-in page in its own browser context (own sessionStorage and language), in English. */
export async function signIn(browser: Browser, baseUrl: string, email: string, password: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport: { width: 1440, height: 860 }, locale: 'en-US', deviceScaleFactor: 1 });
  const page = await context.newPage();
  // Fail a step in 10 s with its own message rather than the whole test at Jest's timeout.
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (error) => process.stderr.write(`[browser ${email}] ${error.message}\n`));
  await page.goto(baseUrl);
  await page.getByLabel('Email').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('header [data-connection=online]').waitFor();
  return { context, page };
}

/** Polls `check` until it returns true (DOM and API both settle asynchronously), failing with its last explanation. */
export async function eventually(check: () => Promise<true | string>, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: true | string = 'never checked';
  while (Date.now() < deadline) {
    last = await check();
    if (last === true) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`condition not met within ${timeoutMs} ms: ${last}`);
}

export const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').trim();
