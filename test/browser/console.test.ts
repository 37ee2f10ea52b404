import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { promisify } from 'node:util';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROVIDER_IDS } from '../../shared/providers/registry.ts';
import { type RunningProduct, startProduct } from '../support/npm-start.ts';
import { freePort } from '../support/ports.ts';
import { launchBrowser, type TestBrowser } from './support/browser.ts';

/**
 * The web console as a person uses it, against a real `npm start` (its sandboxes, snapshots
 * every 2 s, webhooks allowed to this machine) in Debian's Chromium: sign in with the printed
 * key, see the five connections, mark a sandbox invoice paid from the console and see
 * `invoice.paid` in the live events and in the invoice's history; register an endpoint for a
 * real `invoice-relay listen` started with the secret the console showed, send a test and see the
 * 2xx in the delivery log; then sign in with a key granted one connection and see only that
 * connection's invoices, events and endpoints. Each screen is saved under .local/screenshots/ and
 * checked by axe-core against WCAG 2.1 A and AA (labels, names, contrast, structure). Nothing the
 * pages load may come from elsewhere, break the content security policy or throw.
 */

const run = promisify(execFile);
const WAIT = 60_000;

let product: RunningProduct;
let browser: TestBrowser;
let listener: ChildProcess | undefined;
let heard = '';
const trouble: string[] = [];

beforeAll(async () => {
  product = await startProduct({
    SNAPSHOT_INTERVAL_SECONDS: '2',
    SANDBOX_SIZE: '20',
    ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
  });
  browser = await launchBrowser({ timeoutMs: 30_000 });
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: product.url });
}, 150_000);

afterAll(async () => {
  listener?.kill('SIGTERM');
  await browser?.close();
  await product?.stop();
}, 60_000);

/**
 * Runs in the page before its own scripts (Playwright injects it; the page's CSP does not apply):
 * every layout shift the browser reports that no user input caused, with the elements it moved.
 */
const RECORD_LAYOUT_SHIFTS = `
window.layoutShifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    if (entry.hadRecentInput) continue;
    const describe = (node) => {
      if (!node) return String(node);
      const element = node.nodeType === 1 ? node : node.parentElement;
      const name = element ? element.tagName + '.' + element.className : String(node);
      return node.nodeType === 1 ? name : name + ' "' + String(node.textContent).slice(0, 40) + '"';
    };
    const nodes = (entry.sources || []).map((source) => describe(source.node));
    window.layoutShifts.push({ value: entry.value, nodes });
  }
}).observe({ type: 'layout-shift', buffered: true });
`;

/** A tab of its own (its own session storage, so its own sign-in), watched for trouble. */
async function openConsole(key: string): Promise<Page> {
  const page = await browser.newPage();
  page.on('request', (request) => {
    const url = request.url();
    if (!url.startsWith(`${product.url}/`) && !url.startsWith('data:')) trouble.push(`request to ${url}`);
    // The key goes to the API only: never to the sandboxes, the page's files or anywhere else.
    if (request.headers().authorization !== undefined && !url.startsWith(`${product.url}/v1/`)) {
      trouble.push(`key sent to ${url}`);
    }
  });
  page.on('console', (message) => {
    if (/Content.Security.Policy|Refused to/i.test(message.text())) trouble.push(`CSP: ${message.text()}`);
  });
  page.on('pageerror', (error) => trouble.push(`script error: ${error.message}`));
  await page.addInitScript({ content: RECORD_LAYOUT_SHIFTS });
  await page.goto(`${product.url}/console`);
  await page.getByLabel('API key').fill(key);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('navigation', { name: 'Sections' }).waitFor();
  return page;
}

/** axe-core's engine, run in the page through the debugging protocol (as a CSP-free evaluation). */
const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const AXE_RUN = `axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } })
  .then((result) => result.violations.map((violation) => ({
    rule: violation.id,
    impact: violation.impact,
    nodes: violation.nodes.slice(0, 5).map((node) => node.target.join(' ') + ': ' + node.failureSummary),
  })))`;

