import type { InvoiceEvent } from '../events/invoice-event.ts';
import type { Invoice } from '../invoice/invoice.ts';

/**
 * Each invoice's canonical state as last snapshotted, one record per invoice of a connection,
 * holding the state, its hash, a version that increases with every change, the last event
 * sequence, and the outbox: events recorded with the state change that produced them and removed
 * only once published.
 *
 * A record is never deleted. An invoice nobody follows any more (its watch was removed) keeps its
 * record as a tombstone (`followed: false`), so that when it is followed again its version and
 * sequence continue where they stopped: an event id is never computed twice for different
 * content, and history entries are never overwritten.
 *
 * Every write is one conditional write on one record (no transactions), so the same code holds
 * its invariants on dynalite and on DynamoDB.
 */

export interface SnapshotRecord {
  remoteId: string;
  hash: string;
  version: number;
  sequence: number;
  gone: boolean;
  /** False once no watch brings the invoice in any more (a tombstone): kept, but not read or swept. */
  followed: boolean;
  /** The watch that brought the invoice in (providers without a list endpoint), else null. */
  via: string | null;
  /** When the stored state last changed (RFC 3339). */
  changedAt: string;
  /** The stored state, parsed and validated on first use (most reads only compare hashes). */
  state(): Invoice;
  outbox(): InvoiceEvent[];
}

export interface SnapshotWrite {
  connection: string;
  remoteId: string;
  state: Invoice;
  hash: string;
  version: number;
  sequence: number;
  gone: boolean;
  via: string | null;
  /** When the stored state changed: now for a new state, the old time when only flags change. */
  changedAt: string;
  /** Pending events: those still unpublished from before, plus the ones this change produced. */
  outbox: InvoiceEvent[];
  /** The version this change was computed from; null for a first sighting. */
  expectedVersion: number | null;
}

/** What gone-detection and the sweep need of every stored record. */
export interface SnapshotHeader {
  remoteId: string;
  gone: boolean;
  followed: boolean;
  via: string | null;
}

export interface SnapshotStore {
  /** The stored records of these invoices (absent ones are simply missing from the map). */
  getMany(connection: string, remoteIds: readonly string[]): Promise<Map<string, SnapshotRecord>>;
  /** Writes a change if the record is still at `expectedVersion`; 'conflict' when someone got there first. */
  write(change: SnapshotWrite): Promise<'written' | 'conflict'>;
  /** Records whose outbox still holds events. */
  pending(connection: string): AsyncGenerator<SnapshotRecord>;
  /**
   * Removes published events from an outbox. When they were all it held, the record leaves the
   * pending listing in the same write; if a newer change added events meanwhile, only ours go.
   */
  clearOutbox(
    connection: string,
    remoteId: string,
    published: readonly string[],
    outboxSize: number,
  ): Promise<void>;
  /** Every stored record of a connection, with just what gone-detection needs. */
  all(connection: string): AsyncGenerator<SnapshotHeader>;
  /**
   * Stops following an invoice nobody watches any more: it stays as a tombstone (version and
   * sequence kept) and leaves the snapshot reads. A record with unpublished events is left as it
   * is until they are out.
   */
  unfollow(connection: string, remoteId: string): Promise<void>;
  /** Adds and removes the invoice's entries in its orders' listings (for reads by order). */
  linkOrders(
    connection: string,
    remoteId: string,
    add: readonly string[],
    remove: readonly string[],
  ): Promise<void>;
}

export class CorruptItem extends Error {}
