import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NotFound, ProviderAuthFailed } from '../../../shared/errors.ts';
import { carbonext } from '../../../shared/providers/carbonext/adapter.ts';
import type { ProviderPage } from '../../../shared/providers/provider.ts';
import { caught } from '../../support/caught.ts';
import { type ProviderSandbox, startProviderSandbox } from '../../support/sandboxes.ts';

let sandbox: ProviderSandbox;
beforeAll(async () => {
  sandbox = await startProviderSandbox('carbonext', { size: 300 });
});
afterAll(() => sandbox.close());

describe('carbonext adapter against its sandbox over HTTP', () => {
  test('pages with pageIndex/pageSize to the end, each invoice once', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ProviderPage | undefined = await carbonext.list?.(sandbox.connect(), { cursor, limit: 25 });
      ids.push(...(page?.invoices.map((invoice) => invoice.remoteId) ?? []));
      cursor = page?.next ?? null;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(12);
    expect(new Set(ids).size).toBe(300);
  });

  test('gets one invoice with its orders as lines in BRL', async () => {
    const [sample] = sandbox.app.sample(1);
    const invoice = await carbonext.get?.(sandbox.connect(), sample?.remoteId ?? '');
    expect(invoice).toMatchObject({
      remoteId: sample?.remoteId,
      currency: 'BRL',
      providerStatus: sample?.status,
    });
    expect(invoice?.lines.every((line) => line.unit === 'VCU' && line.createdAt?.endsWith('Z'))).toBe(true);
  });

  test('an unknown invoice is NotFound; a wrong token (401, empty body) an auth failure', async () => {
    expect(await caught(carbonext.get?.(sandbox.connect(), 'nope'))).toBeInstanceOf(NotFound);
    expect(
      await caught(carbonext.list?.(sandbox.connect({ token: 'x' }), { cursor: null, limit: 5 })),
    ).toBeInstanceOf(ProviderAuthFailed);
  });
});
