import { describe, expect, test } from 'vitest';
import { invoiceId, remoteIdFromInvoiceId } from '../../../shared/invoice/invoice-id.ts';

describe('canonical invoice ids', () => {
  test('are stable and round-trip to the remote id within their namespace', () => {
    const id = invoiceId('carbonext', '8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd');
    expect(id).toBe(invoiceId('carbonext', '8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd'));
    expect(id).toMatch(/^inv_[A-Za-z0-9_-]+$/);
    expect(remoteIdFromInvoiceId('carbonext', id)).toBe('8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd');
  });

  test('differ between connections for the same remote id', () => {
    expect(invoiceId('acme-carbonext', '1')).not.toBe(invoiceId('other-carbonext', '1'));
  });

  test('keep remote ids that contain the separator or look like numbers', () => {
    for (const remoteId of ['000123', '7e10', 'a:b:c', 'ü/ß']) {
      expect(remoteIdFromInvoiceId('conn', invoiceId('conn', remoteId))).toBe(remoteId);
    }
  });

  test('are not accepted in another namespace, and plain strings are not ids', () => {
    expect(remoteIdFromInvoiceId('other', invoiceId('conn', '1'))).toBeNull();
    expect(remoteIdFromInvoiceId('conn', '000123')).toBeNull();
    expect(remoteIdFromInvoiceId('conn', 'inv_!!')).toBeNull();
    expect(remoteIdFromInvoiceId('conn', 'inv_Y29ubjo')).toBeNull(); // "conn:" with nothing after
  });
});
