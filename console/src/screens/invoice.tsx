import { api, body, unwrap } from '../api/client.ts';
import type { Invoice } from '../api/types.ts';
import { Badge, JsonBlock, ProblemMessage, StatusLine, Time } from '../components/basics.tsx';
import { clockTime, money } from '../format.ts';
import { useNow } from '../hooks/use-now.ts';
import { type Resource, useResource } from '../hooks/use-resource.ts';
import { href } from '../router.ts';
import { EventSummary } from './event-summary.tsx';
import { SandboxPanel } from './sandbox-panel.tsx';

/**
 * One invoice: what the provider says now (`source=live`) beside what the snapshot store holds
 * (`source=snapshot`), its lines and customer, and its history (the events the snapshots
 * recorded). Locally, the sandbox's controls sit beside it, so a change made upstream shows up
 * in the history on the same screen.
 */

interface Answer {
  invoice: Invoice;
  source: string | null;
  age: string | null;
}

type Source = 'live' | 'snapshot';

function useInvoice(
  connection: string,
  invoiceId: string,
  source: Source,
  refreshMs?: number,
): Resource<Answer> {
  return useResource(
    async (signal) => {
      const { data, response } = await unwrap(
        api.GET('/v1/connections/{connection}/invoices/{invoiceId}', {
          params: { path: { connection, invoiceId }, query: { source } },
          signal,
        }),
      );
      return {
        invoice: data,
        source: response.headers.get('invoice-source'),
        age: response.headers.get('age'),
      };
    },
    [connection, invoiceId, source],
    refreshMs === undefined ? {} : { refreshMs },
  );
}

/** The canonical fields compared side by side, as text. */
const FIELDS: ReadonlyArray<[string, (invoice: Invoice) => string]> = [
  ['Status', (invoice) => invoice.status],
  ['Provider status', (invoice) => invoice.providerStatus ?? '—'],
  ['Authority status', (invoice) => invoice.authorityStatus ?? '—'],
  ['Number', (invoice) => invoice.number ?? '—'],
  ['Subtotal', (invoice) => money(invoice.subtotal, invoice.currency)],
  ['Tax', (invoice) => money(invoice.tax, invoice.currency)],
  ['Total', (invoice) => money(invoice.total, invoice.currency)],
  ['Created', (invoice) => invoice.createdAt ?? '—'],
  ['Issued', (invoice) => invoice.issuedAt ?? '—'],
  ['Due', (invoice) => invoice.dueAt ?? '—'],
  ['Updated at the provider', (invoice) => invoice.updatedAt ?? '—'],
  ['Orders', (invoice) => (invoice.orderIds.length === 0 ? '—' : invoice.orderIds.join('\n'))],
  ['Customer', (invoice) => invoice.customer?.name ?? '—'],
  ['Lines', (invoice) => String(invoice.lines.length)],
  ['Document', (invoice) => invoice.documentUrl ?? '—'],
];

export function InvoiceScreen({ connection, invoiceId }: { connection: string; invoiceId: string }) {
  const now = useNow();
  const live = useInvoice(connection, invoiceId, 'live');
  const stored = useInvoice(connection, invoiceId, 'snapshot', 5_000);
  const history = useResource(
    (signal) =>
      body(
        api.GET('/v1/connections/{connection}/invoices/{invoiceId}/history', {
          params: { path: { connection, invoiceId } },
          signal,
        }),
      ),
    [connection, invoiceId],
    { refreshMs: 3_000 },
  );
  const invoice = live.data?.invoice ?? stored.data?.invoice;
  const changedUpstream = () => {
    live.reload();
    stored.reload();
    history.reload();
  };

  return (
    <section aria-labelledby="invoice-title">
      <p class="crumbs">
        <a href={href('/invoices', { connection })}>Invoices of {connection}</a>
      </p>
      <h1 id="invoice-title">
        Invoice {invoice?.number ?? invoice?.remoteId ?? invoiceId}{' '}
        {invoice !== undefined && <Badge value={invoice.status} />}
      </h1>
      <dl class="facts">
        <div>
          <dt>Connection</dt>
          <dd>{connection}</dd>
        </div>
        <div>
          <dt>Provider’s id</dt>
          <dd>
            <code>{invoice?.remoteId ?? '…'}</code>
          </dd>
        </div>
        <div>
          <dt>Canonical id</dt>
          <dd>
            <code class="break">{invoice?.id ?? invoiceId}</code>
          </dd>
        </div>
      </dl>
      <div class="invoice-layout">
        <div class="invoice-main">
          <h2>Live and snapshot</h2>
          <p class="help">
            Live asks the provider now; the snapshot is what the store last recorded (refreshed every 5 s). A
            difference becomes an event at the next snapshot round.
          </p>
          <Comparison live={live} stored={stored} now={now} />
          <div class="actions">
            <button type="button" onClick={() => live.reload()} disabled={live.loading}>
              {live.loading ? 'Asking the provider…' : 'Ask the provider again'}
            </button>
          </div>
          <h2>Lines</h2>
          {invoice === undefined ? <p class="muted">…</p> : <Lines invoice={invoice} />}
        </div>
        <div class="invoice-aside">
          {invoice !== undefined && <SandboxPanel invoice={invoice} onChanged={changedUpstream} />}
          <section aria-labelledby="history-title">
            <h2 id="history-title">History</h2>
            <StatusLine>
              {history.data === undefined
                ? 'Reading the history…'
                : `${history.data.events.length} ${history.data.events.length === 1 ? 'event' : 'events'}, newest first · read at ${clockTime(history.loadedAt ?? Date.now())}, every 3 s`}
            </StatusLine>
            {history.error !== undefined && (
              <ProblemMessage error={history.error} action="Reading the history" />
            )}
            <ol class="events compact" aria-labelledby="history-title">
              {[...(history.data?.events ?? [])].reverse().map((event) => (
                <li key={event.id}>
                  <EventSummary event={event} now={now} />
                </li>
              ))}
            </ol>
          </section>
        </div>
      </div>
    </section>
  );
}

