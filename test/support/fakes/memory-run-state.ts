import {
  emptyStats,
  type LastRun,
  type RunFinish,
  type RunStateStore,
  type RunStats,
  type RunStatus,
  type WalkProgress,
} from '../../../shared/snapshot/run-state.ts';
import { iso } from './key-order.ts';

/**
 * Run state in memory, with the semantics of the DynamoDB one (dynamo-run-state.ts): a lease is
 * taken only when none is held or the held one ran out; renewing, checkpointing and finishing
 * need the run to still own it (an expired lease nobody took is still its owner's); a checkpoint
 * keeps its progress per run, written before the ownership check as DynamoDB writes its chunks.
 */

interface RunEntry {
  leaseOwner?: string;
  leaseUntil?: number;
  startedAt?: string;
  cursor?: string;
  pages?: number;
  quarantined?: number;
  unidentified?: number;
  phase?: 'walk' | 'sweep';
  totals?: RunStats;
  lastCompletedAt?: string;
  lastCompletedWalkStartedAt?: string;
  lastCompletedQuarantined?: string[];
  lastRun?: LastRun;
}

interface Chunks {
  seen: string[];
  watches: string[];
  cursors: string[];
  quarantinedIds: string[];
}

const MAX_QUARANTINED_KEPT = 1000;

export class MemoryRunStateStore implements RunStateStore {
  readonly #runs = new Map<string, RunEntry>();
  /** `<connection>|<runId>` → the id sets of its last checkpoint. */
  readonly #chunks = new Map<string, Chunks>();

  #run(connection: string): RunEntry {
    let run = this.#runs.get(connection);
    if (run === undefined) {
      run = {};
      this.#runs.set(connection, run);
    }
    return run;
  }

  async acquire(connection: string, runId: string, leaseMs: number, now: number): Promise<boolean> {
    const run = this.#run(connection);
    if (run.leaseUntil !== undefined && !(run.leaseUntil < now)) return false;
    Object.assign(run, {
      leaseOwner: runId,
      leaseUntil: now + leaseMs,
      startedAt: iso(now),
      pages: 0,
      quarantined: 0,
      unidentified: 0,
      phase: 'walk',
    });
    delete run.cursor;
    delete run.totals;
    return true;
  }

  async renew(connection: string, runId: string, leaseMs: number, now: number): Promise<boolean> {
    const run = this.#run(connection);
    if (run.leaseOwner !== runId) return false;
    run.leaseUntil = now + leaseMs;
    return true;
  }

  async checkpoint(connection: string, runId: string, progress: WalkProgress): Promise<boolean> {
    this.#chunks.set(`${connection}|${runId}`, {
      seen: [...progress.seen],
      watches: [...progress.watches],
      cursors: [...progress.cursors],
      quarantinedIds: [...progress.quarantinedIds],
    });
    const run = this.#run(connection);
    if (run.leaseOwner !== runId) return false;
    if (progress.cursor === null) delete run.cursor;
    else run.cursor = progress.cursor;
    run.pages = progress.pages;
    run.quarantined = progress.quarantined;
    run.unidentified = progress.unidentified;
    run.phase = progress.phase;
    run.totals = { ...progress.totals };
    return true;
  }

  async resume(connection: string, runId: string): Promise<WalkProgress | null> {
    const run = this.#run(connection);
    if (run.leaseOwner !== runId) return null;
    const chunks = this.#chunks.get(`${connection}|${runId}`);
    return {
      cursor: run.cursor ?? null,
      pages: run.pages ?? 0,
      seen: new Set(chunks?.seen),
      watches: new Set(chunks?.watches),
      cursors: new Set(chunks?.cursors),
      quarantinedIds: new Set(chunks?.quarantinedIds),
      quarantined: run.quarantined ?? 0,
      unidentified: run.unidentified ?? 0,
      phase: run.phase ?? 'walk',
      totals: run.totals === undefined ? emptyStats() : { ...run.totals },
      startedAt: run.startedAt ?? iso(0),
    };
  }

  async finish(connection: string, runId: string, outcome: RunFinish, now: number): Promise<void> {
    this.#chunks.delete(`${connection}|${runId}`);
    const run = this.#run(connection);
    if (run.leaseOwner !== runId) return;
    const finishedAt = iso(now);
    const startedAt = run.startedAt ?? finishedAt;
    run.lastRun = {
      startedAt,
      finishedAt,
      outcome: outcome.completed ? 'completed' : 'failed',
      reason: outcome.reason,
      stats: { ...outcome.stats },
      goneDetection: outcome.goneDetection,
    };
    if (outcome.completed) {
      run.lastCompletedAt = finishedAt;
      run.lastCompletedWalkStartedAt = startedAt;
      run.lastCompletedQuarantined = outcome.quarantinedIds.slice(0, MAX_QUARANTINED_KEPT);
    }
    delete run.leaseOwner;
    delete run.leaseUntil;
    delete run.cursor;
  }

  async status(connection: string, now: number): Promise<RunStatus> {
    const run = this.#run(connection);
    return {
      running: run.leaseOwner !== undefined && (run.leaseUntil ?? 0) >= now,
      lastRun: run.lastRun ?? null,
      lastCompletedAt: run.lastCompletedAt ?? null,
      lastCompletedWalkStartedAt: run.lastCompletedWalkStartedAt ?? null,
      lastCompletedQuarantined: [...(run.lastCompletedQuarantined ?? [])],
    };
  }

  /** Whether a checkpoint of this run is kept (a finished run leaves none behind). */
  hasCheckpoint(connection: string, runId: string): boolean {
    return this.#chunks.has(`${connection}|${runId}`);
  }
}
