import type { components } from './openapi';

/**
 * The API's shapes as the console uses them, by the names the OpenAPI document gives them
 * (generated into openapi.d.ts from the route table; see console/scripts/generate-api-types.ts).
 */

type Schemas = components['schemas'];

export type Connection = Schemas['Connection'];
export type SnapshotStatus = Schemas['ConnectionSnapshotStatus'];
export type Invoice = Schemas['InvoiceAnswer'];
export type InvoiceLine = Schemas['InvoiceLine'];
export type InvoiceStatus = Schemas['Invoice']['status'];
export type InvoiceEvent = Schemas['InvoiceEvent'];
export type EventType = Schemas['EventType'];
export type Webhook = Schemas['Webhook'];
export type WebhookFilter = Schemas['WebhookFilter'];
export type DeliveryAttempt = Schemas['DeliveryAttempt'];
export type Problem = Schemas['Problem'];

/**
 * Every member of a union of strings, in the order the console lists them. The type checker
 * refuses a list that misses a member or has one the API does not: a status or event type added
 * to the API breaks the console's type-check until it is listed here.
 */
function everyMember<T extends string>() {
  return <const L extends readonly T[]>(
    list: L & ([Exclude<T, L[number]>] extends [never] ? unknown : never),
  ) => list;
}

export const INVOICE_STATUSES = everyMember<InvoiceStatus>()([
  'DRAFT',
  'OPEN',
  'PARTIALLY_PAID',
  'PAID',
  'VOID',
  'UNKNOWN',
]);

export const EVENT_TYPES = everyMember<EventType>()([
  'invoice.discovered',
  'invoice.status_changed',
  'invoice.paid',
  'invoice.updated',
  'invoice.voided',
]);
