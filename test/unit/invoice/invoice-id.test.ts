import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { invoiceId, referenceInvoiceId, remoteIdFromInvoiceId } from '../../../shared/invoice/invoice-id.ts';

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

describe('the fast encoder', () => {
  test('gives exactly the Buffer encoding, for any namespace and remote id', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.constantFrom('carbonext', 'acme-packcloud', 'a', 'ab', 'abc'),
          fc.string({ minLength: 1 }),
        ),
        fc.oneof(
          fc.uuid(),
          fc.string(),
          fc.string({ unit: 'grapheme' }),
          fc.string({ minLength: 300, maxLength: 900 }),
        ),
        (namespace, remoteId) => {
          expect(invoiceId(namespace, remoteId)).toBe(referenceInvoiceId(namespace, remoteId));
        },
      ),
      { numRuns: 3000 },
    );
  });

  test('ids of several namespaces in turn stay their own', () => {
    const ids = ['a', 'carbonext', 'a', 'xy', 'carbonext'].map((namespace) => invoiceId(namespace, '000123'));
    expect(ids).toEqual(
      ['a', 'carbonext', 'a', 'xy', 'carbonext'].map((namespace) => referenceInvoiceId(namespace, '000123')),
    );
  });
});
