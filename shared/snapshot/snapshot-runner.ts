import { randomUUID } from 'node:crypto';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import { InvoiceRelayError, NotFound } from '../errors.ts';
import { eventTypesFor, stateHash } from '../events/change-detection.ts';
import type { EventLog } from '../events/event-log.ts';
import type { EventPublisher } from '../events/event-publisher.ts';
import { eventId, type InvoiceEvent, previousOf } from '../events/invoice-event.ts';
import type { Invoice } from '../invoice/invoice.ts';
import type { ProviderAdapter, ProviderConnection } from '../providers/provider.ts';
import type { RunStateStore, WalkProgress } from './run-state.ts';
import type { SnapshotRecord, SnapshotStore } from './snapshot-store.ts';
import type { WatchList } from './watch-list.ts';
import type { WorkMessage } from './work-queue.ts';

/**
 * One snapshot run of one connection: walk the provider (its list, or the watch list where it has
 * none), compare each invoice's state hash with the stored one, record every change together with
 * its events (the outbox), publish them, and, once the walk completed, mark invoices that are gone.
 *
 * Invariants, each held by a single-item conditional write:
 * - two runs of a connection never overlap (the lease);
 * - an event exists if and only if its state change was stored (same write), and stays in the
 *   outbox until SNS took it, so a crash anywhere only delays it; a redelivery has the same id;
 * - a change computed from a stale read loses the version check and is computed again;
 * - a walk that fails part-way marks nothing gone.
 */

export interface SnapshotOptions {
  /** How long a run may hold its connection; a crashed run blocks it at most this long. @default 900000 */
  leaseMs: number;
  /** Invoices asked for per provider page. @default 100 */
  pageSize: number;
  /** Watches fetched per step for providers without a list endpoint. @default 25 */
  watchPageSize: number;
  /** Hand the walk over to a continuation when less than this remains of the invocation. @default 30000 */
  safetyMarginMs: number;
}

export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = {
  leaseMs: 15 * 60_000,
  pageSize: 100,
  watchPageSize: 25,
  safetyMarginMs: 30_000,
};

export interface RunStats {
  pages: number;
  invoices: number;
  changed: number;
  events: number;
  published: number;
  gone: number;
}

export type RunOutcome =
  | { kind: 'skipped'; reason: 'lease-held' | 'lease-lost' }
  | { kind: 'continue'; message: WorkMessage; stats: RunStats }
  | { kind: 'completed'; stats: RunStats }
  | { kind: 'failed'; reason: string; stats: RunStats };

export interface SnapshotDependencies {
  connections: ConnectionRegistry;
  snapshots: SnapshotStore;
  runs: RunStateStore;
  watches: WatchList;
  log: EventLog;
  publisher: EventPublisher;
  clock?: () => number;
  options?: Partial<SnapshotOptions>;
}

interface Step {
  invoices: Invoice[];
  /** Which watch brought each invoice (providers without a list), by remote id. */
  via: Map<string, string>;
  next: string | null;
}

interface Pending {
  remoteId: string;
  outbox: InvoiceEvent[];
}

const MAX_WRITE_ATTEMPTS = 5;

/** Events are logged 25 to a batch write and published 10 to a PublishBatch. */
const PUBLISH_BATCH_EVENTS = 25;

/**
 * Recorded changes on their way out. Publishing per page would spend a log write and a publish
 * call on every page with one change; buffering up to a full log batch spends them on full
 * batches. Nothing is at risk meanwhile: the events already sit in their outboxes, and the buffer
 * is flushed before a walk hands over or ends.
 */
class PublishBuffer {
  readonly #publish: (entries: Pending[]) => Promise<number>;
  readonly #stats: RunStats;
  #entries: Pending[] = [];
  #events = 0;

  constructor(publish: (entries: Pending[]) => Promise<number>, stats: RunStats) {
    this.#publish = publish;
    this.#stats = stats;
  }

