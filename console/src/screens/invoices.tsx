import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, unwrap } from '../api/client.ts';
import { INVOICE_STATUSES, type Invoice, type InvoiceStatus } from '../api/types.ts';
import { Badge, ProblemMessage, StatusLine, Time } from '../components/basics.tsx';
import { useConnections } from '../connections-context.ts';
import { localToRfc3339, money, rfc3339ToLocal } from '../format.ts';
import { useNow } from '../hooks/use-now.ts';
import { href, navigate } from '../router.ts';

/**
 * Invoices across the key's connections, from the snapshot store (GET /v1/invoices): by
 * connection, status and change time, oldest change first, a page at a time. The filters live in
 * the link (`#/invoices?connection=…&status=…&updatedSince=…`), so a search can be shared.
 */

interface Filters {
  connections: string[];
  statuses: InvoiceStatus[];
  updatedSince: string | undefined;
  includeGone: boolean;
}

function filtersOf(query: URLSearchParams): Filters {
  const list = (name: string) => (query.get(name) ?? '').split(',').filter((value) => value !== '');
  return {
    connections: list('connection'),
    statuses: list('status').filter((value): value is InvoiceStatus =>
      (INVOICE_STATUSES as readonly string[]).includes(value),
    ),
    updatedSince: query.get('updatedSince') ?? undefined,
    includeGone: query.get('includeGone') === 'true',
  };
}

interface Results {
  /** The search these are the answer to. */
  search: string;
  invoices: Invoice[];
  next: string | null;
  skipped: number;
  source: string | null;
  age: string | null;
}

