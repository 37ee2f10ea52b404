import * as z from 'zod';

/**
 * The canonical invoice's codes: its statuses and currency codes. Configuration (status maps),
 * webhook filters and queries name them, so they stand apart from the invoice model (invoice.ts),
 * whose schemas only the functions that read or answer invoices build.
 */

export const InvoiceStatus = z
  .enum(['DRAFT', 'OPEN', 'PARTIALLY_PAID', 'PAID', 'VOID', 'UNKNOWN'])
  .describe(
    'Payment state. UNKNOWN when the provider said something no status table maps; see providerStatus.',
  );
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;
export const INVOICE_STATUSES = InvoiceStatus.options;

export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 currency code');
