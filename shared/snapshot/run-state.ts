import {
  ConditionalCheckFailedException,
  type DynamoDBClient,
  GetItemCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import * as z from 'zod';
import { batchWrite, n, queryAll, s } from '../storage/dynamo.ts';
import { TABLE } from '../storage/table.ts';

/**
 * A connection's snapshot run: who holds the lease, until when, and where the walk stands.
 * `pk = CONN#<connection>`, `sk = RUN`. The lease is a conditional write with an expiry: two runs of
 * one connection never overlap, and a crashed run's lease simply runs out.
 *
 * A walk that must continue in another invocation saves its cursor here and what it has seen so
 * far in chunk items (`sk = WALK#<runId>#<n>`), needed to tell gone invoices after the last page.
 */

export interface WalkProgress {
  cursor: string | null;
  pages: number;
  seen: Set<string>;
  watches: Set<string>;
}

const RunItem = z.object({
  leaseOwner: z.object({ S: z.string() }).optional(),
  cursor: z.object({ S: z.string() }).optional(),
  pages: z.object({ N: z.string() }).optional(),
  chunks: z.object({ N: z.string() }).optional(),
  lastCompletedAt: z.object({ S: z.string() }).optional(),
});

const CHUNK_IDS = 5000;

/** Checkpoint chunks outlive any lease by far (a walk is continued within minutes). */
const CHECKPOINT_TTL_SECONDS = 2 * 24 * 3600;

export class RunStateStore {
  readonly #client: DynamoDBClient;
  readonly #table: string;

  constructor(client: DynamoDBClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  #key(connection: string) {
    return { [TABLE.partitionKey]: s(`CONN#${connection}`), [TABLE.sortKey]: s('RUN') };
  }

  async #update(
    connection: string,
    input: {
      update: string;
      condition?: string;
      names?: Record<string, string>;
      values?: Record<string, ReturnType<typeof s>>;
    },
  ) {
    try {
      await this.#client.send(
        new UpdateItemCommand({
          TableName: this.#table,
          Key: this.#key(connection),
          UpdateExpression: input.update,
          ...(input.condition ? { ConditionExpression: input.condition } : {}),
          ...(input.names ? { ExpressionAttributeNames: input.names } : {}),
          ...(input.values ? { ExpressionAttributeValues: input.values } : {}),
        }),
      );
      return true;
    } catch (error: unknown) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Starts a new walk under a fresh lease; false while another run holds an unexpired one. */
  acquire(connection: string, runId: string, leaseMs: number, now: number = Date.now()): Promise<boolean> {
    return this.#update(connection, {
      update:
        'SET leaseOwner = :run, leaseUntil = :until, startedAt = :now, pages = :zero, chunks = :zero REMOVE #cursor',
      condition: 'attribute_not_exists(leaseUntil) OR leaseUntil < :nowMs',
      names: { '#cursor': 'cursor' },
      values: {
        ':run': s(runId),
        ':until': n(now + leaseMs),
        ':now': s(new Date(now).toISOString()),
        ':nowMs': n(now),
        ':zero': n(0),
      },
    });
  }

  /** Extends the lease; false when this run no longer holds it (it expired and another took over). */
  renew(connection: string, runId: string, leaseMs: number, now: number = Date.now()): Promise<boolean> {
    return this.#update(connection, {
      update: 'SET leaseUntil = :until',
      condition: 'leaseOwner = :run',
      values: { ':run': s(runId), ':until': n(now + leaseMs) },
    });
  }

  /** Saves where the walk stands, for the invocation that continues it. */
  async checkpoint(connection: string, runId: string, progress: WalkProgress): Promise<boolean> {
    const ids = [...progress.seen.keys()]
      .map((id) => `i${id}`)
      .concat([...progress.watches.keys()].map((id) => `w${id}`));
    const chunks: string[][] = [];
    for (let start = 0; start < ids.length; start += CHUNK_IDS)
      chunks.push(ids.slice(start, start + CHUNK_IDS));
    await batchWrite(
      this.#client,
      this.#table,
      chunks.map((chunk, index) => ({
        PutRequest: {
          Item: {
            [TABLE.partitionKey]: s(`CONN#${connection}`),
            [TABLE.sortKey]: s(`WALK#${runId}#${String(index).padStart(6, '0')}`),
            ids: s(JSON.stringify(chunk)),
            // `finish` deletes them; this removes those of runs that never finished (lease lost, crash).
            [TABLE.timeToLiveAttribute]: n(Math.floor(Date.now() / 1000) + CHECKPOINT_TTL_SECONDS),
          },
        },
      })),
    );
    return this.#update(connection, {
      update:
        progress.cursor === null
          ? 'SET pages = :pages, chunks = :chunks REMOVE #cursor'
          : 'SET #cursor = :cursor, pages = :pages, chunks = :chunks',
      condition: 'leaseOwner = :run',
      names: { '#cursor': 'cursor' },
      values: {
        ':run': s(runId),
        ':pages': n(progress.pages),
        ':chunks': n(chunks.length),
        ...(progress.cursor === null ? {} : { ':cursor': s(progress.cursor) }),
      },
    });
  }

  /** The saved progress of a run this invocation continues; null if the run is no longer the owner. */
  async resume(connection: string, runId: string): Promise<WalkProgress | null> {
    const { Item } = await this.#client.send(
      new GetItemCommand({ TableName: this.#table, Key: this.#key(connection), ConsistentRead: true }),
    );
    const run = RunItem.parse(Item ?? {});
    if (run.leaseOwner?.S !== runId) return null;
    const progress: WalkProgress = {
      cursor: run.cursor?.S ?? null,
      pages: Number(run.pages?.N ?? 0),
      seen: new Set(),
      watches: new Set(),
    };
    for await (const chunk of this.#chunks(connection, runId)) {
      for (const id of z.array(z.string()).parse(JSON.parse(chunk.ids?.S ?? '[]'))) {
        (id.startsWith('w') ? progress.watches : progress.seen).add(id.slice(1));
      }
    }
    return progress;
  }

  #chunks(connection: string, runId: string) {
    return queryAll(this.#client, {
      TableName: this.#table,
      KeyConditionExpression: '#pk = :pk AND begins_with(#sk, :prefix)',
      ExpressionAttributeNames: { '#pk': TABLE.partitionKey, '#sk': TABLE.sortKey },
      ExpressionAttributeValues: { ':pk': s(`CONN#${connection}`), ':prefix': s(`WALK#${runId}#`) },
    });
  }

  /** Ends a run: the lease is released and the walk's chunks removed. */
  async finish(
    connection: string,
    runId: string,
    outcome: { completed: boolean; note?: string },
    now: number = Date.now(),
  ) {
    const keys = [];
    for await (const chunk of this.#chunks(connection, runId)) {
      keys.push({
        DeleteRequest: {
          Key: { [TABLE.partitionKey]: chunk.pk ?? s(''), [TABLE.sortKey]: chunk.sk ?? s('') },
        },
      });
    }
    await batchWrite(this.#client, this.#table, keys);
    await this.#update(connection, {
      update: outcome.completed
        ? 'SET lastCompletedAt = :now, lastOutcome = :note REMOVE leaseOwner, leaseUntil, #cursor'
        : 'SET lastFailedAt = :now, lastOutcome = :note REMOVE leaseOwner, leaseUntil, #cursor',
      condition: 'leaseOwner = :run',
      names: { '#cursor': 'cursor' },
      values: { ':run': s(runId), ':now': s(new Date(now).toISOString()), ':note': s(outcome.note ?? '') },
    });
  }

  /** When the last complete walk ended, for the snapshot-lag alarm and operators. */
  async lastCompletedAt(connection: string): Promise<string | null> {
    const { Item } = await this.#client.send(
      new GetItemCommand({ TableName: this.#table, Key: this.#key(connection) }),
    );
    return RunItem.parse(Item ?? {}).lastCompletedAt?.S ?? null;
  }
}
