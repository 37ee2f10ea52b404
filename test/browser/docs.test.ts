import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { DOCUMENTED_ROUTES, ROUTE_DOCS } from '../../functions/route-docs.ts';
import { type LocalApi, startLocalApi } from '../support/local-api.ts';
import { launchBrowser, type TestBrowser } from './support/browser.ts';

/**
 * The API reference as a person sees it: the real local runtime, Debian's Chromium, GET /docs.
 * Everything the page loads must come from the API itself (no CDN, fonts or telemetry), and the
 * browser must report no content-security-policy violation and no script error.
 */

let api: LocalApi;
let browser: TestBrowser;
beforeAll(async () => {
  api = await startLocalApi({ snapshotIntervalSeconds: 0 });
  browser = await launchBrowser({ timeoutMs: 30_000 });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.stop();
});

/** What went wrong on a page while it was open: foreign requests, CSP refusals, script errors. */
function watch(page: Page): string[] {
  const trouble: string[] = [];
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${api.url}/`) && !url.startsWith('data:')) trouble.push(`request to ${url}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') trouble.push(`console error: ${message.text()}`);
  });
  page.on('pageerror', (error) => trouble.push(`script error: ${error.message}`));
  return trouble;
}

describe('GET /docs in a browser', () => {
  test('renders every operation in the table of contents and the request body of POST /v1/webhooks', async () => {
    const page = await browser.newPage();
    const trouble = watch(page);
    await page.goto(`${api.url}/`);
    expect(new URL(page.url()).pathname).toBe('/docs');

    const contents = page.getByRole('complementary', { name: 'Sidebar for invoice-relay' });
    await contents.getByText(ROUTE_DOCS.createWebhook.summary, { exact: true }).waitFor();
    const toc = await contents.innerText();
    for (const route of DOCUMENTED_ROUTES) expect(toc, route.operationId).toContain(route.summary);

    await contents.getByText(ROUTE_DOCS.createWebhook.summary, { exact: true }).click();
    const operation = page.locator('section[id$="/tag/webhooks/POST/v1/webhooks"]');
    const body = operation.getByRole('group', { name: 'Request Body' });
    await body.waitFor();
    expect(await body.locator('.property-name').allInnerTexts()).toEqual(
      expect.arrayContaining(['url', 'filter', 'description']),
    );
    // The request example, as the route docs give it, in the code sample beside the operation.
    await expect
      .poll(() => operation.innerText(), { timeout: 10_000 })
      .toContain(ROUTE_DOCS.createWebhook.bodyExample?.url ?? 'the example URL');

    await body.scrollIntoViewIfNeeded();
    const screenshot = await browser.screenshot(page, 'docs-post-webhooks');
    console.log(`screenshot: ${screenshot}`);
    expect(trouble).toEqual([]);
  }, 90_000);
});
