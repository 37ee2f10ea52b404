import * as z from 'zod';

/**
 * A connection's snapshot run: who holds the lease, until when, where the walk stands, and how
 * the last run ended. The lease is short and renewed by the running walk's heartbeat, so two runs
 * of one connection never overlap and a crashed run blocks its connection only until the lease
 * runs out. A walk that continues in another invocation saves its progress here.
 */

export interface WalkProgress {
  /** The provider cursor of the next page; null on the first page. */
  cursor: string | null;
  pages: number;
  /** Remote ids the walk has seen (listed, or quarantined with a readable id). */
  seen: Set<string>;
  /** Watch keys the walk has read (providers without a list endpoint). */
  watches: Set<string>;
  /** Digests of the cursors already followed, to refuse a provider whose `next` loops. */
  cursors: Set<string>;
  /** Remote ids of records skipped as unreadable (their stored state was not confirmed). */
  quarantinedIds: Set<string>;
  /** Records skipped as unreadable so far, and how many of them had no readable id. */
  quarantined: number;
  unidentified: number;
  /** Every page is read; what is left is the gone-detection sweep. */
  phase: 'walk' | 'sweep';
  /** When the walk began (RFC 3339), kept across continuations. */
  startedAt: string;
  /** What the walk's earlier invocations did. */
  totals: RunStats;
}

export const RunStats = z.object({
  pages: z.number().int(),
  invoices: z.number().int(),
  changed: z.number().int(),
  events: z.number().int(),
  published: z.number().int(),
  gone: z.number().int(),
  quarantined: z.number().int(),
});
export type RunStats = z.infer<typeof RunStats>;

export const emptyStats = (): RunStats => ({
  pages: 0,
  invoices: 0,
  changed: 0,
  events: 0,
  published: 0,
  gone: 0,
  quarantined: 0,
});

/** How the last run of a connection ended, as the API and the console show it. */
export const LastRun = z
  .object({
    startedAt: z.string(),
    finishedAt: z.string(),
    outcome: z.enum(['completed', 'failed']),
    reason: z.string().nullable().describe('Why the run failed (no provider data), else null'),
    stats: RunStats,
    goneDetection: z
      .enum(['ran', 'skipped'])
      .describe('skipped when a quarantined record had no readable id, so nothing could be marked gone'),
  })
  .meta({ id: 'SnapshotRun' });
export type LastRun = z.infer<typeof LastRun>;

export interface RunStatus {
  /** A run holds the lease right now. */
  running: boolean;
  lastRun: LastRun | null;
  lastCompletedAt: string | null;
  /** When the last complete walk began: every invoice it saw was as stored at least since then. */
  lastCompletedWalkStartedAt: string | null;
  /** Remote ids the last complete walk quarantined (their stored state was not confirmed), at most 1,000. */
  lastCompletedQuarantined: readonly string[];
}

export interface RunFinish {
  completed: boolean;
  reason: string | null;
  stats: RunStats;
  goneDetection: 'ran' | 'skipped';
  quarantinedIds: readonly string[];
}

export interface RunStateStore {
  /** Starts a new walk under a fresh lease; false while another run holds an unexpired one. */
  acquire(connection: string, runId: string, leaseMs: number, now: number): Promise<boolean>;
  /** Extends the lease; false when this run no longer holds it. */
  renew(connection: string, runId: string, leaseMs: number, now: number): Promise<boolean>;
  /** Saves where the walk stands, for the invocation that continues it; false when the lease is lost. */
  checkpoint(connection: string, runId: string, progress: WalkProgress, now: number): Promise<boolean>;
  /** The saved progress of a run this invocation continues; null if the run no longer owns it. */
  resume(connection: string, runId: string): Promise<WalkProgress | null>;
  /** Ends a run: the lease is released, the checkpoint removed and the outcome kept. */
  finish(connection: string, runId: string, outcome: RunFinish, now: number): Promise<void>;
  status(connection: string, now: number): Promise<RunStatus>;
}
