import * as z from 'zod';
import type { Table } from '../storage/dynamo.ts';
import { keys, SORT } from '../storage/keys.ts';
import { TABLE } from '../storage/table.ts';
import {
  emptyStats,
  LastRun,
  type RunFinish,
  type RunStateStore,
  RunStats,
  type RunStatus,
  type WalkProgress,
} from './run-state.ts';

/**
 * Run state in the product's table: one item per connection (`RUN`), and the checkpoint of a walk
 * handed over between invocations as chunk items (`WALK#<runId>#<n>`), which expire on their own
 * when a run never finishes.
 */

const RunItem = z.object({
  leaseOwner: z.string().optional(),
  leaseUntil: z.number().optional(),
  startedAt: z.string().optional(),
  cursor: z.string().optional(),
  pages: z.number().optional(),
  quarantined: z.number().optional(),
  unidentified: z.number().optional(),
  phase: z.enum(['walk', 'sweep']).optional(),
  totals: z.string().optional(),
  lastCompletedAt: z.string().optional(),
  lastCompletedWalkStartedAt: z.string().optional(),
  lastCompletedQuarantined: z.array(z.string()).optional(),
  lastRun: z.string().optional(),
});

/** Ids per checkpoint chunk: well under DynamoDB's 400 KB item limit. */
const CHUNK_IDS = 5000;
const MAX_QUARANTINED_KEPT = 1000;

/** Checkpoint chunks outlive any lease by far (a walk is continued within minutes). */
const CHECKPOINT_TTL_SECONDS = 2 * 24 * 3600;

/** Each id in a chunk is tagged with the set it belongs to. */
const TAGS = { seen: 'i', watches: 'w', cursors: 'c', quarantined: 'q' } as const;

export class DynamoRunStateStore implements RunStateStore {
  readonly #table: Table;

  constructor(table: Table) {
    this.#table = table;
  }

