import { createHash } from 'node:crypto';
import type { Invoice } from '../invoice/invoice.ts';
import type { EventType } from './event-type.ts';
import type { InvoiceEvent, PreviousState } from './invoice-event.ts';

/**
 * How a stored change becomes its events.
 *
 * An event id is derived from everything that makes the change what it is: the connection, the
 * invoice, the version it produced, the event type, and the hashes of the state before and after.
 * A redelivery of the same change therefore carries the same id (consumers deduplicate on it),
 * and an id can never stand for different content: if an invoice's version were ever to repeat,
 * the states would differ and so would the id.
 */

export interface ChangeIdentity {
  connection: string;
  remoteId: string;
  version: number;
  type: EventType;
  /** State hash after the change. */
  stateHash: string;
  /** State hash before it; null for a first sighting. */
  previousHash: string | null;
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `evt_` + 26 base32 characters (130 bits) of SHA-256 over what identifies the change. */
export function eventId(change: ChangeIdentity): string {
  const digest = createHash('sha256')
    .update(
      [
        change.connection,
        change.remoteId,
        String(change.version),
        change.type,
        change.stateHash,
        change.previousHash ?? '',
      ].join('\u0000'),
    )
    .digest();
  let bits = 0;
  let value = 0;
  let text = '';
  for (const byte of digest) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5 && text.length < 26) {
      text += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    if (text.length === 26) break;
  }
  return `evt_${text}`;
}

export function previousOf(invoice: Invoice, version: number): PreviousState {
  return {
    version,
    status: invoice.status,
    providerStatus: invoice.providerStatus,
    authorityStatus: invoice.authorityStatus,
    currency: invoice.currency,
    subtotal: invoice.subtotal,
    tax: invoice.tax,
    total: invoice.total,
    issuedAt: invoice.issuedAt,
    dueAt: invoice.dueAt,
    updatedAt: invoice.updatedAt,
  };
}

export interface ChangeToRecord {
  connection: string;
  /** The new state. */
  invoice: Invoice;
  stateHash: string;
  /** What was stored before (null for a first sighting). */
  before: { state: Invoice; hash: string; version: number } | null;
  version: number;
  /** The last sequence used for this invoice; the events continue from it. */
  sequence: number;
  types: readonly EventType[];
  occurredAt: string;
}

/** The envelopes of one change, in order, with consecutive sequences. */
export function buildEvents(change: ChangeToRecord): InvoiceEvent[] {
  let sequence = change.sequence;
  const { before } = change;
  return change.types.map((type) => ({
    id: eventId({
      connection: change.connection,
      remoteId: change.invoice.remoteId,
      version: change.version,
      type,
      stateHash: change.stateHash,
      previousHash: before?.hash ?? null,
    }),
    type,
    occurredAt: change.occurredAt,
    sequence: ++sequence,
    connection: change.connection,
    provider: change.invoice.provider,
    invoice: { ...change.invoice, raw: undefined },
    previous: before === null ? null : previousOf(before.state, before.version),
  }));
}
