import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { type ProviderSandbox, startProviderSandbox } from '../../support/sandboxes.ts';

/**
 * Every provider in the registries, adapter against its own sandbox over HTTP with the sandbox's
 * default connection: the last step of docs/adding-a-provider.md, checked for all of them.
 */

describe.each(PROVIDER_IDS)('%s', (provider: ProviderId) => {
  let sandbox: ProviderSandbox;
  beforeAll(async () => {
    sandbox = await startProviderSandbox(provider, { size: 12 });
  });
  afterAll(() => sandbox.close());

  test('every operation it offers answers with canonical invoices from its sandbox', async () => {
    const adapter = PROVIDERS[provider];
    const [sample] = sandbox.app.sample(1);
    for (const operation of adapter.operations) {
      const connection = sandbox.connect();
      if (operation === 'list') {
        const page = await adapter.list?.(connection, { cursor: null, limit: 5 });
        expect(page?.invoices.length).toBeGreaterThan(0);
        expect(page?.quarantined).toEqual([]);
      } else if (operation === 'get') {
        expect((await adapter.get?.(connection, sample?.remoteId ?? ''))?.remoteId).toBe(sample?.remoteId);
      } else if (operation === 'order-invoices') {
        const found = await adapter.orderInvoices?.(connection, sample?.orderId ?? '');
        expect(found?.invoices.map((invoice) => invoice.remoteId)).toContain(sample?.remoteId);
      } else {
        expect(await adapter.document?.(connection, sample?.remoteId ?? '')).toHaveProperty('kind');
      }
    }
  });
});
