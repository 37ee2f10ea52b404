import type { Invoice } from '../invoice/invoice.ts';
import type { ChangeRecorder } from './change-recorder.ts';
import type { PublishBuffer } from './outbox-publisher.ts';
import type { RunStats, WalkProgress } from './run-state.ts';
import type { SnapshotStore } from './snapshot-store.ts';

/**
 * After a complete walk: followed invoices the walk did not see are gone (VOID, with events). For
 * providers without a list, an invoice no watch brings any more is unfollowed instead (kept as a
 * tombstone, no event: it did not change, we stopped looking). Only a walk that read every page
 * gets here, and only when every quarantined record had a readable id; otherwise an invoice
 * hidden behind an unreadable record would wrongly be declared gone.
 */
export async function sweepGone(parts: {
  connection: string;
  listed: boolean;
  progress: WalkProgress;
  snapshots: SnapshotStore;
  recorder: ChangeRecorder;
  buffer: PublishBuffer;
  stats: RunStats;
  /** Checked after each batch; true ends the sweep early (it is repeated in full next time). */
  stopped: () => boolean;
}): Promise<'swept' | 'stopped'> {
  const { connection, progress, snapshots } = parts;
  let candidates: string[] = [];
  const markGone = async () => {
    if (candidates.length === 0) return;
    const stored = await snapshots.getMany(connection, candidates);
    candidates = [];
    for (const record of stored.values()) {
      const voided: Invoice = { ...record.state(), status: 'VOID' };
      const recorded = await parts.recorder.record(connection, voided, record, {
        gone: true,
        via: record.via,
      });
      if (recorded === null) continue;
      parts.stats.gone++;
      parts.stats.events += recorded.produced;
      await parts.buffer.add(recorded);
    }
  };
  let read = 0;
  for await (const item of snapshots.all(connection)) {
    // Progress first, then the question whether to stop: a fresh invocation always gets somewhere.
    if (++read % 1000 === 0 && parts.stopped()) return 'stopped';
    if (item.gone || !item.followed || progress.seen.has(item.remoteId)) continue;
    if (!parts.listed && item.via !== null && !progress.watches.has(item.via)) {
      await snapshots.unfollow(connection, item.remoteId);
      continue;
    }
    candidates.push(item.remoteId);
    if (candidates.length === 100) {
      await markGone();
      if (parts.stopped()) return 'stopped';
    }
  }
  await markGone();
  return 'swept';
}
