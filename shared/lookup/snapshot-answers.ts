import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { InvoiceAnswer, InvoicePage } from '../api/responses.ts';
import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { ConnectionDirectory } from '../connections/connection-directory.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import type { InvoiceStatus } from '../invoice/codes.ts';
import type { SnapshotReader, StoredInvoice } from '../snapshot/snapshot-reads.ts';
import { parseJsonOrUndefined } from '../wire/json.ts';
import type { CursorSigner } from './cursor.ts';

/**
 * Answers from the snapshot store, for the tenant-wide `GET /v1/invoices` and for `source=snapshot`
 * (or `auto` while a provider is down) on a connection's routes. Cursors are bound to the key's
 * tenant and to the exact query, so a key can neither continue another key's read nor change the
 * filter under a cursor. A key only ever reads the partitions of connections it may use.
 */

export interface Answer<T> {
  body: T;
  source: 'live' | 'snapshot';
  /** Seconds since the store last saw what it answers (the oldest invoice's, for a page). */
  ageSeconds?: number;
}

export interface SnapshotFilters {
  statuses?: readonly InvoiceStatus[] | undefined;
  updatedSince?: string | undefined;
  includeGone: boolean;
}

const Position = z.object({ sortKey: z.string(), connection: z.string() });

/** Snapshot cursors live as long as a sync may reasonably take between two pages. */
const CURSOR_SECONDS = 24 * 3600;

export function answerOf(stored: StoredInvoice): InvoiceAnswer {
  return { ...stored.invoice, snapshot: stored.snapshot };
}

/** Whole seconds since the oldest `observedAt`; undefined for nothing. */
export function ageOf(stored: readonly StoredInvoice[], now: number): number | undefined {
  if (stored.length === 0) return undefined;
  const oldest = Math.min(...stored.map((entry) => Date.parse(entry.snapshot.observedAt)));
  return Math.max(0, Math.floor((now - oldest) / 1000));
}

export class SnapshotAnswers {
  readonly #connections: ConnectionDirectory;
  readonly #reader: SnapshotReader;
  readonly #cursors: CursorSigner;
  readonly #clock: Clock;

  constructor(dependencies: {
    connections: ConnectionDirectory;
    reader: SnapshotReader;
    cursors: CursorSigner;
    clock: Clock;
  }) {
    this.#connections = dependencies.connections;
    this.#reader = dependencies.reader;
    this.#cursors = dependencies.cursors;
    this.#clock = dependencies.clock;
  }

  /** The connections a tenant-wide read covers: those asked for, all of them the key may use. */
  grantedConnections(principal: Principal, asked: readonly string[] | undefined): string[] {
    const configured = this.#connections.all().map((config) => config.id);
    if (asked === undefined) return configured.filter((id) => mayUseConnection(principal, id));
    for (const id of asked) {
      // Like everywhere else: a connection the key may not use does not exist for it.
      if (!configured.includes(id) || !mayUseConnection(principal, id)) throw new NotFound('connection', id);
    }
    return [...asked];
  }

  /** The scope a cursor of this read is sealed with: tenant, connections and filters. */
  scope(principal: Principal, connections: readonly string[], filters: SnapshotFilters): string {
    const fingerprint = createHash('sha256')
      .update(
        JSON.stringify([
          [...connections].sort(),
          filters.statuses === undefined ? null : [...filters.statuses].sort(),
          filters.updatedSince ?? null,
          filters.includeGone,
        ]),
      )
      .digest('base64url');
    return `snapshot|${principal.tenant}|${fingerprint}`;
  }

  async page(
    principal: Principal,
    connections: readonly string[],
    filters: SnapshotFilters,
    request: { limit: number; cursor?: string | undefined },
  ): Promise<Answer<InvoicePage>> {
    const now = this.#clock();
    const scope = this.scope(principal, connections, filters);
    let after: z.infer<typeof Position> | undefined;
    if (request.cursor !== undefined) {
      const parsed = Position.safeParse(
        parseJsonOrUndefined(await this.#cursors.open(request.cursor, scope, now)),
      );
      if (!parsed.success) throw new InvalidInput('cursor', 'is not a cursor of this list');
      after = parsed.data;
    }
    const page = await this.#reader.page(
      {
        connections,
        statuses: filters.statuses,
        updatedSince: filters.updatedSince,
        includeGone: filters.includeGone,
        limit: request.limit,
        after,
      },
      now,
    );
    const next =
      page.next === null
        ? null
        : await this.#cursors.seal(scope, JSON.stringify(page.next), now, CURSOR_SECONDS);
    const ageSeconds = ageOf(page.invoices, now);
    return {
      body: { invoices: page.invoices.map(answerOf), next, skipped: 0 },
      source: 'snapshot',
      ...(ageSeconds === undefined ? {} : { ageSeconds }),
    };
  }

  async one(connection: string, remoteId: string): Promise<Answer<InvoiceAnswer>> {
    const now = this.#clock();
    const stored = await this.#reader.get(connection, remoteId, now);
    if (stored === null) throw new NotFound('invoice', remoteId);
    return { body: answerOf(stored), source: 'snapshot', ageSeconds: ageOf([stored], now) ?? 0 };
  }

  async order(
    connection: string,
    orderId: string,
  ): Promise<Answer<{ invoices: InvoiceAnswer[]; skipped: number }>> {
    const now = this.#clock();
    const stored = await this.#reader.byOrder(connection, orderId, now);
    if (stored.length === 0) throw new NotFound('order', orderId);
    const ageSeconds = ageOf(stored, now);
    return {
      body: { invoices: stored.map(answerOf), skipped: 0 },
      source: 'snapshot',
      ...(ageSeconds === undefined ? {} : { ageSeconds }),
    };
  }
}
