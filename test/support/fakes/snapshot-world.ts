import type { QuarantinedRecord } from '../../../shared/providers/provider.ts';
import { type SnapshotOptions, SnapshotRunner } from '../../../shared/snapshot/snapshot-runner.ts';
import { type ManualClock, manualClock } from '../manual-clock.ts';
import { FakeConnections } from './fake-connections.ts';
import { FakeProvider, providerInvoice } from './fake-provider.ts';
import { MemoryEventLog } from './memory-event-log.ts';
import { MemoryRunStateStore } from './memory-run-state.ts';
import { MemorySnapshotStore } from './memory-snapshot-store.ts';
import { MemoryWatchStore } from './memory-watch-store.ts';
import { RecordingPublisher } from './recording-publisher.ts';

/**
 * A snapshot runner over fakes only: one connection (`books`) on a fake provider, every store in
 * memory, a manual clock. Pages hold two invoices unless the test says otherwise, so a handful of
 * invoices already makes a walk of several pages.
 */

export const CONNECTION = 'books';

export interface SnapshotWorld {
  clock: ManualClock;
  provider: FakeProvider;
  connections: FakeConnections;
  snapshots: MemorySnapshotStore;
  runs: MemoryRunStateStore;
  watches: MemoryWatchStore;
  log: MemoryEventLog;
  publisher: RecordingPublisher;
  quarantined: QuarantinedRecord[];
  runner: SnapshotRunner;
  /** Starts a run with all the time in the world. */
  run(): ReturnType<SnapshotRunner['handle']>;
  /** The stored record of an invoice. */
  stored(remoteId: string): Promise<ReturnType<MemorySnapshotStore['stored']>[number] | undefined>;
}

export function snapshotWorld(
  options: {
    listed?: boolean;
    maxPagesPerWalk?: number;
    runner?: Partial<SnapshotOptions>;
    invoices?: string[];
  } = {},
): SnapshotWorld {
  const clock = manualClock();
  const provider = new FakeProvider({ listed: options.listed ?? true });
  for (const remoteId of options.invoices ?? []) provider.put(providerInvoice(remoteId));
  const connections = new FakeConnections([
    {
      id: CONNECTION,
      adapter: provider,
      ...(options.maxPagesPerWalk === undefined ? {} : { maxPagesPerWalk: options.maxPagesPerWalk }),
    },
  ]);
  const snapshots = new MemorySnapshotStore();
  const runs = new MemoryRunStateStore();
  const watches = new MemoryWatchStore();
  const log = new MemoryEventLog({ settleMs: 0, clock });
  const publisher = new RecordingPublisher();
  const quarantined: QuarantinedRecord[] = [];
  const runner = new SnapshotRunner({
    connections,
    snapshots,
    runs,
    watches,
    log,
    publisher,
    clock,
    reporter: { quarantined: (_connection, record) => quarantined.push(record) },
    options: { pageSize: 2, watchPageSize: 2, leaseMs: 60_000, safetyMarginMs: 1000, ...options.runner },
  });
  return {
    clock,
    provider,
    connections,
    snapshots,
    runs,
    watches,
    log,
    publisher,
    quarantined,
    runner,
    run: () => runner.handle({ kind: 'run', connection: CONNECTION }, () => 60_000),
    stored: async (remoteId) => snapshots.stored(CONNECTION).find((entry) => entry.remoteId === remoteId),
  };
}
