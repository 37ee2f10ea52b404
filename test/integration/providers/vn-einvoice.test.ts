import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { NotFound, ProviderAuthFailed } from '../../../shared/errors.ts';
import { vnEinvoice } from '../../../shared/providers/vn-einvoice/adapter.ts';
import { caught } from '../../support/caught.ts';
import { type ProviderSandbox, startProviderSandbox } from '../../support/sandboxes.ts';

let sandbox: ProviderSandbox;
beforeAll(async () => {
  sandbox = await startProviderSandbox('vn-einvoice');
});
afterAll(() => sandbox.close());

describe('vn-einvoice adapter against its sandbox over HTTP', () => {
  test('gets one invoice by UUID (a POST), with buyer, lines and VND totals', async () => {
    const [sample] = sandbox.app.sample(1);
    const invoice = await vnEinvoice.get?.(sandbox.connect(), sample?.remoteId ?? '');
    expect(invoice).toMatchObject({
      remoteId: sample?.remoteId,
      currency: 'VND',
      authorityStatus: sample?.status,
    });
    expect(invoice?.customer?.name).toEqual(expect.any(String));
    expect(invoice?.lines.length).toBeGreaterThan(0);
    expect(invoice?.number).toMatch(/^1C\d{2}T[A-Z]{2}-\d{7}$/);
  });

  test('offers no list and no order lookup', () => {
    expect(vnEinvoice.operations).toEqual(['get']);
    expect(vnEinvoice.list).toBeUndefined();
  });

  test('401 "Not Authorized" and 403 "Not Allowed" are told apart', async () => {
    const [sample] = sandbox.app.sample(1);
    const unauthorized = await caught(
      vnEinvoice.get?.(sandbox.connect({ token: 'wrong' }), sample?.remoteId ?? ''),
    );
    expect(unauthorized).toBeInstanceOf(ProviderAuthFailed);
    expect(unauthorized).toMatchObject({ reason: 'unauthorized' });
    const restricted = sandbox.connect({ token: 'sandbox-vn-einvoice-restricted' });
    const forbidden = await caught(vnEinvoice.get?.(restricted, sample?.remoteId ?? ''));
    expect(forbidden).toMatchObject({ reason: 'forbidden' });
  });

  test('an unknown UUID is NotFound', async () => {
    const error = await caught(vnEinvoice.get?.(sandbox.connect(), '00000000-0000-4000-8000-000000000000'));
    expect(error).toBeInstanceOf(NotFound);
  });
});
