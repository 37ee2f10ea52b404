import type { EventType } from './event-type.ts';
import type { InvoiceEvent } from './invoice-event.ts';

/**
 * The event log: every published event, kept for the retention period. It serves two reads: an
 * invoice's history (its events by sequence) and the log of a set of connections in the order the
 * events were logged.
 *
 * An entry is written once and never replaced: a second append of the same event (a publish
 * retried after a crash) leaves the first entry, and its place in the log, as they were. Entries
 * are keyed by the event id, which is derived from the change's content, so two different events
 * can never land on one entry.
 *
 * The log is ordered by when an event was logged, not when it occurred, so an event published late
 * (after a crash) appears after what a consumer already read instead of behind its cursor. Readers
 * only see events logged at least `settleMs` ago: a write that took its timestamp before another
 * but landed after it is then already visible, so a position never skips it.
 */

/** A place in the log: the sort key of the last entry read (`<loggedAt>#<place>#<eventId>`), or a time. */
export interface LogPosition {
  after: string;
}

export interface LogPage {
  events: InvoiceEvent[];
  /** Where to continue from; always set, so a consumer can keep polling. */
  next: LogPosition;
  /** False when the read stopped at its budget before reaching the settled end of the log. */
  caughtUp: boolean;
}

export interface LogReadOptions {
  /** At most this many events that pass `accept`. */
  limit: number;
  /**
   * At most this many entries examined (accepted or not) across all connections, so that one
   * call never reads a whole retained log; the page then ends early with `next` set.
   */
  budget: number;
  accept?: (event: { type: EventType; connection: string }) => boolean;
}

export interface EventLog {
  /** Logs events that are not logged yet; answers how many were new. */
  append(events: readonly InvoiceEvent[], now: number): Promise<number>;
  /** One invoice's events, oldest first. */
  history(connection: string, remoteId: string): Promise<InvoiceEvent[]>;
  /** Events of these connections after `from`, oldest first, merged across connections. */
  read(
    connections: readonly string[],
    from: LogPosition,
    options: LogReadOptions,
    now: number,
  ): Promise<LogPage>;
  /** The oldest position still retained: where a reader without a cursor starts. */
  start(now: number): LogPosition;
  /** The position of a moment: everything logged from then on comes after it. */
  since(time: string): LogPosition;
}