/** Saves the screen under .local/screenshots/ and checks it for accessibility violations. */
async function shot(page: Page, name: string): Promise<void> {
  console.log(`screenshot: ${await browser.screenshot(page, name)}`);
  await page.evaluate(AXE);
  expect(await page.evaluate(AXE_RUN), `${name}: accessibility violations`).toEqual([]);
}

const section = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Sections' }).getByRole('link', { name, exact: true });

/** The values of a data attribute over every element a locator finds. */
const attributes = (locator: Locator, name: string) =>
  locator.evaluateAll(
    (elements, attribute) => elements.map((element) => element.getAttribute(attribute)),
    name,
  );

/**
 * Nothing on the page moves while `line` (a screen's status line, which names the time of its
 * last read) changes `times` times: the screen polls with no user input and no layout shift.
 */
async function expectStillWhilePolling(page: Page, line: Locator, times: number): Promise<void> {
  const shifts = () =>
    page.evaluate('window.layoutShifts') as Promise<Array<{ value: number; nodes: string[] }>>;
  // Shifts from what came before (a click's answer rendering late on a busy machine) reach the
  // observer a frame or two after they happen: let them land before counting from here.
  await page.evaluate(
    'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(resolve, 50))))',
  );
  const before = (await shifts()).length;
  let seen = await line.innerText();
  for (let change = 0; change < times; change++) {
    await expect.poll(() => line.innerText(), { timeout: 20_000 }).not.toBe(seen);
    seen = await line.innerText();
  }
  expect((await shifts()).slice(before)).toEqual([]);
}

/** Playwright's web-first assertions, on vitest: each a bounded poll of what the page shows. */
const text = (locator: Locator, timeout = 30_000) =>
  expect.poll(async () => ((await locator.count()) === 0 ? '' : (await locator.allInnerTexts()).join('\n')), {
    timeout,
  });
const count = (locator: Locator, timeout = 30_000) => expect.poll(() => locator.count(), { timeout });
const enabled = (locator: Locator, timeout = 30_000) =>
  expect.poll(async () => (await locator.count()) > 0 && (await locator.isEnabled()), { timeout }).toBe(true);

let paidRemoteId = '';
let endpointUrl = '';
let endpointId = '';

