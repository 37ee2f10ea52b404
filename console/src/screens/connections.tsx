import { api, body } from '../api/client.ts';
import type { Connection, SnapshotStatus } from '../api/types.ts';
import { Badge, ProblemMessage, StatusLine, Time } from '../components/basics.tsx';
import { useConnections } from '../connections-context.ts';
import { clockTime, seconds } from '../format.ts';
import { useNow } from '../hooks/use-now.ts';
import { useResource } from '../hooks/use-resource.ts';
import { href } from '../router.ts';

/** Each connection the key may use, what it supports, and how its snapshots are doing. */
export function ConnectionsScreen() {
  const connections = useConnections();
  const now = useNow();
  const ids = connections.map((connection) => connection.id).join(',');
  const health = useResource(
    async (signal) => {
      const answers = await Promise.allSettled(
        connections.map((connection) =>
          body(
            api.GET('/v1/connections/{connection}/snapshot', {
              params: { path: { connection: connection.id } },
              signal,
            }),
          ),
        ),
      );
      return new Map(connections.map((connection, index) => [connection.id, answers[index]] as const));
    },
    [ids],
    { refreshMs: 5_000 },
  );

  return (
    <section aria-labelledby="connections-title">
      <h1 id="connections-title">Connections</h1>
      <p class="lead">
        The provider accounts this key may use, what each supports, and how its snapshots are doing. Snapshots
        read every invoice on a schedule, store it, and turn each change into an event.
      </p>
      <StatusLine>
        {connections.length} {connections.length === 1 ? 'connection' : 'connections'} · snapshot health{' '}
        {health.loadedAt === null ? 'reading…' : `read at ${clockTime(health.loadedAt)}, every 5 s`}
      </StatusLine>
      <div class="table-wrap">
        <table class="connections">
          <caption class="visually-hidden">Connections and their snapshot health</caption>
          <colgroup>
            <col class="c-connection" />
            <col class="c-supports" />
            <col class="c-state" />
            <col class="c-run" />
            <col class="c-count" />
            <col class="c-count" />
            <col class="c-count" />
            <col class="c-quarantined" />
            <col class="c-lag" />
            <col class="c-links" />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col">Supports</th>
              <th scope="col">Snapshots</th>
              <th scope="col">Last run</th>
              <th scope="col" class="number">
                Invoices
              </th>
              <th scope="col" class="number">
                Changed
              </th>
              <th scope="col" class="number">
                Events
              </th>
              <th scope="col" class="number">
                Quarantined
              </th>
              <th scope="col">Lag</th>
              <th scope="col">
                <span class="visually-hidden">Links</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {connections.map((connection) => (
              <ConnectionRow
                key={connection.id}
                connection={connection}
                health={health.data?.get(connection.id)}
                now={now}
              />
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function ConnectionRow({
  connection,
  health,
  now,
}: {
  connection: Connection;
  health: PromiseSettledResult<SnapshotStatus> | undefined;
  now: number;
}) {
  const status = health?.status === 'fulfilled' ? health.value : undefined;
  const run = status?.lastRun ?? null;
  return (
    <tr data-connection={connection.id}>
      <th scope="row">
        <span class="strong">{connection.id}</span>
        {connection.provider !== connection.id && <span class="muted"> · {connection.provider}</span>}
      </th>
      <td>
        <ul class="tags">
          {connection.operations.map((operation) => (
            <li key={operation}>{operation}</li>
          ))}
        </ul>
      </td>
      <td>
        {health?.status === 'rejected' ? (
          <ProblemMessage error={health.reason} />
        ) : status === undefined ? (
          <span class="muted">…</span>
        ) : status.running ? (
          <Badge value="running" />
        ) : (
          <Badge value="idle" />
        )}
      </td>
      <td>
        {run === null ? (
          <span class="muted">{status === undefined ? '…' : 'none yet'}</span>
        ) : (
          <>
            <Badge value={run.outcome} /> <Time at={run.finishedAt} now={now} />
            {run.reason !== null && <div class="small">{run.reason}</div>}
            {run.goneDetection === 'skipped' && <div class="small">gone detection skipped</div>}
          </>
        )}
      </td>
      <td class="number" data-stat="invoices">
        {run?.stats.invoices ?? '—'}
      </td>
      <td class="number" data-stat="changed">
        {run?.stats.changed ?? '—'}
      </td>
      <td class="number" data-stat="events">
        {run?.stats.events ?? '—'}
      </td>
      <td class="number" data-stat="quarantined">
        {run?.stats.quarantined ?? '—'}
      </td>
      <td>{status?.lagSeconds === null || status === undefined ? '—' : seconds(status.lagSeconds)}</td>
      <td class="links">
        <a href={href('/invoices', { connection: connection.id })}>Invoices</a>{' '}
        <a href={href('/events', { connection: connection.id })}>Events</a>
      </td>
    </tr>
  );
}