  /**
   * An invoice recorded twice before a flush (it changed between two pages) keeps only its newer
   * entry: that outbox already holds the older one's events, and publishing both would leave the
   * item's emptied outbox behind in the outbox index.
   */
  async add(entry: Pending): Promise<void> {
    const earlier = this.#entries.findIndex((pending) => pending.remoteId === entry.remoteId);
    if (earlier >= 0) {
      this.#events -= this.#entries[earlier]?.outbox.length ?? 0;
      this.#entries.splice(earlier, 1);
    }
    this.#entries.push(entry);
    this.#events += entry.outbox.length;
    if (this.#events >= PUBLISH_BATCH_EVENTS) await this.flush();
  }

  async flush(): Promise<void> {
    const entries = this.#entries;
    this.#entries = [];
    this.#events = 0;
    if (entries.length > 0) this.#stats.published += await this.#publish(entries);
  }
}

export class SnapshotRunner {
  readonly #deps: SnapshotDependencies;
  readonly #options: SnapshotOptions;
  readonly #clock: () => number;

  constructor(dependencies: SnapshotDependencies) {
    this.#deps = dependencies;
    this.#options = { ...DEFAULT_SNAPSHOT_OPTIONS, ...dependencies.options };
    this.#clock = dependencies.clock ?? Date.now;
  }

