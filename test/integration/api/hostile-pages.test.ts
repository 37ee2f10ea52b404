import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MAX_RESPONSE_BYTES } from '../../../shared/api/api-handler.ts';
import { InvoicePage } from '../../../shared/api/responses.ts';
import { createCarbonextSandbox } from '../../../shared/providers/carbonext/sandbox.ts';
import { createPackcloudSandbox } from '../../../shared/providers/packcloud/sandbox.ts';
import { hostileSandbox, isProviderCall } from '../../support/hostile-sandbox.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * A provider that answers far more than it was asked for: packcloud sending a page of 60
 * invoices for `per_page=1`. The API never answers more than `limit`, and its cursors continue
 * exactly where a page stopped, inside the provider's page, so every invoice comes once.
 */

let api: LocalApi;
const greedy = hostileSandbox(createPackcloudSandbox({ size: 150 }), {
  request: (request) => {
    if (!isProviderCall(request) || !request.path.endsWith('/billing/invoices')) return request;
    const query = new URLSearchParams(request.query);
    query.set('per_page', '60');
    return { ...request, query };
  },
});
/**
 * Invoices that are each within every bound but, a hundred of them normalized, outgrow Lambda's
 * 6 MB response: carbonext invoices of 400 orders (each a line of the canonical invoice).
 */
const ORDERS_PER_INVOICE = 400;
const bulky = hostileSandbox(createCarbonextSandbox({ size: 100 }), {
  response: (request, response) => {
    if (!isProviderCall(request) || response.status !== 200) return response;
    const body = JSON.parse(response.body) as { items?: Array<{ orders: unknown[] }> };
    for (const invoice of body.items ?? []) {
      const [order] = invoice.orders;
      invoice.orders = Array.from({ length: ORDERS_PER_INVOICE }, (_, index) => ({
        ...(order as object),
        id: `${index}`.padStart(8, '0') + (order as { id: string }).id.slice(8),
      }));
    }
    return { ...response, body: JSON.stringify(body) };
  },
});
beforeAll(async () => {
  api = await startLocalApi({
    snapshotIntervalSeconds: 0,
    sandboxes: { packcloud: greedy, carbonext: bulky },
  });
});
afterAll(() => api.stop());

describe('a provider page larger than the limit', () => {
  test('limit=1 answers one invoice, and the cursors walk the provider’s pages one invoice at a time', async () => {
    const seen: string[] = [];
    let path: string | null = '/v1/connections/packcloud/invoices?limit=7';
    let pages = 0;
    while (path !== null && pages < 100) {
      const page = InvoicePage.parse(await api.json(path));
      expect(page.invoices.length).toBeLessThanOrEqual(7);
      seen.push(...page.invoices.map((invoice) => invoice.remoteId));
      path =
        page.next === null
          ? null
          : `/v1/connections/packcloud/invoices?limit=7&cursor=${encodeURIComponent(page.next)}`;
      pages++;
    }
    const expected = greedy.sample(150).map((invoice) => invoice.remoteId);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(60 / 7) * 2 + Math.ceil(30 / 7));
  });

  test('limit=1 on the first page answers exactly one', async () => {
    const page = InvoicePage.parse(await api.json('/v1/connections/packcloud/invoices?limit=1'));
    expect(page.invoices).toHaveLength(1);
    expect(page.next).not.toBeNull();
  });
});

describe('an answer larger than a Lambda response may be', () => {
  test('a page that would outgrow the response cap is a 502 asking for a smaller limit; a smaller page answers', async () => {
    const response = await api.call('/v1/connections/carbonext/invoices?limit=100');
    const text = await response.text();
    expect(response.status).toBe(502);
    expect(response.headers.get('content-type')).toContain('application/problem+json');
    const problem = JSON.parse(text) as { detail: string };
    expect(problem.detail).toContain('ask for a smaller limit');
    expect(text.length).toBeLessThan(2000);

    const small = await api.call('/v1/connections/carbonext/invoices?limit=5');
    expect(small.status).toBe(200);
    const body = await small.text();
    expect(Buffer.byteLength(body)).toBeLessThan(MAX_RESPONSE_BYTES);
    const page = InvoicePage.parse(JSON.parse(body));
    expect(page.invoices).toHaveLength(5);
    expect(page.invoices[0]?.lines).toHaveLength(ORDERS_PER_INVOICE);
  });
});
