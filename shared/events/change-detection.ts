import { createHash } from 'node:crypto';
import type { Invoice } from '../invoice/invoice.ts';
import type { EventType } from './event-type.ts';

/**
 * What changed between two canonical states of an invoice.
 *
 * The state hash leaves out volatile fields: `raw` (the provider's record, often carrying its own
 * timestamps) and `updatedAt` (a provider touching an invoice without changing it is not news).
 */
const VOLATILE = new Set(['raw', 'updatedAt']);

/** Keys in a fixed order at every level, so equal states always hash equal. */
function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) sorted[key] = stable((value as Record<string, unknown>)[key]);
  return sorted;
}

export function stateHash(invoice: Invoice): string {
  const relevant: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(invoice)) if (!VOLATILE.has(key)) relevant[key] = value;
  return createHash('sha256')
    .update(JSON.stringify(stable(relevant)))
    .digest('base64url');
}

/**
 * The events a change produces, in order:
 * - first sighting: `invoice.discovered` only (a first sighting is not a change of status; its
 *   `status` attribute still lets a `{"status": ["PAID"]}` filter see invoices first seen paid);
 * - a new status: `invoice.status_changed`, plus `invoice.paid` into PAID or `invoice.voided` into VOID;
 * - anything else (amounts, dates, lines, numbers): `invoice.updated`.
 */
export function eventTypesFor(previous: Invoice | null, next: Invoice): EventType[] {
  if (previous === null) return ['invoice.discovered'];
  if (previous.status !== next.status) {
    const types: EventType[] = ['invoice.status_changed'];
    if (next.status === 'PAID') types.push('invoice.paid');
    if (next.status === 'VOID') types.push('invoice.voided');
    return types;
  }
  return ['invoice.updated'];
}
