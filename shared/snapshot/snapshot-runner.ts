import { randomUUID } from 'node:crypto';
import { type Activity, reportActivity } from '../activity.ts';
import { type Clock, systemClock } from '../clock.ts';
import { mapConcurrently } from '../concurrency.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import { InvoiceRelayError } from '../errors.ts';
import type { EventLog } from '../events/event-log.ts';
import type { EventPublisher } from '../events/event-publisher.ts';
import type { QuarantinedRecord } from '../providers/provider.ts';
import type { WatchStore } from '../watches/watch-store.ts';
import { ChangeRecorder } from './change-recorder.ts';
import { sweepGone } from './gone-sweep.ts';
import { OutboxPublisher, PublishBuffer } from './outbox-publisher.ts';
import { emptyStats, type RunStateStore, type RunStats, type WalkProgress } from './run-state.ts';
import type { SnapshotStore } from './snapshot-store.ts';
import { checkNext, cursorDigest, listStep, type Step, watchStep } from './walk-steps.ts';
import type { WorkMessage } from './work-queue.ts';

/**
 * One snapshot run of one connection: walk the provider (its list, or the watches where it has
 * none), record every change with its events (change-recorder.ts), publish them
 * (outbox-publisher.ts), and once the walk is complete mark what is gone (gone-sweep.ts).
 *
 * Invariants, each held by a single-item conditional write:
 * - two runs of a connection never overlap (a short lease, renewed by a heartbeat while the run
 *   is alive, so a crashed run blocks its connection only until the lease runs out);
 * - an event exists if and only if its state change was stored (same write), and stays in the
 *   outbox until the topic took it, so a crash anywhere only delays it; a redelivery has the same id;
 * - versions and sequences of an invoice never go back (records are never deleted), so an id is
 *   never computed twice for different content;
 * - a change computed from a stale read loses the version check and is computed again;
 * - a walk that fails part-way, or quarantined a record without a readable id, marks nothing gone;
 * - a walk ends: a repeated `next` or more than `maxPagesPerWalk` pages fail it with the reason,
 *   and it stops (handing over its progress) when its deadline nears or its signal aborts.
 */

export interface SnapshotOptions {
  /** How long a run holds its connection between heartbeats. @default 60000 */
  leaseMs: number;
  /** Invoices asked for per provider page. @default 100 */
  pageSize: number;
  /** Watches fetched per step for providers without a list endpoint. @default 25 */
  watchPageSize: number;
  /** Hand the walk over to a continuation when less than this remains of the invocation. @default 30000 */
  safetyMarginMs: number;
  /** Pages one walk may read before it is refused (a connection's `limits` override it). @default 10000 */
  maxPagesPerWalk: number;
}

/** Invoices of one step recorded at once (DynamoDB writes in flight per walk). */
const RECORD_CONCURRENCY = 16;

export const DEFAULT_SNAPSHOT_OPTIONS: SnapshotOptions = {
  leaseMs: 60_000,
  pageSize: 100,
  watchPageSize: 25,
  safetyMarginMs: 30_000,
  maxPagesPerWalk: 10_000,
};

export type { RunStats };

export type RunOutcome =
  | { kind: 'skipped'; reason: 'lease-held' | 'lease-lost' }
  | { kind: 'continue'; message: WorkMessage; stats: RunStats }
  | { kind: 'completed'; stats: RunStats; goneDetection: 'ran' | 'skipped' }
  | { kind: 'failed'; reason: string; stats: RunStats };

/** A run's outcome as the activity view shows it (see shared/activity.ts). */
export function roundActivity(connection: string, outcome: RunOutcome, durationMs: number): Activity {
  const stats = 'stats' in outcome ? outcome.stats : emptyStats();
  return {
    kind: 'round',
    connection,
    outcome: outcome.kind,
    reason: outcome.kind === 'failed' || outcome.kind === 'skipped' ? outcome.reason : null,
    invoices: stats.invoices,
    changed: stats.changed,
    events: stats.events,
    quarantined: stats.quarantined,
    gone: stats.gone,
    durationMs,
  };
}

/** Told about what a run skipped, so that the worker can log and count it (never its values). */
export interface RunReporter {
  quarantined(connection: string, record: QuarantinedRecord): void;
}

export interface SnapshotDependencies {
  connections: ConnectionRegistry;
  snapshots: SnapshotStore;
  runs: RunStateStore;
  watches: WatchStore;
  log: EventLog;
  publisher: EventPublisher;
  clock?: Clock;
  reporter?: RunReporter;
  options?: Partial<SnapshotOptions>;
}

export class SnapshotRunner {
  readonly #deps: SnapshotDependencies;
  readonly #options: SnapshotOptions;
  readonly #clock: Clock;
  readonly #recorder: ChangeRecorder;
  readonly #outbox: OutboxPublisher;

