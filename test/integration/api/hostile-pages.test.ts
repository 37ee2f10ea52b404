import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvoicePage } from '../../../shared/api/responses.ts';
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
beforeAll(async () => {
  api = await startLocalApi({ snapshotIntervalSeconds: 0, sandboxes: { packcloud: greedy } });
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