  acquire(connection: string, runId: string, leaseMs: number, now: number): Promise<boolean> {
    return this.#table.update(keys.run(connection), {
      UpdateExpression:
        'SET leaseOwner = :run, leaseUntil = :until, startedAt = :now, pages = :zero, quarantined = :zero, unidentified = :zero, phase = :walk REMOVE #cursor, totals',
      ConditionExpression: 'attribute_not_exists(leaseUntil) OR leaseUntil < :nowMs',
      ExpressionAttributeNames: { '#cursor': 'cursor' },
      ExpressionAttributeValues: {
        ':run': runId,
        ':until': now + leaseMs,
        ':now': new Date(now).toISOString(),
        ':nowMs': now,
        ':zero': 0,
        ':walk': 'walk',
      },
    });
  }

  renew(connection: string, runId: string, leaseMs: number, now: number): Promise<boolean> {
    return this.#table.update(keys.run(connection), {
      UpdateExpression: 'SET leaseUntil = :until',
      ConditionExpression: 'leaseOwner = :run',
      ExpressionAttributeValues: { ':run': runId, ':until': now + leaseMs },
    });
  }

  async checkpoint(connection: string, runId: string, progress: WalkProgress, now: number): Promise<boolean> {
    const ids = [
      ...[...progress.seen].map((id) => TAGS.seen + id),
      ...[...progress.watches].map((id) => TAGS.watches + id),
      ...[...progress.cursors].map((id) => TAGS.cursors + id),
      ...[...progress.quarantinedIds].map((id) => TAGS.quarantined + id),
    ];
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += CHUNK_IDS)
      chunks.push(ids.slice(start, start + CHUNK_IDS));
    // Chunks of an earlier checkpoint of this run are overwritten or, past the new count, removed.
    const stale = [];
    for await (const chunk of this.#chunks(connection, runId)) {
      const index = Number(String(chunk.sk).split('#').at(-1));
      if (index >= chunks.length) stale.push({ delete: { pk: String(chunk.pk), sk: String(chunk.sk) } });
    }
    await this.#table.batchWrite([
      ...chunks.map((chunk, index) => ({
        put: {
          ...keys.walkChunk(connection, runId, index),
          ids: JSON.stringify(chunk),
          // `finish` deletes them; this removes those of runs that never finished (lease lost, crash).
          [TABLE.timeToLiveAttribute]: Math.floor(now / 1000) + CHECKPOINT_TTL_SECONDS,
        },
      })),
      ...stale,
    ]);
    return this.#table.update(keys.run(connection), {
      UpdateExpression:
        progress.cursor === null
          ? 'SET pages = :pages, quarantined = :quarantined, unidentified = :unidentified, phase = :phase, totals = :totals REMOVE #cursor'
          : 'SET #cursor = :cursor, pages = :pages, quarantined = :quarantined, unidentified = :unidentified, phase = :phase, totals = :totals',
      ConditionExpression: 'leaseOwner = :run',
      ExpressionAttributeNames: { '#cursor': 'cursor' },
      ExpressionAttributeValues: {
        ':run': runId,
        ':pages': progress.pages,
        ':quarantined': progress.quarantined,
        ':unidentified': progress.unidentified,
        ':phase': progress.phase,
        ':totals': JSON.stringify(progress.totals),
        ...(progress.cursor === null ? {} : { ':cursor': progress.cursor }),
      },
    });
  }

  async resume(connection: string, runId: string): Promise<WalkProgress | null> {
    const run = RunItem.parse((await this.#table.get(keys.run(connection))) ?? {});
    if (run.leaseOwner !== runId) return null;
    const progress: WalkProgress = {
      cursor: run.cursor ?? null,
      pages: run.pages ?? 0,
      seen: new Set(),
      watches: new Set(),
      cursors: new Set(),
      quarantinedIds: new Set(),
      quarantined: run.quarantined ?? 0,
      unidentified: run.unidentified ?? 0,
      phase: run.phase ?? 'walk',
      totals: run.totals === undefined ? emptyStats() : RunStats.parse(JSON.parse(run.totals)),
      startedAt: run.startedAt ?? new Date(0).toISOString(),
    };
    for await (const chunk of this.#chunks(connection, runId)) {
      for (const id of z.array(z.string()).parse(JSON.parse(String(chunk.ids ?? '[]')))) {
        const set =
          id[0] === TAGS.watches
            ? progress.watches
            : id[0] === TAGS.cursors
              ? progress.cursors
              : id[0] === TAGS.quarantined
                ? progress.quarantinedIds
                : progress.seen;
        set.add(id.slice(1));
      }
    }
    return progress;
  }

  #chunks(connection: string, runId: string) {
    return this.#table.query({
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ProjectionExpression: 'pk, sk, ids',
      ExpressionAttributeValues: { ':pk': keys.connection(connection), ':prefix': `${SORT.walk}${runId}#` },
    });
  }

  async finish(connection: string, runId: string, outcome: RunFinish, now: number): Promise<void> {
    const chunks = [];
    for await (const chunk of this.#chunks(connection, runId)) {
      chunks.push({ delete: { pk: String(chunk.pk), sk: String(chunk.sk) } });
    }
    await this.#table.batchWrite(chunks);
    const current = RunItem.parse((await this.#table.get(keys.run(connection))) ?? {});
    const finishedAt = new Date(now).toISOString();
    const startedAt = current.startedAt ?? finishedAt;
    const lastRun: LastRun = {
      startedAt,
      finishedAt,
      outcome: outcome.completed ? 'completed' : 'failed',
      reason: outcome.reason,
      stats: outcome.stats,
      goneDetection: outcome.goneDetection,
    };
    await this.#table.update(keys.run(connection), {
      UpdateExpression: outcome.completed
        ? 'SET lastRun = :run, lastCompletedAt = :now, lastCompletedWalkStartedAt = :started, lastCompletedQuarantined = :quarantined REMOVE leaseOwner, leaseUntil, #cursor'
        : 'SET lastRun = :run REMOVE leaseOwner, leaseUntil, #cursor',
      ConditionExpression: 'leaseOwner = :owner',
      ExpressionAttributeNames: { '#cursor': 'cursor' },
      ExpressionAttributeValues: {
        ':owner': runId,
        ':run': JSON.stringify(lastRun),
        ...(outcome.completed
          ? {
              ':now': finishedAt,
              ':started': startedAt,
              ':quarantined': outcome.quarantinedIds.slice(0, MAX_QUARANTINED_KEPT),
            }
          : {}),
      },
    });
  }

  async status(connection: string, now: number): Promise<RunStatus> {
    const run = RunItem.parse((await this.#table.get(keys.run(connection), false)) ?? {});
    const parsed = run.lastRun === undefined ? null : LastRun.safeParse(JSON.parse(run.lastRun));
    return {
      running: run.leaseOwner !== undefined && (run.leaseUntil ?? 0) >= now,
      lastRun: parsed?.success ? parsed.data : null,
      lastCompletedAt: run.lastCompletedAt ?? null,
      lastCompletedWalkStartedAt: run.lastCompletedWalkStartedAt ?? null,
      lastCompletedQuarantined: run.lastCompletedQuarantined ?? [],
    };
  }
}