function SourceHeading({ answer, label, now }: { answer: Resource<Answer>; label: string; now: number }) {
  const data = answer.data;
  return (
    <th scope="col">
      {label}
      <div class="small muted">
        {data === undefined
          ? answer.error === undefined
            ? '…'
            : 'no answer'
          : answer.error !== undefined
            ? 'no answer now; below is its last one'
            : `${data.source === 'live' ? 'the provider answered' : 'the snapshot store answered'}${data.age === null ? '' : `, state seen ${data.age} s ago`}`}
        {data?.invoice.snapshot !== undefined && (
          <>
            {' '}
            · version {data.invoice.snapshot.version}, changed{' '}
            <Time at={data.invoice.snapshot.changedAt} now={now} />
            {data.invoice.snapshot.gone && ' · gone'}
          </>
        )}
      </div>
    </th>
  );
}

function Comparison({
  live,
  stored,
  now,
}: {
  live: Resource<Answer>;
  stored: Resource<Answer>;
  now: number;
}) {
  return (
    <>
      {live.error !== undefined && <ProblemMessage error={live.error} action="Asking the provider" />}
      {stored.error !== undefined && <ProblemMessage error={stored.error} action="Reading the snapshot" />}
      <div class="table-wrap">
        <table class="comparison">
          <caption class="visually-hidden">The invoice live and in the snapshot store</caption>
          <colgroup>
            <col class="w-field" />
            <col />
            <col />
          </colgroup>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <SourceHeading answer={live} label="Live" now={now} />
              <SourceHeading answer={stored} label="Snapshot" now={now} />
            </tr>
          </thead>
          <tbody>
            {FIELDS.map(([label, read]) => {
              const now = live.data === undefined ? undefined : read(live.data.invoice);
              const then = stored.data === undefined ? undefined : read(stored.data.invoice);
              const differs = now !== undefined && then !== undefined && now !== then;
              return (
                <tr key={label} class={differs ? 'differs' : undefined} data-field={label}>
                  <th scope="row">
                    {label}
                    {differs && <span class="differs-mark"> (differs)</span>}
                  </th>
                  <td data-source="live">{now ?? '—'}</td>
                  <td data-source="snapshot">{then ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}

function Lines({ invoice }: { invoice: Invoice }) {
  if (invoice.lines.length === 0) return <p class="muted">No lines.</p>;
  return (
    <div class="table-wrap">
      <table class="lines">
        <caption class="visually-hidden">Invoice lines</caption>
        <thead>
          <tr>
            <th scope="col">Description</th>
            <th scope="col" class="number">
              Quantity
            </th>
            <th scope="col" class="number">
              Unit price
            </th>
            <th scope="col" class="number">
              Tax rate
            </th>
            <th scope="col" class="number">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {invoice.lines.map((line, index) => (
            <tr key={line.remoteId ?? index}>
              <td>{line.description ?? '—'}</td>
              <td class="number">
                {line.quantity ?? '—'} {line.unit ?? ''}
              </td>
              <td class="number">{money(line.unitPrice, invoice.currency)}</td>
              <td class="number">{line.taxRate === null ? '—' : `${line.taxRate} %`}</td>
              <td class="number">{money(line.amount, invoice.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>The whole invoice as JSON</summary>
        <JsonBlock value={invoice} label="The invoice as JSON" />
      </details>
    </div>
  );
}
