import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { routes } from '../../../functions/routes.ts';
import { ConnectionList, InvoiceList, Problem } from '../../../shared/api/responses.ts';
import { Invoice, InvoicePage } from '../../../shared/invoice/invoice.ts';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/** Every route for every connection, over real HTTP, each response checked against its schema. */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.stop());

const offers = (provider: ProviderId, operation: string) =>
  (PROVIDERS[provider].operations as readonly string[]).includes(operation);
const sample = (provider: ProviderId) => api.runtime.sandboxes.get(provider)?.sample(6) ?? [];

async function expectProblem(path: string, status: number) {
  const response = await api.call(path);
  expect(response.status).toBe(status);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const problem = Problem.parse(await response.json());
  expect(problem.status).toBe(status);
  return problem;
}

describe('the lookup API, connection by connection', () => {
  test('lists the five connections with what each can do', async () => {
    const body = ConnectionList.parse(await api.json('/v1/connections'));
    expect(body.connections.map((c) => c.id)).toEqual(PROVIDER_IDS);
    for (const connection of body.connections) {
      expect(connection.operations).toEqual(PROVIDERS[connection.provider as ProviderId].operations);
    }
  });

  describe.each(PROVIDER_IDS)('%s', (provider) => {
    test('lists invoices, or answers 501 naming what it offers', async () => {
      const path = `/v1/connections/${provider}/invoices?limit=5`;
      if (!offers(provider, 'list')) {
        const problem = await expectProblem(path, 501);
        expect(problem.supportedOperations).toEqual(PROVIDERS[provider].operations);
        return;
      }
      const page = InvoicePage.parse(await api.json(path));
      expect(page.invoices.length).toBeGreaterThan(0);
      expect(page.invoices.length).toBeLessThanOrEqual(5);
      expect(page.invoices.every((invoice) => invoice.connection === provider)).toBe(true);
    });

    test('gets one invoice by the provider’s id and by the canonical id, raw on request', async () => {
      const [first] = sample(provider);
      const path = `/v1/connections/${provider}/invoices/${encodeURIComponent(first?.remoteId ?? '')}`;
      if (!offers(provider, 'get')) {
        await expectProblem(path, 501);
        return;
      }
      const byRemoteId = Invoice.parse(await api.json(path));
      expect(byRemoteId.remoteId).toBe(first?.remoteId);
      expect(byRemoteId).not.toHaveProperty('raw');
      const byCanonicalId = Invoice.parse(
        await api.json(`/v1/connections/${provider}/invoices/${byRemoteId.id}`),
      );
      expect(byCanonicalId).toEqual(byRemoteId);
      const withRaw = Invoice.parse(await api.json(`${path}?include=raw`));
      expect(withRaw.raw).toBeTypeOf('object');
    });

    test('lists the invoices of an order, or answers 501', async () => {
      const withOrder = sample(provider).find((s) => s.orderId !== null);
      const path = `/v1/connections/${provider}/orders/${encodeURIComponent(withOrder?.orderId ?? '1')}/invoices`;
      if (!offers(provider, 'order-invoices')) {
        await expectProblem(path, 501);
        return;
      }
      const body = InvoiceList.parse(await api.json(path));
      expect(body.invoices.map((invoice) => invoice.remoteId)).toContain(withOrder?.remoteId);
    });

    test('serves the document where the provider has one, else 501', async () => {
      const [first] = sample(provider);
      const path = `/v1/connections/${provider}/invoices/${encodeURIComponent(first?.remoteId ?? '')}/document`;
      if (!offers(provider, 'document')) {
        await expectProblem(path, 501);
        return;
      }
      const response = await api.call(path);
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/pdf');
      expect(
        Buffer.from(await response.arrayBuffer())
          .subarray(0, 5)
          .toString(),
      ).toBe('%PDF-');
    });
  });

  test('an unknown invoice or order is a 404 problem', async () => {
    await expectProblem('/v1/connections/carbonext/invoices/00000000-0000-4000-8000-000000000000', 404);
    await expectProblem('/v1/connections/orders-api/orders/999999/invoices', 404);
    await expectProblem('/v1/connections/vn-einvoice/invoices/00000000-0000-4000-8000-000000000000', 404);
  });

  test('the route table and the API agree: every route answers something other than 404-for-route', async () => {
    for (const route of Object.values(routes)) {
      const path = route.path
        .replace('{connection}', 'carbonext')
        .replace('{invoiceId}', 'x')
        .replace('{orderId}', '1');
      const response = await api.call(path, { method: route.method });
      const body = response.headers.get('content-type')?.includes('problem') ? await response.json() : {};
      expect((body as { detail?: string }).detail ?? '').not.toMatch(/^No route/);
    }
  });
});
