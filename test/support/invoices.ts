import { customer, type Invoice } from '../../shared/invoice/invoice.ts';
import { invoiceId } from '../../shared/invoice/invoice-id.ts';

/** A canonical invoice for store-level tests, with overrides. */
export function anInvoice(remoteId: string, overrides: Partial<Invoice> = {}): Invoice {
  return {
    id: invoiceId('carbonext', remoteId),
    provider: 'carbonext',
    connection: 'carbonext',
    remoteId,
    number: null,
    status: 'OPEN',
    providerStatus: 'Pending',
    authorityStatus: null,
    currency: 'BRL',
    subtotal: null,
    tax: null,
    total: '100',
    createdAt: null,
    issuedAt: null,
    dueAt: null,
    updatedAt: null,
    orderIds: [],
    documentUrl: null,
    customer: customer({ code: 'c1' }),
    lines: [],
    ...overrides,
  };
}
