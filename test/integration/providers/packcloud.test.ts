import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { MalformedResponse, ProviderAuthFailed } from '../../../shared/errors.ts';
import { sum } from '../../../shared/invoice/money.ts';
import { packcloud } from '../../../shared/providers/packcloud/adapter.ts';
import { createPackcloudSandbox } from '../../../shared/providers/packcloud/sandbox.ts';
import type { ProviderPage } from '../../../shared/providers/provider.ts';
import { caught } from '../../support/caught.ts';
import { counting } from '../../support/counting.ts';
import { type ProviderSandbox, startProviderSandbox } from '../../support/sandboxes.ts';

let sandbox: ProviderSandbox;
beforeAll(async () => {
  sandbox = await startProviderSandbox('packcloud', { size: 300 });
});
afterAll(() => sandbox.close());

describe('packcloud adapter against its sandbox over HTTP', () => {
  test('follows next links to the end; ids that look like numbers stay text', async () => {
    const ids: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: ProviderPage | undefined = await packcloud.list?.(sandbox.connect(), { cursor, limit: 40 });
      ids.push(...(page?.invoices.map((invoice) => invoice.remoteId) ?? []));
      cursor = page?.next ?? null;
      pages++;
    } while (cursor !== null);
    expect(pages).toBe(8);
    expect(new Set(ids).size).toBe(300);
    expect(ids).toContain('000123');
  });

  test('get gathers the lines across their pages; line amounts add up to the subtotal', async () => {
    const many = sandbox.app.sample(40).map((s) => s.remoteId);
    let sawPagedLines = false;
    for (const remoteId of many) {
      const invoice = await packcloud.get?.(sandbox.connect(), remoteId);
      if ((invoice?.lines.length ?? 0) > 5) sawPagedLines = true;
      expect(sum(invoice?.lines.map((line) => line.amount ?? '0') ?? [])).toBe(invoice?.subtotal);
    }
    expect(sawPagedLines).toBe(true);
  });

  test('another organization is forbidden, a wrong token unauthorized', async () => {
    const otherOrganization = sandbox.connect({ options: { organizationId: 'someone-else' } });
    expect(await caught(packcloud.list?.(otherOrganization, { cursor: null, limit: 5 }))).toMatchObject({
      reason: 'forbidden',
    });
    const error = await caught(
      packcloud.list?.(sandbox.connect({ token: 'wrong' }), { cursor: null, limit: 5 }),
    );
    expect(error).toBeInstanceOf(ProviderAuthFailed);
  });

  test('a next link to another origin is refused and never followed', async () => {
    const elsewhere = counting(createPackcloudSandbox());
    const foreign = await startProviderSandbox('packcloud', {}, elsewhere);
    const hostile = await startProviderSandbox(
      'packcloud',
      {},
      createPackcloudSandbox({ linkOrigin: foreign.url.origin }),
    );
    try {
      const error = await caught(packcloud.list?.(hostile.connect(), { cursor: null, limit: 10 }));
      expect(error).toBeInstanceOf(MalformedResponse);
      expect((error as MalformedResponse).detail).toMatch(/outside the connection's origin/);
      const forged = await caught(
        packcloud.list?.(hostile.connect(), {
          cursor: `${foreign.url.origin}/v1/organizations/x/billing/invoices`,
          limit: 1,
        }),
      );
      expect(forged).toBeInstanceOf(MalformedResponse);
      expect(elsewhere.requests).toHaveLength(0);
    } finally {
      await Promise.all([foreign.close(), hostile.close()]);
    }
  });
});
