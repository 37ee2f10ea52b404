import { createHash } from 'node:crypto';
import { InvoiceRelayError, MalformedResponse, NotFound, ProviderRejected } from '../errors.ts';
import type { Invoice } from '../invoice/invoice.ts';
import type { ProviderAdapter, ProviderConnection, QuarantinedRecord } from '../providers/provider.ts';
import type { WatchStore } from '../watches/watch-store.ts';
import type { WalkProgress } from './run-state.ts';

/**
 * One step of a walk: a page of the provider's list, or a page of the connection's watches with
 * each watched invoice or order fetched. A step reports the records it could not read
 * (quarantined) instead of failing: one bad record must not hide every other invoice of its
 * connection, nor keep its walk from ever completing.
 */

export interface Step {
  invoices: Invoice[];
  /** Which watch brought each invoice (providers without a list), by remote id. */
  via: Map<string, string>;
  quarantined: QuarantinedRecord[];
  /** Watch keys whose invoices could not be told (an order that failed as a whole). */
  unidentified: number;
  next: string | null;
}

/** A walk that cannot go on: the provider loops, or runs past the page cap. Fails the run clearly. */
export class WalkRefused extends InvoiceRelayError {
  readonly reason: string;
  constructor(reason: string) {
    super(reason);
    this.reason = reason;
  }
}

export function cursorDigest(cursor: string): string {
  return createHash('sha256').update(cursor).digest('base64url').slice(0, 22);
}

/**
 * Guards the walk against providers that never end it: a `next` already followed in this walk
 * is a loop, and a walk past `maxPages` is refused; both fail the run with the reason.
 */
export function checkNext(provider: string, progress: WalkProgress, next: string | null, maxPages: number) {
  if (next === null) return;
  if (progress.cursors.has(cursorDigest(next))) {
    throw new WalkRefused(
      `${provider}'s next page link repeats one this walk already followed (after page ${progress.pages + 1}); the walk stops`,
    );
  }
  if (progress.pages + 1 >= maxPages) {
    throw new WalkRefused(
      `the walk reached ${maxPages} pages, the most this connection allows (limits.maxPagesPerWalk)`,
    );
  }
}

export async function listStep(
  adapter: ProviderAdapter,
  connection: ProviderConnection,
  cursor: string | null,
  pageSize: number,
): Promise<Step> {
  if (adapter.list === undefined) throw new Error(`${adapter.id} cannot list`);
  const limit = adapter.wholeListPerRequest === true ? null : pageSize;
  const page = await adapter.list(connection, { cursor, limit });
  const unidentified = page.quarantined.filter((record) => record.remoteId === null).length;
  return {
    invoices: page.invoices,
    via: new Map(),
    quarantined: page.quarantined,
    unidentified,
    next: page.next,
  };
}

/** A failure that belongs to one watched invoice or order, not to the provider as a whole. */
function isRecordFailure(error: unknown): error is MalformedResponse | ProviderRejected {
  return error instanceof MalformedResponse || error instanceof ProviderRejected;
}

export async function watchStep(
  adapter: ProviderAdapter,
  connection: ProviderConnection,
  watches: WatchStore,
  connectionId: string,
  progress: WalkProgress,
  pageSize: number,
): Promise<Step> {
  const page = await watches.page(connectionId, progress.cursor, pageSize);
  const step: Step = { invoices: [], via: new Map(), quarantined: [], unidentified: 0, next: page.next };
  for (const watch of page.watches) {
    progress.watches.add(watch.key);
    try {
      let found: Invoice[];
      if (watch.kind === 'invoice') {
        found = adapter.get === undefined ? [] : [await adapter.get(connection, watch.id)];
      } else {
        const order =
          adapter.orderInvoices === undefined ? null : await adapter.orderInvoices(connection, watch.id);
        found = order?.invoices ?? [];
        for (const record of order?.quarantined ?? []) {
          step.quarantined.push(record);
          if (record.remoteId === null) step.unidentified++;
        }
      }
      for (const invoice of found) {
        step.invoices.push(invoice);
        step.via.set(invoice.remoteId, watch.key);
      }
    } catch (error: unknown) {
      // Not found is an answer (the invoice or order is gone upstream).
      if (error instanceof NotFound) continue;
      // One unreadable watched invoice or order is quarantined; anything else (the provider down,
      // credentials refused, throttling) is the provider's state and fails the walk.
      if (!isRecordFailure(error)) throw error;
      const reason =
        error instanceof MalformedResponse
          ? error.detail
          : `the provider refused it (status ${error.upstreamStatus})`;
      step.quarantined.push({
        position: watch.key,
        remoteId: watch.kind === 'invoice' ? watch.id : null,
        reason,
      });
      if (watch.kind === 'order') step.unidentified++;
    }
  }
  return step;
}
