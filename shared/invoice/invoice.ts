import * as z from 'zod';

/**
 * The canonical invoice: the one shape every provider is normalized into.
 * Field names are public contract (camelCase JSON); these schemas are the types and feed the
 * OpenAPI document, so a field is described here once.
 */

export const InvoiceStatus = z
  .enum(['DRAFT', 'OPEN', 'PARTIALLY_PAID', 'PAID', 'VOID', 'UNKNOWN'])
  .describe(
    'Payment state. UNKNOWN when the provider said something no status table maps; see providerStatus.',
  );
export type InvoiceStatus = z.infer<typeof InvoiceStatus>;
export const INVOICE_STATUSES = InvoiceStatus.options;

/** Money and quantities travel as decimal strings so that no binary float ever rounds them. */
export const DecimalString = z
  .string()
  .regex(/^-?\d+(\.\d+)?$/)
  .describe('A decimal number as a string, e.g. "6.3"');

/** RFC 3339 in UTC; the fraction keeps the provider's precision (microseconds stay). */
export const UtcTimestamp = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?Z$/)
  .describe('RFC 3339 timestamp in UTC');

export const CurrencyCode = z
  .string()
  .regex(/^[A-Z]{3}$/)
  .describe('ISO 4217 currency code');

/** The invoice's counterparty. Personal data: never log it. */
export const Customer = z
  .object({
    code: z.string().nullable().describe("The provider's customer code or id"),
    name: z.string().nullable(),
    taxId: z.string().nullable(),
    address: z.string().nullable(),
    phone: z.string().nullable(),
    email: z.string().nullable(),
    nationalId: z.string().nullable().describe('Citizen identification number, where the provider sends one'),
    contactName: z.string().nullable().describe('The person who bought, when it differs from the customer'),
    bankAccount: z.string().nullable(),
  })
  .meta({ id: 'Customer', description: 'The counterparty. Personal data: handle accordingly.' });
export type Customer = z.infer<typeof Customer>;

export const InvoiceLine = z
  .object({
    remoteId: z
      .string()
      .nullable()
      .describe("The provider's id of the line (or of the product, or order), if any"),
    description: z.string().nullable(),
    quantity: DecimalString.nullable(),
    unit: z.string().nullable(),
    unitPrice: DecimalString.nullable(),
    discount: DecimalString.nullable(),
    taxRate: DecimalString.nullable().describe(
      'Percentage, e.g. "8"; null when not applicable or not declared',
    ),
    tax: DecimalString.nullable(),
    amount: DecimalString.nullable().describe('Line amount before tax'),
    status: z
      .string()
      .nullable()
      .describe("The line's own status as the provider says it, if lines have one"),
    createdAt: UtcTimestamp.nullable(),
  })
  .meta({ id: 'InvoiceLine' });
export type InvoiceLine = z.infer<typeof InvoiceLine>;

export const Invoice = z
  .object({
    id: z.string().describe('Stable, opaque id derived from the connection and remoteId'),
    provider: z.string().describe('Provider id, e.g. "carbonext"'),
    connection: z.string().nullable().describe('Connection id; null outside a configured connection'),
    remoteId: z.string().describe("The provider's id, exactly as sent"),
    number: z.string().nullable().describe('The human invoice number, when one exists'),
    status: InvoiceStatus,
    providerStatus: z.string().nullable().describe('What the provider said, verbatim'),
    authorityStatus: z
      .string()
      .nullable()
      .describe('Tax-authority submission state, where the provider has one'),
    currency: CurrencyCode.nullable(),
    subtotal: DecimalString.nullable().describe('Total excluding tax'),
    tax: DecimalString.nullable(),
    total: DecimalString.nullable().describe('Total including tax'),
    createdAt: UtcTimestamp.nullable(),
    issuedAt: UtcTimestamp.nullable(),
    dueAt: UtcTimestamp.nullable(),
    updatedAt: UtcTimestamp.nullable(),
    orderIds: z.array(z.string()),
    documentUrl: z.string().nullable(),
    customer: Customer.nullable(),
    lines: z.array(InvoiceLine),
    raw: z.unknown().optional().describe("The provider's own record; only when asked for"),
  })
  .meta({ id: 'Invoice', description: 'The canonical invoice every provider is normalized into' });
export type Invoice = z.infer<typeof Invoice>;

export const InvoicePage = z
  .object({
    invoices: z.array(Invoice),
    next: z.string().nullable().describe('Cursor of the next page, or null on the last page'),
  })
  .meta({ id: 'InvoicePage' });
export type InvoicePage = z.infer<typeof InvoicePage>;

/** A customer with every field empty, for providers that only know a few of them. */
export function customer(fields: Partial<Customer>): Customer {
  // Field by field rather than a spread: one shape for every customer, built without a copy loop.
  return {
    code: fields.code ?? null,
    name: fields.name ?? null,
    taxId: fields.taxId ?? null,
    address: fields.address ?? null,
    phone: fields.phone ?? null,
    email: fields.email ?? null,
    nationalId: fields.nationalId ?? null,
    contactName: fields.contactName ?? null,
    bankAccount: fields.bankAccount ?? null,
  };
}
