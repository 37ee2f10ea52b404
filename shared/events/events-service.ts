import * as z from 'zod';
import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { Clock } from '../clock.ts';
import type { ConnectionDirectory } from '../connections/connection-directory.ts';
import { InvalidInput } from '../errors.ts';
import { providerFor, resolveRemoteId } from '../lookup/access.ts';
import type { CursorSigner } from '../lookup/cursor.ts';
import { parseJsonOrUndefined } from '../wire/json.ts';
import type { EventLog, LogPosition } from './event-log.ts';
import type { EventType } from './event-type.ts';
import type { InvoiceEvent } from './invoice-event.ts';

/**
 * The event log and invoice histories as the API serves them (both from DynamoDB, never from the
 * providers). A key reads only the log partitions of connections it may use; one call examines
 * at most `budget` entries, and answers early with `next` when it reached that, so no call reads
 * a whole retained log.
 */

const Position = z.object({ after: z.string() });

export class EventsService {
  readonly #connections: ConnectionDirectory;
  readonly #log: EventLog;
  readonly #cursors: CursorSigner;
  readonly #retentionSeconds: number;
  readonly #budget: number;
  readonly #clock: Clock;

  constructor(dependencies: {
    connections: ConnectionDirectory;
    log: EventLog;
    cursors: CursorSigner;
    retentionDays: number;
    clock: Clock;
    /** Entries one call may examine. @default 1000 */
    budget?: number;
  }) {
    this.#connections = dependencies.connections;
    this.#log = dependencies.log;
    this.#cursors = dependencies.cursors;
    this.#retentionSeconds = dependencies.retentionDays * 86_400;
    this.#budget = dependencies.budget ?? 1000;
    this.#clock = dependencies.clock;
  }

  /** Events after a cursor, oldest first (by when they were logged), of connections the key may use. */
  async list(
    principal: Principal,
    query: {
      after?: string | undefined;
      type?: EventType | undefined;
      connection?: string | undefined;
      limit: number;
    },
  ): Promise<{ events: InvoiceEvent[]; next: string; caughtUp: boolean }> {
    const now = this.#clock();
    const scope = `event-log|${principal.tenant}`;
    if (query.connection !== undefined) providerFor(this.#connections, principal, query.connection);
    const connections =
      query.connection !== undefined
        ? [query.connection]
        : this.#connections
            .all()
            .map((config) => config.id)
            .filter((id) => mayUseConnection(principal, id));
    let from: LogPosition = this.#log.start(now);
    if (query.after !== undefined) {
      const parsed = Position.safeParse(
        parseJsonOrUndefined(await this.#cursors.open(query.after, scope, now, 'after')),
      );
      if (!parsed.success) throw new InvalidInput('after', 'is not a position in the event log');
      from = parsed.data;
    }
    const page = await this.#log.read(
      connections,
      from,
      {
        limit: query.limit,
        budget: this.#budget,
        ...(query.type === undefined ? {} : { accept: (event) => event.type === query.type }),
      },
      now,
    );
    const next = await this.#cursors.seal(scope, JSON.stringify(page.next), now, this.#retentionSeconds);
    return { events: page.events, next, caughtUp: page.caughtUp };
  }

  async history(principal: Principal, connectionId: string, invoiceId: string): Promise<InvoiceEvent[]> {
    const provider = providerFor(this.#connections, principal, connectionId);
    return this.#log.history(connectionId, resolveRemoteId(provider, connectionId, invoiceId));
  }
}
