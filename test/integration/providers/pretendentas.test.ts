import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NotFound, ProviderAuthFailed } from '../../../shared/errors.ts';
import { pretendentas } from '../../../shared/providers/pretendentas/adapter.ts';
import type { ProviderConnection, ProviderPage } from '../../../shared/providers/provider.ts';
import { caught } from '../../support/caught.ts';
import { type ProviderSandbox, startProviderSandbox } from '../../support/sandboxes.ts';

let sandbox: ProviderSandbox;
let connection: ProviderConnection;

beforeAll(async () => {
  sandbox = await startProviderSandbox('pretendentas', { size: 300 });
  connection = sandbox.connect();
});
afterAll(() => sandbox.close());

async function listAll(target: ProviderConnection, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const page: ProviderPage | undefined = await pretendentas.list?.(target, { cursor, limit });
    if (page === undefined) throw new Error('list missing');
    ids.push(...page.invoices.map((invoice) => invoice.remoteId));
    cursor = page.next;
    pages++;
  } while (cursor !== null);
  return { ids, pages };
}

describe('pretendentas adapter against its sandbox over HTTP', () => {
  test('pages through every invoice to the end, each once', async () => {
    const { ids, pages } = await listAll(connection, 70);
    expect(pages).toBe(5);
    expect(ids).toHaveLength(300);
    expect(new Set(ids).size).toBe(300);
  });

  test('the XML flavour normalizes to the same invoices as JSON', async () => {
    const json = await pretendentas.list?.(connection, { cursor: null, limit: 20 });
    const xml = await pretendentas.list?.(sandbox.connect({ options: { format: 'xml' } }), {
      cursor: null,
      limit: 20,
    });
    expect(xml).toEqual(json);
  });

  test('gets one invoice, and answers NotFound for an unknown id', async () => {
    const [sample] = sandbox.app.sample(1);
    const invoice = await pretendentas.get?.(connection, sample?.remoteId ?? '');
    expect(invoice?.remoteId).toBe(sample?.remoteId);
    expect(invoice?.connection).toBe('pretendentas');
    await expect(pretendentas.get?.(connection, 'no-such-invoice')).rejects.toBeInstanceOf(NotFound);
  });

  test('lists the invoices of an order; an unknown order is NotFound', async () => {
    const samples = sandbox.app.sample(7);
    const shared = samples[6]?.orderId ?? '';
    expect(samples[5]?.orderId).toBe(shared);
    const found = await pretendentas.orderInvoices?.(connection, shared);
    expect(found?.quarantined).toEqual([]);
    expect(found?.invoices.map((invoice) => invoice.remoteId).sort()).toEqual(
      [samples[5]?.remoteId, samples[6]?.remoteId].sort(),
    );
    await expect(pretendentas.orderInvoices?.(connection, 'no-such-order')).rejects.toBeInstanceOf(NotFound);
  });

  test('fetches the PDF with our key (the link needs it), and never redirects the caller to it', async () => {
    const [sample] = sandbox.app.sample(1);
    const document = await pretendentas.document?.(connection, sample?.remoteId ?? '');
    expect(document?.kind).toBe('content');
    if (document?.kind === 'content') {
      expect(document.contentType).toBe('application/pdf');
      expect(document.body.subarray(0, 5).toString()).toBe('%PDF-');
    }
  });

  test('a wrong API key is an auth failure, not an empty page', async () => {
    const error = await caught(
      pretendentas.list?.(sandbox.connect({ token: 'wrong' }), { cursor: null, limit: 10 }),
    );
    expect(error).toBeInstanceOf(ProviderAuthFailed);
    expect(error).toMatchObject({ reason: 'unauthorized' });
  });

  test('a status changed through the sandbox control route shows on the next read', async () => {
    const target = sandbox.app.sample(20).find((s) => s.status === 'UNPAID');
    const response = await fetch(new URL(`/invoices/${target?.remoteId}/status`, sandbox.url), {
      method: 'POST',
      body: JSON.stringify({ status: 'PAID' }),
    });
    expect(response.status).toBe(204);
    const invoice = await pretendentas.get?.(connection, target?.remoteId ?? '');
    expect(invoice).toMatchObject({ status: 'PAID', providerStatus: 'PAID' });
    expect(invoice?.number).not.toBeNull();
  });
});
