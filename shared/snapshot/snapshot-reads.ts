import type { InvoiceStatus } from '../invoice/codes.ts';
import type { Invoice } from '../invoice/invoice.ts';
import type { RunStatus } from './run-state.ts';

/**
 * Reads from the snapshot store: what the snapshots hold of each followed invoice, ordered by the
 * time its stored state changed, oldest first. A reader of several connections merges their
 * partitions, so it reads nothing of connections it may not see.
 *
 * The guarantee for an incremental sync: a change stored while a reader pages through lands after
 * the reader's position (its time is later), so the reader meets it on a later page or on its
 * next sync; a change is never behind a position already handed out. Readers only see changes
 * older than the settle window, so one whose write took its time before another but landed
 * after it (or is still on its way into the index) is already visible when a position passes it.
 */

export interface StoredInvoice {
  invoice: Invoice;
  snapshot: { version: number; changedAt: string; observedAt: string; gone: boolean };
}

/** A place in the merged order: the sort key of the last invoice handed out, and its connection. */
export interface ChangePosition {
  sortKey: string;
  connection: string;
}

export interface SnapshotQuery {
  connections: readonly string[];
  statuses?: readonly InvoiceStatus[] | undefined;
  updatedSince?: string | undefined;
  includeGone: boolean;
  limit: number;
  after?: ChangePosition | undefined;
}

export interface SnapshotPage {
  invoices: StoredInvoice[];
  /** Where the next page starts; null once everything settled so far was read. */
  next: ChangePosition | null;
}

export interface SnapshotReader {
  page(query: SnapshotQuery, now: number): Promise<SnapshotPage>;
  get(connection: string, remoteId: string, now: number): Promise<StoredInvoice | null>;
  byOrder(connection: string, orderId: string, now: number): Promise<StoredInvoice[]>;
}

/**
 * The latest moment the store knows the provider still said what it holds: when the state was
 * stored, or, if later, when the last complete walk that saw the invoice readable began. A gone
 * invoice was last seen when it was found gone.
 */
export function observedAt(
  changedAt: string,
  gone: boolean,
  remoteId: string,
  run: RunStatus | null,
): string {
  const walk = run?.lastCompletedWalkStartedAt ?? null;
  if (gone || walk === null || walk <= changedAt) return changedAt;
  return run?.lastCompletedQuarantined.includes(remoteId) ? changedAt : walk;
}
