import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/**
 * A real browser for tests: Debian's Chromium (installed by .ci/run when missing; never a
 * browser download), headless, with a fresh profile (`--user-data-dir`) that is deleted on close.
 * Every wait, navigation and action is bounded by `timeoutMs`, so a test that waits for
 * something that never comes fails by itself. Each launch is its own profile: launch twice for
 * two users that must not share cookies or storage.
 */

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Not committed (.local/ is git-ignored); tests print the paths they write. */
export const SCREENSHOT_DIR = resolve('.local/screenshots');

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--no-first-run',
  '--disable-sync',
  '--disable-quic',
];

export interface TestBrowser {
  context: BrowserContext;
  /** A new tab (its own session storage; cookies and local storage are the profile's). */
  newPage(): Promise<Page>;
  /** Saves a full-page screenshot under .local/screenshots and returns its path. */
  screenshot(page: Page, name: string): Promise<string>;
  close(): Promise<void>;
}

export interface LaunchOptions {
  /** Upper bound of every wait, navigation and action. @default 30 000 ms */
  timeoutMs?: number;
  /** @default 1440 × 900, a laptop screen */
  viewport?: { width: number; height: number };
}

export async function launchBrowser(options: LaunchOptions = {}): Promise<TestBrowser> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `no Chromium at ${CHROMIUM_PATH}: install Debian's (apt-get install chromium, as .ci/run does) or set CHROMIUM_PATH`,
    );
  }
  const profile = mkdtempSync(join(tmpdir(), 'invoice-relay-chromium-'));
  let context: BrowserContext;
  try {
    // Playwright passes the profile as --user-data-dir itself (it refuses the flag in `args`).
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM_PATH,
      args: FLAGS,
      timeout: timeoutMs,
      viewport: options.viewport ?? { width: 1440, height: 900 },
    });
  } catch (error) {
    rmSync(profile, { recursive: true, force: true });
    throw error;
  }
  context.setDefaultTimeout(timeoutMs);
  context.setDefaultNavigationTimeout(timeoutMs);
  return {
    context,
    newPage: () => context.newPage(),
    async screenshot(page, name) {
      mkdirSync(SCREENSHOT_DIR, { recursive: true });
      const path = join(SCREENSHOT_DIR, `${name}.png`);
      await page.screenshot({ path, fullPage: false });
      return path;
    },
    async close() {
      try {
        await context.close();
      } finally {
        rmSync(profile, { recursive: true, force: true });
      }
    },
  };
}
