import { useState } from 'preact/hooks';
import { EVENT_TYPES, type EventType } from '../api/types.ts';
import { ProblemMessage, StatusLine } from '../components/basics.tsx';
import { useConnections } from '../connections-context.ts';
import { clockTime } from '../format.ts';
import { useEventLog } from '../hooks/use-event-log.ts';
import { useNow } from '../hooks/use-now.ts';
import { navigate } from '../router.ts';
import { EventSummary } from './event-summary.tsx';

/**
 * The event log of the key's connections, followed live (GET /v1/events with its cursor),
 * filtered by type and connection, newest first, each envelope as JSON on request. New events
 * arrive above; the list below keeps its place (the browser's scroll anchoring), and the line
 * that says how reading stands never changes height.
 */
export function EventsScreen({ query }: { query: URLSearchParams }) {
  const connections = useConnections();
  const now = useNow();
  const type = EVENT_TYPES.find((candidate) => candidate === query.get('type'));
  const connection = query.get('connection') ?? undefined;
  const [paused, setPaused] = useState(false);
  const log = useEventLog({ type, connection }, { paused });

  const choose = (next: { type?: EventType | undefined; connection?: string | undefined }) =>
    navigate('/events', { type, connection, ...next });

  return (
    <section aria-labelledby="events-title">
      <h1 id="events-title">Events</h1>
      <p class="lead">
        Every change the snapshots recorded, as the event log holds it (in the order logged; <code>#</code> is
        the invoice’s own sequence). Read from the oldest retained event, then followed live.
      </p>
      <form
        class="filters inline-filters"
        aria-label="Filter events"
        onSubmit={(event) => event.preventDefault()}
      >
        <p class="field">
          <label for="event-type">Type</label>
          <select
            id="event-type"
            value={type ?? ''}
            onChange={(event) =>
              choose({ type: EVENT_TYPES.find((candidate) => candidate === event.currentTarget.value) })
            }
          >
            <option value="">Every type</option>
            {EVENT_TYPES.map((candidate) => (
              <option key={candidate} value={candidate}>
                {candidate}
              </option>
            ))}
          </select>
        </p>
        <p class="field">
          <label for="event-connection">Connection</label>
          <select
            id="event-connection"
            value={connection ?? ''}
            onChange={(event) => choose({ connection: event.currentTarget.value || undefined })}
          >
            <option value="">Every connection</option>
            {connections.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.id}
              </option>
            ))}
          </select>
        </p>
        <p class="field">
          <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
            {paused ? 'Resume' : 'Pause'}
          </button>
        </p>
      </form>
      <StatusLine>
        <span
          class={`live-dot ${paused ? 'paused' : log.error === null ? 'on' : 'failing'}`}
          aria-hidden="true"
        />
        {paused ? 'Paused' : log.error === null ? 'Live' : 'Retrying'} · {log.read}{' '}
        {log.read === 1 ? 'event' : 'events'} read
        {log.events.length < log.read ? ` (newest ${log.events.length} shown)` : ''} ·{' '}
        {log.lastPollAt === null ? 'reading…' : `read at ${clockTime(log.lastPollAt)}`}
        {log.lastPollAt !== null && (log.caughtUp ? ' · caught up' : ' · catching up')}
      </StatusLine>
      {log.error !== null && <ProblemMessage error={log.error} action="Reading the event log" />}
      {log.lastPollAt !== null && log.events.length === 0 && (
        <p>No event yet{type === undefined ? '' : ` of type ${type}`}.</p>
      )}
      <ol class="events" aria-label="Events, newest first">
        {log.events.map((event) => (
          <li key={event.id}>
            <EventSummary event={event} now={now} linkInvoice />
          </li>
        ))}
      </ol>
    </section>
  );
}