describe('the web console against npm start', () => {
  test('an operator signs in, sees the connections, marks an invoice paid in the sandbox and sees invoice.paid live and in its history', async () => {
    // Signing in takes the keyboard alone.
    const page = await browser.newPage();
    await page.goto(`${product.url}/console`);
    await page.getByLabel('API key').waitFor();
    await shot(page, 'console-sign-in');
    await page.keyboard.press('Tab');
    expect(await page.evaluate('document.activeElement.id')).toBe('api-key');
    await page.keyboard.type(product.key);
    await page.keyboard.press('Enter');
    await page.getByRole('navigation', { name: 'Sections' }).waitFor();
    // The key is in this tab's session storage, and nowhere that outlives it.
    expect(await page.evaluate('sessionStorage.length')).toBe(1);
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(await page.evaluate('document.cookie')).toBe('');
    await page.close();

    const operator = await openConsole(product.key);
    // Connections: the five sandboxes, each with a completed snapshot run.
    const rows = operator.locator('table.connections tbody tr');
    await expect.poll(() => attributes(rows, 'data-connection')).toEqual([...PROVIDER_IDS]);
    await expect
      .poll(() => rows.getByText('completed', { exact: true }).count(), { timeout: WAIT })
      .toBe(PROVIDER_IDS.length);
    // Once the discovery is over, rounds change nothing, and the screen's refreshes move nothing.
    await expect
      .poll(async () => new Set(await rows.locator('td[data-stat="events"]').allInnerTexts()), {
        timeout: WAIT,
      })
      .toEqual(new Set(['0']));
    await expectStillWhilePolling(operator, operator.locator('.status-line').first(), 2);
    await shot(operator, 'console-connections');

    // Invoices: carbonext's open ones, from the snapshot store.
    await section(operator, 'Invoices').click();
    await operator.getByRole('group', { name: 'Connections' }).getByLabel('carbonext').check();
    await operator.getByRole('group', { name: 'Status' }).getByLabel('OPEN', { exact: true }).check();
    await operator.getByRole('button', { name: 'Search' }).click();
    const found = operator.locator('table.invoices tbody tr');
    await found.first().waitFor();
    expect(new Set(await attributes(found, 'data-connection'))).toEqual(new Set(['carbonext']));
    expect(new Set(await found.locator('td .badge').allInnerTexts())).toEqual(new Set(['OPEN']));
    await shot(operator, 'console-invoices');

    // A second tab follows the event log live, for carbonext.
    const events = await openConsole(product.key);
    await section(events, 'Events').click();
    await events.getByLabel('Connection').selectOption('carbonext');
    const eventsLine = events.locator('.status-line');
    await text(eventsLine, WAIT).toContain('caught up');
    await expectStillWhilePolling(events, eventsLine, 3);

    // The invoice: live beside snapshot, then paid through the sandbox beside it.
    await found.first().getByRole('link').click();
    const sandbox = operator.getByRole('region', { name: 'Sandbox: carbonext' });
    const markPaid = sandbox.getByRole('button', { name: 'Mark paid' });
    await enabled(markPaid, WAIT);
    paidRemoteId = (
      await operator.locator('.facts div', { hasText: 'Provider’s id' }).locator('dd').innerText()
    ).trim();
    expect(paidRemoteId).not.toBe('');
    const comparison = operator.locator('table.comparison');
    const cell = (field: string, source: 'live' | 'snapshot') =>
      comparison.locator(`tr[data-field="${field}"] td[data-source="${source}"]`);
    await text(cell('Provider status', 'live')).toBe('Pending');
    await markPaid.click();
    await text(sandbox).toContain('The next snapshot round will record it');
    // Live says Paid at once; the snapshot, and the history, after the next round.
    await text(cell('Provider status', 'live')).toBe('Paid');
    const history = operator.getByRole('region', { name: 'History' });
    await history.locator('details[data-event-type="invoice.paid"]').waitFor({ timeout: WAIT });
    await text(cell('Status', 'snapshot'), WAIT).toBe('PAID');
    await shot(operator, 'console-invoice');

    // The live events tab saw it arrive, without a reload.
    const paid = events.locator(`details[data-event-type="invoice.paid"][data-remote-id="${paidRemoteId}"]`);
    await paid.waitFor({ timeout: WAIT });
    await paid.locator('summary').click();
    const json = paid.getByRole('region', { name: /as JSON/ });
    await json.waitFor();
    const envelope = JSON.parse((await json.textContent()) ?? '') as {
      type: string;
      connection: string;
      invoice: { remoteId: string; status: string };
      previous: { status: string };
    };
    expect(envelope).toMatchObject({
      type: 'invoice.paid',
      connection: 'carbonext',
      invoice: { remoteId: paidRemoteId, status: 'PAID' },
      previous: { status: 'OPEN' },
    });
    await shot(events, 'console-events');

    // The type filter: only invoice.paid events stay listed, the one just paid among them.
    const listedTypes = () =>
      events
        .locator('details[data-event-type]')
        .evaluateAll((elements) => [...new Set(elements.map((element) => element.dataset.eventType))]);
    expect(await listedTypes()).toContain('invoice.discovered');
    await events.getByLabel('Type').selectOption('invoice.paid');
    await expect.poll(listedTypes, { timeout: WAIT }).toEqual(['invoice.paid']);
    await paid.waitFor({ timeout: WAIT });
    await events.close();
    await operator.close();
    expect(trouble).toEqual([]);
  }, 240_000);

  test('the webhook portal registers an endpoint for a real listener, shows its secret once, and logs the test delivery’s 2xx', async () => {
    const operator = await openConsole(product.key);
    await section(operator, 'Webhooks').click();
    const port = await freePort();
    endpointUrl = `http://127.0.0.1:${port}/hooks`;
    const form = operator.locator('form.endpoint-form');
    await form.getByLabel('URL').fill(endpointUrl);
    await form.getByLabel('Description').fill('console test listener');
    await form.getByRole('button', { name: 'Register endpoint' }).click();

    // The secret, shown once, copied by its button.
    const panel = operator.getByRole('region', { name: /Signing secret of/ });
    const secret = (await panel.getByTestId('webhook-secret').innerText()).trim();
    expect(secret).toMatch(/^whsec_/);
    await panel.getByRole('button', { name: 'Copy secret' }).click();
    await text(panel).toContain('Copied');
    expect(await operator.evaluate('navigator.clipboard.readText()')).toBe(secret);
    await count(operator.locator('table.webhooks tbody tr')).toBe(1);
    await shot(operator, 'console-webhook-created');

    // A real receiver, verifying signatures with the secret the console showed.
    listener = spawn(process.execPath, ['bin/invoice-relay.ts', 'listen', '--port', String(port)], {
      env: { ...process.env, WEBHOOK_SECRET: secret },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    listener.stdout?.on('data', (chunk) => {
      heard += String(chunk);
    });
    await expect.poll(() => heard, { timeout: 15_000 }).toContain('listening at');

    await panel.getByRole('link', { name: 'Open the endpoint' }).click();
    endpointId = /#\/webhooks\/(wh_[0-9a-f]+)/.exec(operator.url())?.[1] ?? '';
    expect(endpointId).not.toBe('');
    await operator.getByRole('button', { name: 'Send test event' }).click();
    const delivered = operator.locator(
      'table.deliveries tbody tr[data-event-type="webhook.test"][data-outcome="delivered"]',
    );
    await delivered.first().waitFor({ timeout: WAIT });
    expect(
      Number(await delivered.first().locator('td[data-column="status"]').innerText()),
    ).toBeGreaterThanOrEqual(200);
    expect(Number(await delivered.first().locator('td[data-column="status"]').innerText())).toBeLessThan(300);
    await expect.poll(() => heard, { timeout: 15_000 }).toContain('verified webhook.test');

    // A rotation shows the new secret; the listener, still on the old one, keeps verifying.
    await operator.getByRole('button', { name: 'Rotate secret' }).click();
    const rotated = operator.getByRole('region', { name: 'The new signing secret' });
    const fresh = (await rotated.getByTestId('webhook-secret').innerText()).trim();
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(secret);
    await operator.getByRole('button', { name: 'Send test event' }).click();
    await count(delivered, WAIT).toBe(2);
    await expectStillWhilePolling(
      operator,
      operator.locator('.status-line', { hasText: 'attempts shown' }),
      2,
    );
    await shot(operator, 'console-webhook-deliveries');
    expect(heard).not.toContain('refused');
    await operator.close();
    expect(trouble).toEqual([]);
  }, 180_000);

  test('a key granted one connection sees only that connection’s invoices, events and endpoints', async () => {
    const { stdout } = await run(
      process.execPath,
      [
        'bin/invoice-relay.ts',
        'keys',
        'create',
        '--tenant',
        'local',
        '--name',
        'carbonext only',
        '--connections',
        'carbonext',
        '--scopes',
        'invoices:read,events:read,webhooks:write',
        '--data-dir',
        product.dataDir,
      ],
      { timeout: 30_000 },
    );
    const { key } = JSON.parse(stdout) as { key: string };
    const narrow = await openConsole(key);

    await expect
      .poll(() => attributes(narrow.locator('table.connections tbody tr'), 'data-connection'))
      .toEqual(['carbonext']);
    await shot(narrow, 'console-narrow-connections');

    await section(narrow, 'Invoices').click();
    const found = narrow.locator('table.invoices tbody tr');
    await found.first().waitFor();
    expect(new Set(await attributes(found, 'data-connection'))).toEqual(new Set(['carbonext']));
    expect(await narrow.getByRole('group', { name: 'Connections' }).getByRole('checkbox').count()).toBe(1);
    await shot(narrow, 'console-narrow-invoices');

    await section(narrow, 'Events').click();
    await text(narrow.locator('.status-line'), WAIT).toContain('caught up');
    const events = narrow.locator('ol.events details.event');
    expect(await events.count()).toBeGreaterThan(0);
    expect(new Set(await attributes(events, 'data-connection'))).toEqual(new Set(['carbonext']));
    await narrow
      .locator(`details[data-event-type="invoice.paid"][data-remote-id="${paidRemoteId}"]`)
      .waitFor();
    await shot(narrow, 'console-narrow-events');

    // The operator's endpoint receives every connection: this key may not see it, nor open it.
    await section(narrow, 'Webhooks').click();
    await text(narrow.locator('.status-line')).toBe('0 endpoints');
    const form = narrow.locator('form.endpoint-form');
    expect(await form.getByRole('group', { name: 'Connections' }).getByRole('checkbox').count()).toBe(1);
    await form.getByLabel('URL').fill(`${endpointUrl}/carbonext`);
    await form.getByRole('button', { name: 'Register endpoint' }).click();
    await narrow.getByRole('button', { name: 'I have stored it' }).click();
    const listed = narrow.locator('table.webhooks tbody tr');
    await count(listed).toBe(1);
    await text(listed).toContain(`${endpointUrl}/carbonext`);
    await text(listed).toContain('connections: carbonext');
    await shot(narrow, 'console-narrow-webhooks');
    await narrow.goto(`${product.url}/console#/webhooks/${endpointId}`);
    await text(narrow.getByRole('alert')).toMatch(/not found/i);
    await narrow.close();
    expect(trouble).toEqual([]);
  }, 180_000);

  test('the portal’s other actions: a failing delivery retried, disable and enable, edit, recover (once per cooldown), delete; the sandbox’s faults', async () => {
    const operator = await openConsole(product.key);
    await section(operator, 'Webhooks').click();
    // Nothing listens on this port: every delivery fails, and is retried.
    const down = `http://127.0.0.1:${await freePort()}/down`;
    const form = operator.locator('form.endpoint-form');
    await form.getByLabel('URL').fill(down);
    await form.getByRole('group', { name: 'Event types' }).getByLabel('invoice.paid').check();
    await form.getByRole('button', { name: 'Register endpoint' }).click();
    await operator.getByRole('link', { name: 'Open the endpoint' }).click();
    await operator.getByRole('button', { name: 'Send test event' }).click();
    const failed = operator.locator('table.deliveries tbody tr[data-outcome="failed"]');
    await failed.first().waitFor({ timeout: WAIT });
    await text(failed.first().locator('td[data-column="status"]')).toBe('—');
    await failed
      .first()
      .getByRole('button', { name: /^Retry/ })
      .click();
    await text(operator.locator('.status-line', { hasText: 'attempts shown' })).toContain('queued again');

    const facts = operator.locator('dl.facts');
    await text(facts).toContain('invoice.paid · any status');
    await operator.getByRole('button', { name: 'Disable' }).click();
    await text(operator.locator('h1 .badge')).toBe('disabled');
    await operator.getByRole('button', { name: 'Enable' }).click();
    await text(operator.locator('h1 .badge')).toBe('enabled');

    const edit = operator.locator('form.endpoint-form');
    await edit.getByLabel('Description').fill('the ERP, while it is down');
    await edit.getByRole('group', { name: 'Event types' }).getByLabel('invoice.voided').check();
    await edit.getByRole('button', { name: 'Save changes' }).click();
    await text(facts).toContain('the ERP, while it is down');
    await text(facts).toContain('invoice.paid, invoice.voided · any status');

    const since = operator.getByLabel(/Re-send every matching event since/);
    await since.fill(localDateTime(new Date(Date.now() - 3_600_000)));
    await operator.getByRole('button', { name: 'Recover' }).click();
    await text(operator.locator('.outcome').first()).toContain('Recovery queued');
    await operator.getByRole('button', { name: 'Recover' }).click();
    await text(operator.getByRole('alert')).toContain('Recovering failed: Too many requests');
    await operator.evaluate('window.scrollTo(0, 0)');
    await shot(operator, 'console-webhook-actions');

    await operator.getByRole('button', { name: 'Delete…' }).click();
    await operator.getByRole('button', { name: 'Really delete' }).click();
    await operator.waitForURL(/#\/webhooks$/);
    await text(operator.locator('table.webhooks tbody')).not.toContain(down);

    // The sandbox's other controls, on another invoice: set a status, then delete it upstream.
    const upstream = async () =>
      (await (await fetch(`${product.url}/sandbox/carbonext/invoices?limit=500`)).json()) as {
        invoices: Array<{ remoteId: string; status: string }>;
      };
    const other = (await upstream()).invoices.find((invoice) => invoice.remoteId !== paidRemoteId);
    expect(other).toBeDefined();
    await operator.goto(
      `${product.url}/console#/invoices/carbonext/${encodeURIComponent(other?.remoteId ?? '')}`,
    );
    const controls = operator.getByRole('region', { name: 'Sandbox: carbonext' });
    const choice = controls.getByLabel('Provider status');
    // The panel appears once this invoice and the sandbox's vocabulary are read.
    await text(controls, WAIT).toContain(`The provider says ${other?.status}.`);
    const values = await choice
      .locator('option')
      .evaluateAll((options) => options.map((option) => option.getAttribute('value') ?? ''));
    const chosen = values.find((value) => value !== other?.status) ?? '';
    await choice.selectOption(chosen);
    await controls.getByRole('button', { name: 'Set status' }).click();
    await text(controls).toContain(`Set to ${chosen} at the provider`);
    expect((await upstream()).invoices.find((invoice) => invoice.remoteId === other?.remoteId)?.status).toBe(
      chosen,
    );
    await controls.getByRole('button', { name: 'Delete at the provider…' }).click();
    await controls.getByRole('button', { name: 'Really delete at the provider' }).click();
    await text(controls).toContain('Deleted at the provider');
    expect((await upstream()).invoices.map((invoice) => invoice.remoteId)).not.toContain(other?.remoteId);

    // Faults: the provider answers 503, so the live column says so while the snapshot still answers.
    await operator.goto(`${product.url}/console#/invoices/carbonext/${encodeURIComponent(paidRemoteId)}`);
    const sandbox = operator.getByRole('region', { name: 'Sandbox: carbonext' });
    await sandbox.getByText('Faults of carbonext').click();
    await sandbox.getByLabel('Error rate (0–1)').fill('1');
    await sandbox.getByRole('button', { name: 'Save faults' }).click();
    await text(sandbox).toContain('Faults saved.');
    await operator.getByRole('button', { name: 'Ask the provider again' }).click();
    await text(operator.getByRole('alert')).toContain('Asking the provider failed');
    await text(operator.locator('table.comparison thead')).toContain('no answer now; below is its last one');
    await text(operator.locator('table.comparison tr[data-field="Status"] td[data-source="snapshot"]')).toBe(
      'PAID',
    );
    await operator.evaluate('window.scrollTo(0, 0)');
    await shot(operator, 'console-sandbox-faults');
    // Reset; the provider's circuit may stay open a while after so many failures, so that is all.
    await sandbox.getByRole('button', { name: 'Reset' }).click();
    await text(sandbox).toContain('Faults reset');

    await operator.close();
    expect(trouble).toEqual([]);
  }, 180_000);
});

/** A moment as `<input type="datetime-local">` takes it, in this machine's zone (the browser's). */
function localDateTime(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
}