  constructor(dependencies: SnapshotDependencies) {
    this.#deps = dependencies;
    this.#options = { ...DEFAULT_SNAPSHOT_OPTIONS, ...dependencies.options };
    this.#clock = dependencies.clock ?? systemClock;
    this.#recorder = new ChangeRecorder(dependencies.snapshots, this.#clock);
    this.#outbox = new OutboxPublisher({ ...dependencies, clock: this.#clock });
  }

  /**
   * Runs or continues a walk until it completes, or `remainingMs` says to hand over, or `signal`
   * aborts (the runtime is stopping): then the progress is saved and a continuation answered.
   */
  async handle(
    message: WorkMessage,
    remainingMs: () => number,
    signal: AbortSignal = new AbortController().signal,
  ): Promise<RunOutcome> {
    const { runs } = this.#deps;
    const connectionId = message.connection;
    const runId = message.kind === 'run' ? randomUUID() : message.runId;
    let progress: WalkProgress | null;
    if (message.kind === 'run') {
      if (!(await runs.acquire(connectionId, runId, this.#options.leaseMs, this.#clock()))) {
        return { kind: 'skipped', reason: 'lease-held' };
      }
      progress = freshProgress(new Date(this.#clock()).toISOString());
    } else {
      progress = (await runs.renew(connectionId, runId, this.#options.leaseMs, this.#clock()))
        ? await runs.resume(connectionId, runId)
        : null;
      if (progress === null) return { kind: 'skipped', reason: 'lease-lost' };
    }
    const heartbeat = new LeaseHeartbeat(
      () => runs.renew(connectionId, runId, this.#options.leaseMs, this.#clock()),
      // At most every 10 ms, whatever a test sets the lease to.
      Math.max(10, this.#options.leaseMs / 3),
      signal,
    );
    try {
      return await this.#run(connectionId, runId, progress, remainingMs, heartbeat);
    } finally {
      heartbeat.stop();
    }
  }

  /** Publishes events left in outboxes by runs that did not get to it; answers how many went out. */
  publishPending(connectionId: string): Promise<number> {
    return this.#outbox.publishLeftovers(connectionId, () => false);
  }

  async #run(
    connectionId: string,
    runId: string,
    progress: WalkProgress,
    remainingMs: () => number,
    heartbeat: LeaseHeartbeat,
  ): Promise<RunOutcome> {
    const { runs, connections } = this.#deps;
    const { signal } = heartbeat;
    const stats = emptyStats();
    const buffer = new PublishBuffer((entries) => this.#outbox.publish(connectionId, entries, runId));
    const stopping = () => signal.aborted || remainingMs() < this.#options.safetyMarginMs;
    const handOver = async (): Promise<RunOutcome> => {
      if (heartbeat.lost) return { kind: 'skipped', reason: 'lease-lost' };
      await buffer.flush().catch(() => undefined); // unpublished events stay in their outboxes
      stats.published += buffer.published;
      progress.totals = addStats(progress.totals, stats);
      if (!(await runs.checkpoint(connectionId, runId, progress, this.#clock()))) {
        return { kind: 'skipped', reason: 'lease-lost' };
      }
      return { kind: 'continue', message: { kind: 'continue', connection: connectionId, runId }, stats };
    };
    try {
      stats.published += await this.#outbox.publishLeftovers(connectionId, stopping, runId);
      const adapter = connections.adapter(connectionId);
      const config = connections.config(connectionId);
      const maxPages = config.limits?.maxPagesPerWalk ?? this.#options.maxPagesPerWalk;
      const connection = await connections.open(connectionId, { signal });
      const listed = adapter.operations.includes('list');
      while (progress.phase === 'walk') {
        if (stopping()) return await handOver();
        if (progress.cursor !== null) progress.cursors.add(cursorDigest(progress.cursor));
        const step: Step = listed
          ? await listStep(adapter, connection, progress.cursor, this.#options.pageSize)
          : await watchStep(
              adapter,
              connection,
              this.#deps.watches,
              connectionId,
              progress,
              this.#options.watchPageSize,
            );
        if (listed) checkNext(adapter.id, progress, step.next, maxPages);
        await this.#apply(connectionId, step, progress, stats, buffer);
        progress.cursor = step.next;
        progress.pages++;
        stats.pages++;
        if (step.next === null) progress.phase = 'sweep';
        reportActivity({
          kind: 'progress',
          connection: connectionId,
          pages: progress.pages,
          invoices: progress.totals.invoices + stats.invoices,
          changed: progress.totals.changed + stats.changed,
        });
      }
      const goneDetection = progress.unidentified === 0 ? 'ran' : 'skipped';
      if (goneDetection === 'ran') {
        const swept = await sweepGone({
          connection: connectionId,
          listed,
          progress,
          snapshots: this.#deps.snapshots,
          recorder: this.#recorder,
          buffer,
          stats,
          stopped: stopping,
        });
        if (swept === 'stopped') return await handOver();
      }
      await buffer.flush();
      stats.published += buffer.published;
      await runs.finish(
        connectionId,
        runId,
        {
          completed: true,
          reason: null,
          stats: addStats(progress.totals, stats),
          goneDetection,
          quarantinedIds: [...progress.quarantinedIds],
        },
        this.#clock(),
      );
      return { kind: 'completed', stats, goneDetection };
    } catch (error: unknown) {
      // Stopped from outside (the runtime is shutting down, the deadline is near): hand over.
      if (signal.aborted) return await handOver();
      // What the pages before the failure recorded goes out now, not with the next run (when the
      // topic is what failed, it stays in its outboxes for that run).
      await buffer.flush().catch(() => undefined);
      stats.published += buffer.published;
      const reason = error instanceof InvoiceRelayError ? error.message : 'internal error';
      await runs
        .finish(
          connectionId,
          runId,
          {
            completed: false,
            reason,
            stats: addStats(progress.totals, stats),
            goneDetection: 'skipped',
            quarantinedIds: [],
          },
          this.#clock(),
        )
        .catch(() => undefined);
      // A provider failing (or refusing to end its walk, see WalkRefused) is the provider's state:
      // the run ends, the next one tries again. Anything else is our bug and fails the invocation.
      if (error instanceof InvoiceRelayError) return { kind: 'failed', reason, stats };
      throw error;
    }
  }

  /** Compares a step with the stored states and records what changed. */
  async #apply(
    connectionId: string,
    step: Step,
    progress: WalkProgress,
    stats: RunStats,
    buffer: PublishBuffer,
  ): Promise<void> {
    for (const record of step.quarantined) {
      progress.quarantined++;
      stats.quarantined++;
      if (record.remoteId !== null) {
        // Still there upstream, only unreadable: not gone, and its stored state is not confirmed.
        progress.seen.add(record.remoteId);
        progress.quarantinedIds.add(record.remoteId);
      }
      this.#deps.reporter?.quarantined(connectionId, record);
    }
    progress.unidentified += step.unidentified;
    const latest = new Map(step.invoices.map((invoice) => [invoice.remoteId, invoice]));
    for (const remoteId of latest.keys()) progress.seen.add(remoteId);
    stats.invoices += latest.size;
    const stored = await this.#deps.snapshots.getMany(connectionId, [...latest.keys()]);
    // Each invoice is its own record (the map holds one entry per id), so their conditional
    // writes are independent: made side by side, a page costs a few write latencies, not 100.
    const results = await mapConcurrently([...latest.values()], RECORD_CONCURRENCY, (invoice) =>
      this.#recorder.record(connectionId, invoice, stored.get(invoice.remoteId) ?? null, {
        gone: false,
        via: step.via.get(invoice.remoteId) ?? null,
      }),
    );
    for (const recorded of results) {
      if (recorded === null) continue;
      if (recorded.produced > 0) stats.changed++;
      stats.events += recorded.produced;
      await buffer.add(recorded);
    }
  }
}

class LeaseLost extends Error {}

/**
 * Renews the lease every third of its length while the run is alive. A renewal that fails (the
 * lease was lost to another run) aborts the walk; so does the caller's signal. A renewal that
 * errors is tried again at the next beat: the lease outlives two missed beats.
 */
class LeaseHeartbeat {
  readonly #controller = new AbortController();
  readonly #timer: NodeJS.Timeout;
  readonly #outer: AbortSignal;
  readonly #onAbort = () => this.#controller.abort(this.#outer.reason);
  lost = false;

  constructor(renew: () => Promise<boolean>, everyMs: number, outer: AbortSignal) {
    this.#outer = outer;
    if (outer.aborted) this.#controller.abort(outer.reason);
    outer.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = setInterval(() => {
      renew().then(
        (renewed) => {
          if (renewed) return;
          this.lost = true;
          this.#controller.abort(new LeaseLost());
        },
        () => undefined,
      );
    }, everyMs);
  }

  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#outer.removeEventListener('abort', this.#onAbort);
  }
}

function addStats(a: RunStats, b: RunStats): RunStats {
  return {
    pages: a.pages + b.pages,
    invoices: a.invoices + b.invoices,
    changed: a.changed + b.changed,
    events: a.events + b.events,
    published: a.published + b.published,
    gone: a.gone + b.gone,
    quarantined: a.quarantined + b.quarantined,
  };
}

function freshProgress(startedAt: string): WalkProgress {
  return {
    cursor: null,
    pages: 0,
    seen: new Set(),
    watches: new Set(),
    cursors: new Set(),
    quarantinedIds: new Set(),
    quarantined: 0,
    unidentified: 0,
    phase: 'walk',
    startedAt,
    totals: emptyStats(),
  };
}