  /** Runs or continues a walk until it completes or `remainingMs` says to hand over. */
  async handle(message: WorkMessage, remainingMs: () => number): Promise<RunOutcome> {
    const { runs, connections } = this.#deps;
    const connectionId = message.connection;
    const runId = message.kind === 'run' ? randomUUID() : message.runId;
    let progress: WalkProgress | null;
    if (message.kind === 'run') {
      if (!(await runs.acquire(connectionId, runId, this.#options.leaseMs, this.#clock()))) {
        return { kind: 'skipped', reason: 'lease-held' };
      }
      progress = { cursor: null, pages: 0, seen: new Set(), watches: new Set() };
    } else {
      progress = (await runs.renew(connectionId, runId, this.#options.leaseMs, this.#clock()))
        ? await runs.resume(connectionId, runId)
        : null;
      if (progress === null) return { kind: 'skipped', reason: 'lease-lost' };
    }
    const stats: RunStats = { pages: 0, invoices: 0, changed: 0, events: 0, published: 0, gone: 0 };
    const buffer = new PublishBuffer((entries) => this.#publish(connectionId, entries), stats);
    let renewedAt = this.#clock();
    try {
      stats.published += await this.publishPending(connectionId);
      const adapter = connections.adapter(connectionId);
      const connection = await connections.open(connectionId);
      for (;;) {
        if (remainingMs() < this.#options.safetyMarginMs) {
          await buffer.flush();
          if (!(await runs.checkpoint(connectionId, runId, progress)))
            return { kind: 'skipped', reason: 'lease-lost' };
          return { kind: 'continue', message: { kind: 'continue', connection: connectionId, runId }, stats };
        }
        const step = adapter.operations.includes('list')
          ? await this.#listStep(adapter, connection, progress.cursor)
          : await this.#watchStep(adapter, connection, connectionId, progress);
        await this.#apply(connectionId, step, progress.seen, stats, buffer);
        progress.cursor = step.next;
        progress.pages++;
        stats.pages++;
        // Renewed when a third of the lease has passed: often enough never to lose it while alive,
        // rarely enough to cost nothing next to the walk's own reads.
        if (this.#clock() - renewedAt > this.#options.leaseMs / 3) {
          renewedAt = this.#clock();
          if (!(await runs.renew(connectionId, runId, this.#options.leaseMs, renewedAt))) {
            return { kind: 'skipped', reason: 'lease-lost' };
          }
        }
        if (step.next === null) break;
      }
      await this.#sweepGone(connectionId, adapter, progress, stats, buffer);
      await buffer.flush();
      await runs.finish(connectionId, runId, { completed: true, note: JSON.stringify(stats) }, this.#clock());
      return { kind: 'completed', stats };
    } catch (error: unknown) {
      await runs.finish(
        connectionId,
        runId,
        { completed: false, note: error instanceof Error ? error.name : 'error' },
        this.#clock(),
      );
      // A provider failing is the provider's state: the run ends, the next one tries again.
      if (error instanceof InvoiceRelayError) return { kind: 'failed', reason: error.message, stats };
      throw error;
    }
  }

  /** Publishes events left in outboxes by runs that did not get to it; answers how many went out. */
  async publishPending(connectionId: string): Promise<number> {
    let published = 0;
    let batch: Pending[] = [];
    for await (const record of this.#deps.snapshots.pending(connectionId)) {
      batch.push({ remoteId: record.remoteId, outbox: record.outbox() });
      if (batch.length === 100) {
        published += await this.#publish(connectionId, batch);
        batch = [];
      }
    }
    return published + (await this.#publish(connectionId, batch));
  }

  async #listStep(
    adapter: ProviderAdapter,
    connection: ProviderConnection,
    cursor: string | null,
  ): Promise<Step> {
    const limit = adapter.wholeListPerRequest === true ? null : this.#options.pageSize;
    const page = await adapter.list?.(connection, { cursor, limit });
    if (page === undefined) throw new Error(`${adapter.id} cannot list`);
    return { invoices: page.invoices, via: new Map(), next: page.next };
  }

  async #watchStep(
    adapter: ProviderAdapter,
    connection: ProviderConnection,
    connectionId: string,
    progress: WalkProgress,
  ): Promise<Step> {
    const { watches, next } = await this.#deps.watches.page(
      connectionId,
      progress.cursor,
      this.#options.watchPageSize,
    );
    const invoices: Invoice[] = [];
    const via = new Map<string, string>();
    for (const watch of watches) {
      progress.watches.add(watch.key);
      let found: Invoice[];
      try {
        if (watch.kind === 'invoice') {
          const invoice = await adapter.get?.(connection, watch.id);
          found = invoice === undefined ? [] : [invoice];
        } else {
          found = (await adapter.orderInvoices?.(connection, watch.id))?.invoices ?? [];
        }
      } catch (error: unknown) {
        // Not found is an answer (the invoice or order is gone); anything else fails the walk.
        if (!(error instanceof NotFound)) throw error;
        found = [];
      }
      for (const invoice of found) {
        invoices.push(invoice);
        via.set(invoice.remoteId, watch.key);
      }
    }
    return { invoices, via, next };
  }

  /** Compares a page with the stored states and records what changed, then publishes it. */
  async #apply(
    connectionId: string,
    step: Step,
    seen: Set<string>,
    stats: RunStats,
    buffer: PublishBuffer,
  ): Promise<void> {
    const latest = new Map(step.invoices.map((invoice) => [invoice.remoteId, invoice]));
    for (const remoteId of latest.keys()) seen.add(remoteId);
    stats.invoices += latest.size;
    const stored = await this.#deps.snapshots.getMany(connectionId, [...latest.keys()]);
    for (const [remoteId, invoice] of latest) {
      const hash = stateHash(invoice);
      const record = stored.get(remoteId);
      if (record !== undefined && record.hash === hash && !record.gone) continue;
      const recorded = await this.#record(connectionId, invoice, hash, record ?? null, {
        gone: false,
        via: step.via.get(remoteId) ?? record?.via ?? null,
      });
      if (recorded !== null) {
        stats.changed++;
        stats.events += recorded.events;
        await buffer.add(recorded.pending);
      }
    }
  }

  /**
   * Stores one change with its events. On a version conflict the stored state is read again:
   * if it already is this state there is nothing to do, else the events are computed anew.
   */
  async #record(
    connectionId: string,
    invoice: Invoice,
    hash: string,
    record: SnapshotRecord | null,
    flags: { gone: boolean; via: string | null },
  ): Promise<{ pending: Pending; events: number } | null> {
    let current = record;
    for (let attempt = 0; attempt < MAX_WRITE_ATTEMPTS; attempt++) {
      const previous = current === null ? null : current.state();
      const version = (current?.version ?? 0) + 1;
      let sequence = current?.sequence ?? 0;
      const occurredAt = new Date(this.#clock()).toISOString();
      // Same state, other flag (an already void invoice found gone): recorded without events.
      const types = current !== null && current.hash === hash ? [] : eventTypesFor(previous, invoice);
      const events = types.map(
        (type): InvoiceEvent => ({
          id: eventId(connectionId, invoice.remoteId, version, type),
          type,
          occurredAt,
          sequence: ++sequence,
          connection: connectionId,
          provider: invoice.provider,
          invoice: { ...invoice, raw: undefined },
          previous: previous === null || current === null ? null : previousOf(previous, current.version),
        }),
      );
      const outbox = [...(current?.outbox() ?? []), ...events];
      const outcome = await this.#deps.snapshots.write({
        connection: connectionId,
        remoteId: invoice.remoteId,
        state: invoice,
        hash,
        version,
        sequence,
        gone: flags.gone,
        via: flags.via,
        outbox,
        expectedVersion: current?.version ?? null,
      });
      if (outcome === 'written')
        return { pending: { remoteId: invoice.remoteId, outbox }, events: events.length };
      current =
        (await this.#deps.snapshots.getMany(connectionId, [invoice.remoteId])).get(invoice.remoteId) ?? null;
      if (current !== null && current.hash === hash && current.gone === flags.gone) return null;
    }
    throw new Error(`invoice ${invoice.remoteId} kept changing under concurrent writers`);
  }

  /** Logs, publishes and clears outboxes; answers how many events SNS accepted. */
  async #publish(connectionId: string, pending: readonly Pending[]): Promise<number> {
    const events = pending.flatMap((entry) => entry.outbox);
    if (events.length === 0) return 0;
    await this.#deps.log.append(events, this.#clock());
    const accepted = await this.#deps.publisher.publish(events);
    await Promise.all(
      pending.map((entry) => {
        const published = entry.outbox.filter((event) => accepted.has(event.id)).map((event) => event.id);
        return this.#deps.snapshots.clearOutbox(connectionId, entry.remoteId, published, entry.outbox.length);
      }),
    );
    return accepted.size;
  }

  /**
   * After a complete walk: stored invoices the walk did not see are gone (VOID, with events).
   * For providers without a list, an invoice whose watch was removed is forgotten instead.
   */
  async #sweepGone(
    connectionId: string,
    adapter: ProviderAdapter,
    progress: WalkProgress,
    stats: RunStats,
    buffer: PublishBuffer,
  ): Promise<void> {
    const listed = adapter.operations.includes('list');
    let candidates: string[] = [];
    const flush = async () => {
      if (candidates.length === 0) return;
      const stored = await this.#deps.snapshots.getMany(connectionId, candidates);
      for (const record of stored.values()) {
        const last = record.state();
        const voided: Invoice = { ...last, status: 'VOID' };
        const recorded = await this.#record(connectionId, voided, stateHash(voided), record, {
          gone: true,
          via: record.via,
        });
        if (recorded !== null) {
          stats.gone++;
          stats.events += recorded.events;
          await buffer.add(recorded.pending);
        }
      }
      candidates = [];
    };
    for await (const item of this.#deps.snapshots.all(connectionId)) {
      if (item.gone || progress.seen.has(item.remoteId)) continue;
      if (!listed && item.via !== null && !progress.watches.has(item.via)) {
        await this.#deps.snapshots.forget(connectionId, item.remoteId);
        continue;
      }
      candidates.push(item.remoteId);
      if (candidates.length === 100) await flush();
    }
    await flush();
  }
}
