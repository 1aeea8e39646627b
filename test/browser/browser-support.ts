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

/**
 * Several captures side by side in one picture (two agents working at the
 * same time, or one screen in two states), each under its caption: each page
 * is captured in turn, after its `prepare` step if it has one (e.g. selecting
 * another tab), then the captures are laid out in a page of their own and
 * captured again. Only with UPDATE_SCREENSHOTS=1.
 */
export async function screenshotSideBySide(
  browser: Browser,
  name: string,
  shots: Array<{ page: Page; caption: string; prepare?: () => Promise<void> }>,
): Promise<void> {
  if (!UPDATE_SCREENSHOTS) return;
  const images: string[] = [];
  for (const { page, prepare } of shots) {
    await prepare?.();
    images.push((await page.screenshot({ animations: 'disabled' })).toString('base64'));
  }
  const context = await browser.newContext({ viewport: { width: 800, height: 600 }, deviceScaleFactor: 1 });
  try {
    const page = await context.newPage();
    const figures = shots
      .map(({ caption }, i) => `<figure><figcaption>${caption.replace(/[<&]/g, '')}</figcaption><img src="data:image/png;base64,${images[i]}"></figure>`)
      .join('');
    await page.setContent(
      `<!doctype html><html><body style="margin:0;padding:12px;display:inline-flex;gap:12px;background:#14233a">` +
        `<style>figure{margin:0}figcaption{color:#fff;font:600 15px system-ui,sans-serif;padding:0 0 6px}img{display:block;border-radius:6px}</style>` +
        `${figures}</body></html>`,
    );
    await page.locator('img').last().evaluate((img) => (img as unknown as { decode(): Promise<void> }).decode());
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
    await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}.png`), fullPage: true });
  } finally {
    await context.close();
  }
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

/** Has `locator` the keyboard focus (inside its shadow root, where the client's components render)? */
export const isFocused = (locator: Locator): Promise<boolean> =>
  locator.evaluate((el) => (el.getRootNode() as unknown as { activeElement: unknown }).activeElement === el);

export const text = async (locator: Locator): Promise<string> => ((await locator.textContent()) ?? '').trim();

/** The password test agents are created with (test/support/test-app.ts createAgent). */
export const AGENT_PASSWORD = 'agent-password-1';

/**
 * Signed-in pages of one spec, each in its own browser context, closed
 * together (after each test, or at the end). `target` is read when a page
 * opens, so it may be set up in beforeAll.
 */
export function pageOpener(target: () => { browser: Browser; url: string }) {
  const contexts: BrowserContext[] = [];
  return {
    async open(email: string, password = AGENT_PASSWORD): Promise<Page> {
      const { browser, url } = target();
      const { context, page } = await signIn(browser, url, email, password);
      contexts.push(context);
      return page;
    },
    async closeAll(): Promise<void> {
      await Promise.all(contexts.splice(0).map((context) => context.close()));
    },
  };
}

/** Waits until the presence control shows `state` (and `reason`): the server's state, as the agent sees it. */
export const presence = (page: Page, state: string, reason?: string): Promise<void> =>
  page.locator(`[data-testid=presence-state][data-state=${state}]${reason ? `[data-reason="${reason}"]` : ''}`).waitFor();

export async function goAvailable(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Available' }).click();
  await presence(page, 'available');
}

/** Accepts the offer ringing for `taskId` (or the first one ringing): the task's id and its tab panel. */
export async function acceptOffer(page: Page, taskId?: string): Promise<{ id: string; panel: Locator }> {
  const ringing = page.locator(taskId ? `[data-testid=offer][data-task-id="${taskId}"]` : '[data-testid=offer]').first();
  await ringing.waitFor();
  const id = (await ringing.getAttribute('data-task-id'))!;
  const offer = page.locator(`[data-testid=offer][data-task-id="${id}"]`);
  await offer.getByRole('button', { name: 'Accept' }).click();
  await offer.waitFor({ state: 'detached' });
  return { id, panel: page.locator(`[role=tabpanel][data-task-id="${id}"]`) };
}