export function InvoicesScreen({ query }: { query: URLSearchParams }) {
  const connections = useConnections();
  const filters = filtersOf(query);
  const search = query.toString();
  const now = useNow();
  const [found, setResults] = useState<Results | null>(null);
  // Rows of another search are never shown as this one's, not even for the frame before it loads.
  const results = found?.search === search ? found : null;
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(false);

  const load = async (cursor: string | null, previous: Results | null, signal?: AbortSignal) => {
    setLoading(true);
    try {
      const { data, response } = await unwrap(
        api.GET('/v1/invoices', {
          params: {
            query: {
              ...(filters.connections.length > 0 ? { connection: filters.connections.join(',') } : {}),
              ...(filters.statuses.length > 0 ? { status: filters.statuses.join(',') } : {}),
              ...(filters.updatedSince === undefined ? {} : { updatedSince: filters.updatedSince }),
              ...(filters.includeGone ? { includeGone: 'true' as const } : {}),
              limit: 50,
              ...(cursor === null ? {} : { cursor }),
            },
          },
          ...(signal === undefined ? {} : { signal }),
        }),
      );
      setResults({
        search,
        invoices: [...(previous?.invoices ?? []), ...data.invoices],
        next: data.next,
        skipped: (previous?.skipped ?? 0) + data.skipped,
        source: response.headers.get('invoice-source'),
        age: response.headers.get('age'),
      });
      setError(null);
    } catch (caught) {
      if (signal?.aborted) return;
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
    }
    setLoading(false);
  };

  useEffect(() => {
    const controller = new AbortController();
    setResults(null);
    void load(null, null, controller.signal);
    return () => controller.abort();
  }, [search]);

  return (
    <section aria-labelledby="invoices-title">
      <h1 id="invoices-title">Invoices</h1>
      <p class="lead">
        Every invoice of the connections this key may use, as the snapshots last stored it, ordered by when it
        last changed (oldest first).
      </p>
      <SearchForm filters={filters} connections={connections.map((connection) => connection.id)} />
      <StatusLine>
        {loading
          ? 'Searching…'
          : results === null
            ? ' '
            : `${results.invoices.length} ${results.invoices.length === 1 ? 'invoice' : 'invoices'}${results.next === null ? '' : ' so far'} · from the ${results.source ?? 'snapshot'} store${results.age === null ? '' : ` · oldest state seen ${results.age} s ago`}${results.skipped > 0 ? ` · ${results.skipped} unreadable records left out` : ''}`}
      </StatusLine>
      {error !== null && <ProblemMessage error={error} action="Searching" />}
      {results !== null && results.invoices.length === 0 && <p>No invoice matches.</p>}
      {results !== null && results.invoices.length > 0 && (
        <div class="table-wrap">
          <table class="invoices">
            <caption class="visually-hidden">Invoices found</caption>
            <colgroup>
              <col class="c-invoice" />
              <col class="c-connection" />
              <col class="c-status" />
              <col class="c-provider-status" />
              <col class="c-total" />
              <col />
              <col class="c-changed" />
              <col class="c-count" />
            </colgroup>
            <thead>
              <tr>
                <th scope="col">Invoice</th>
                <th scope="col">Connection</th>
                <th scope="col">Status</th>
                <th scope="col">Provider says</th>
                <th scope="col" class="number">
                  Total
                </th>
                <th scope="col">Customer</th>
                <th scope="col">Changed</th>
                <th scope="col" class="number">
                  Version
                </th>
              </tr>
            </thead>
            <tbody>
              {results.invoices.map((invoice) => (
                <tr key={invoice.id} data-connection={invoice.connection ?? ''}>
                  <th scope="row">
                    <a
                      href={href(
                        `/invoices/${encodeURIComponent(invoice.connection ?? invoice.provider)}/${encodeURIComponent(invoice.id)}`,
                      )}
                    >
                      {invoice.number ?? invoice.remoteId}
                    </a>
                    {invoice.snapshot?.gone === true && <Badge value="gone" />}
                  </th>
                  <td>{invoice.connection}</td>
                  <td>
                    <Badge value={invoice.status} />
                  </td>
                  <td>{invoice.providerStatus ?? '—'}</td>
                  <td class="number">{money(invoice.total, invoice.currency)}</td>
                  <td class="truncate">{invoice.customer?.name ?? '—'}</td>
                  <td>
                    <Time at={invoice.snapshot?.changedAt} now={now} />
                  </td>
                  <td class="number">{invoice.snapshot?.version ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {results?.next != null && (
        <button type="button" disabled={loading} onClick={() => void load(results.next, results)}>
          Load more
        </button>
      )}
    </section>
  );
}

function SearchForm({ filters, connections }: { filters: Filters; connections: string[] }) {
  const [chosen, setChosen] = useState(filters);
  const [since, setSince] = useState(rfc3339ToLocal(filters.updatedSince));
  // Following a link (from the connections, or back) shows its filters.
  useEffect(() => {
    setChosen(filters);
    setSince(rfc3339ToLocal(filters.updatedSince));
  }, [filters.connections.join(), filters.statuses.join(), filters.updatedSince, filters.includeGone]);

  const toggle = <T extends string>(list: T[], value: T, on: boolean) =>
    on ? [...list, value] : list.filter((item) => item !== value);

  const submit = (event: Event) => {
    event.preventDefault();
    navigate('/invoices', {
      connection: chosen.connections.join(','),
      status: chosen.statuses.join(','),
      updatedSince: localToRfc3339(since),
      includeGone: chosen.includeGone ? 'true' : undefined,
    });
  };

  return (
    <form class="filters" onSubmit={submit} aria-label="Search invoices">
      <fieldset>
        <legend>Connections</legend>
        <p class="help">None ticked: all of them.</p>
        {connections.map((connection) => (
          <label key={connection} class="check">
            <input
              type="checkbox"
              name="connection"
              value={connection}
              checked={chosen.connections.includes(connection)}
              onChange={(event) =>
                setChosen({
                  ...chosen,
                  connections: toggle(chosen.connections, connection, event.currentTarget.checked),
                })
              }
            />
            {connection}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Status</legend>
        <p class="help">None ticked: any.</p>
        {INVOICE_STATUSES.map((status) => (
          <label key={status} class="check">
            <input
              type="checkbox"
              name="status"
              value={status}
              checked={chosen.statuses.includes(status)}
              onChange={(event) =>
                setChosen({
                  ...chosen,
                  statuses: toggle(chosen.statuses, status, event.currentTarget.checked),
                })
              }
            />
            {status}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Changed</legend>
        <label for="updated-since">Since (your time zone)</label>
        <input
          id="updated-since"
          type="datetime-local"
          step={1}
          value={since}
          onInput={(event) => setSince(event.currentTarget.value)}
        />
        <label class="check">
          <input
            type="checkbox"
            checked={chosen.includeGone}
            onChange={(event) => setChosen({ ...chosen, includeGone: event.currentTarget.checked })}
          />
          Include invoices the provider no longer lists
        </label>
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary">
          Search
        </button>
        <a href={href('/invoices')}>Clear</a>
      </div>
    </form>
  );
}
