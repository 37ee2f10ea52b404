import * as z from 'zod';
import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { adapterFor, checkOrderId, resolveRemoteId } from '../lookup/access.ts';
import type { CursorSigner } from '../lookup/cursor.ts';
import type { WatchKind, WatchList } from '../snapshot/watch-list.ts';
import { parseJsonOrUndefined } from '../wire/json.ts';
import type { EventLog, LogPosition } from './event-log.ts';
import type { EventType, InvoiceEvent } from './invoice-event.ts';

/**
 * The event log and invoice histories as the API serves them (both from DynamoDB, never from the
 * providers), and the explicit watch list for providers without a list endpoint.
 */

/** Positions in the log are signed like page cursors, bound to this pseudo-connection. */
const LOG_CURSOR_SCOPE = 'event-log';

const Position = z.object({ day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/), after: z.string() });

export class EventsService {
  readonly #connections: ConnectionRegistry;
  readonly #log: EventLog;
  readonly #watches: WatchList;
  readonly #cursors: CursorSigner;
  readonly #retentionSeconds: number;

  constructor(dependencies: {
    connections: ConnectionRegistry;
    log: EventLog;
    watches: WatchList;
    cursors: CursorSigner;
    retentionDays: number;
  }) {
    this.#connections = dependencies.connections;
    this.#log = dependencies.log;
    this.#watches = dependencies.watches;
    this.#cursors = dependencies.cursors;
    this.#retentionSeconds = dependencies.retentionDays * 86_400;
  }

  /** Events after a cursor, oldest first, only of connections the key may use. */
  async list(
    principal: Principal,
    query: {
      after?: string | undefined;
      type?: EventType | undefined;
      connection?: string | undefined;
      limit: number;
    },
  ): Promise<{ events: InvoiceEvent[]; next: string }> {
    if (query.connection !== undefined) adapterFor(this.#connections, principal, query.connection);
    let from: LogPosition = this.#log.start();
    if (query.after !== undefined) {
      const parsed = Position.safeParse(
        parseJsonOrUndefined(await this.#cursors.open(query.after, LOG_CURSOR_SCOPE, Date.now(), 'after')),
      );
      if (!parsed.success) throw new InvalidInput('after', 'is not a position in the event log');
      from = parsed.data;
    }
    const page = await this.#log.read(
      from,
      query.limit,
      (event) =>
        mayUseConnection(principal, event.connection) &&
        (query.type === undefined || event.type === query.type) &&
        (query.connection === undefined || event.connection === query.connection),
    );
    const next = await this.#cursors.seal(
      LOG_CURSOR_SCOPE,
      JSON.stringify(page.next),
      Date.now(),
      this.#retentionSeconds,
    );
    return { events: page.events, next };
  }

  async history(principal: Principal, connectionId: string, invoiceId: string): Promise<InvoiceEvent[]> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    return this.#log.history(connectionId, resolveRemoteId(adapter, connectionId, invoiceId));
  }

  async watch(
    principal: Principal,
    connectionId: string,
    kind: WatchKind,
    id: string,
    watched: boolean,
  ): Promise<void> {
    const adapter = adapterFor(this.#connections, principal, connectionId);
    if (adapter.operations.includes('list')) {
      throw new InvalidInput(
        'connection',
        `${adapter.id} is snapshotted by listing it; watches are for providers without a list endpoint`,
      );
    }
    let key = id;
    if (kind === 'invoice') {
      if (!adapter.operations.includes('get'))
        throw new NotFound('route', `${adapter.id} has no single-invoice lookup`);
      key = resolveRemoteId(adapter, connectionId, id);
    } else {
      if (!adapter.operations.includes('order-invoices'))
        throw new NotFound('route', `${adapter.id} has no order lookup`);
      checkOrderId(adapter, id);
    }
    if (watched) await this.#watches.add(connectionId, kind, key);
    else await this.#watches.remove(connectionId, kind, key);
  }
}
