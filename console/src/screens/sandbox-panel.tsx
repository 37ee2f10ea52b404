import { useState } from 'preact/hooks';
import { ApiError, api, body } from '../api/client.ts';
import {
  deleteSandboxInvoice,
  type FaultSettings,
  hasSandbox,
  sandboxFaults,
  sandboxStatuses,
  setSandboxFaults,
  setSandboxStatus,
} from '../api/sandbox.ts';
import type { Invoice, InvoiceStatus } from '../api/types.ts';
import { ProblemMessage } from '../components/basics.tsx';
import { useResource } from '../hooks/use-resource.ts';

/**
 * Local only: the invoice's sandbox provider, driven as the provider itself would change it —
 * its status in the provider's own words, its deletion, and the faults it injects. Shown only
 * where `/sandbox/<provider>` answers (the local runtime); the snapshots then see the change at
 * their next round, as they would a real provider's.
 */

/** Which canonical status each of the provider's own values became, as the store's invoices show. */
async function vocabulary(provider: string, connection: string, signal: AbortSignal) {
  if (!(await hasSandbox(provider, signal))) return null;
  const [statuses, stored] = await Promise.all([
    sandboxStatuses(provider, signal),
    body(api.GET('/v1/invoices', { params: { query: { connection, limit: 500 } }, signal })).catch(() => ({
      invoices: [],
    })),
  ]);
  const canonical = new Map<string, InvoiceStatus>();
  for (const invoice of stored.invoices) {
    if (invoice.providerStatus !== null) canonical.set(invoice.providerStatus, invoice.status);
  }
  return { statuses, canonical };
}

export function SandboxPanel({ invoice, onChanged }: { invoice: Invoice; onChanged: () => void }) {
  const connection = invoice.connection ?? invoice.provider;
  const sandbox = useResource(
    (signal) => vocabulary(invoice.provider, connection, signal),
    [invoice.provider, connection],
  );
  if (sandbox.data === undefined || sandbox.data === null) return null;
  const { statuses, canonical } = sandbox.data;
  return (
    <section class="sandbox" aria-labelledby="sandbox-title" aria-describedby="sandbox-help">
      <h2 id="sandbox-title">Sandbox: {invoice.provider}</h2>
      <p class="help" id="sandbox-help">
        Local only. Changes the invoice at the provider’s sandbox; the next snapshot round turns the change
        into events.
      </p>
      <StatusControls invoice={invoice} statuses={statuses} canonical={canonical} onChanged={onChanged} />
      <Faults provider={invoice.provider} />
    </section>
  );
}

function StatusControls({
  invoice,
  statuses,
  canonical,
  onChanged,
}: {
  invoice: Invoice;
  statuses: string[];
  canonical: ReadonlyMap<string, InvoiceStatus>;
  onChanged: () => void;
}) {
  const paid = statuses.find((status) => canonical.get(status) === 'PAID');
  const [chosen, setChosen] = useState(invoice.providerStatus ?? statuses[0] ?? '');
  const [outcome, setOutcome] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);

  const act = async (what: string, action: () => Promise<void>) => {
    setError(null);
    setOutcome(null);
    try {
      await action();
      setOutcome(`${what}. The next snapshot round will record it.`);
      onChanged();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
    }
  };
  const label = (status: string) => {
    const known = canonical.get(status);
    return known === undefined ? status : `${status} (${known})`;
  };

  return (
    <div class="sandbox-controls">
      <p>
        The provider says <strong>{invoice.providerStatus ?? 'nothing'}</strong>.
      </p>
      <div class="actions">
        <button
          type="button"
          class="primary"
          disabled={paid === undefined || invoice.providerStatus === paid}
          title={
            paid === undefined
              ? 'No stored invoice of this connection shows which provider status means paid'
              : undefined
          }
          onClick={() =>
            paid !== undefined &&
            act(`Marked ${paid} at the provider`, () =>
              setSandboxStatus(invoice.provider, invoice.remoteId, paid),
            )
          }
        >
          Mark paid
        </button>
      </div>
      <form
        class="inline"
        onSubmit={(event) => {
          event.preventDefault();
          void act(`Set to ${chosen} at the provider`, () =>
            setSandboxStatus(invoice.provider, invoice.remoteId, chosen),
          );
        }}
      >
        <label for="sandbox-status">Provider status</label>
        <select id="sandbox-status" value={chosen} onChange={(event) => setChosen(event.currentTarget.value)}>
          {statuses.map((status) => (
            <option key={status} value={status}>
              {label(status)}
            </option>
          ))}
        </select>
        <button type="submit">Set status</button>
      </form>
      <div class="actions">
        {confirmDelete ? (
          <>
            <button
              type="button"
              class="danger"
              onClick={() => {
                setConfirmDelete(false);
                void act('Deleted at the provider', () =>
                  deleteSandboxInvoice(invoice.provider, invoice.remoteId),
                );
              }}
            >
              Really delete at the provider
            </button>
            <button type="button" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" class="danger" onClick={() => setConfirmDelete(true)}>
            Delete at the provider…
          </button>
        )}
      </div>
      <p class="outcome" aria-live="polite">
        {outcome}
      </p>
      {error !== null && <ProblemMessage error={error} action="The sandbox" />}
    </div>
  );
}

/** The knobs a request to the provider goes through; rates are shares from 0 to 1. */
const KNOBS: ReadonlyArray<{ name: keyof FaultSettings; label: string; step: string; max: number }> = [
  { name: 'errorRate', label: 'Error rate (0–1)', step: '0.05', max: 1 },
  { name: 'errorStatus', label: 'Error status', step: '1', max: 599 },
  { name: 'rateLimitRate', label: '429 rate (0–1)', step: '0.05', max: 1 },
  { name: 'retryAfterSeconds', label: 'Retry-After (s)', step: '1', max: 3600 },
  { name: 'malformedRate', label: 'Malformed rate (0–1)', step: '0.05', max: 1 },
  { name: 'latencyMs', label: 'Latency (ms)', step: '100', max: 120_000 },
];

function Faults({ provider }: { provider: string }) {
  const faults = useResource((signal) => sandboxFaults(provider, signal), [provider]);
  const [draft, setDraft] = useState<Partial<FaultSettings>>({});
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const current = { ...faults.data, ...draft };

  const save = async (settings: Partial<FaultSettings>, what: string) => {
    setError(null);
    setSaved(null);
    try {
      await setSandboxFaults(provider, settings);
      setDraft({});
      setSaved(what);
      faults.reload();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, null, String(caught)));
    }
  };

  return (
    <details class="faults">
      <summary>Faults of {provider}</summary>
      <form
        onSubmit={(event) => {
          event.preventDefault();
          const { failNext, seed, ...rest } = { ...faults.data, ...draft } as FaultSettings;
          void save({ ...rest, failNext, seed }, 'Faults saved.');
        }}
      >
        {KNOBS.map((knob) => (
          <p key={knob.name} class="field">
            <label for={`fault-${knob.name}`}>{knob.label}</label>
            <input
              id={`fault-${knob.name}`}
              type="number"
              min={0}
              max={knob.max}
              step={knob.step}
              value={String(current[knob.name] ?? '')}
              onInput={(event) => setDraft({ ...draft, [knob.name]: Number(event.currentTarget.value) })}
            />
          </p>
        ))}
        <div class="actions">
          <button type="submit">Save faults</button>
          <button type="button" onClick={() => void save({}, 'Faults reset: the provider answers normally.')}>
            Reset
          </button>
        </div>
        <p class="outcome" aria-live="polite">
          {saved}
        </p>
        {error !== null && <ProblemMessage error={error} action="Setting faults" />}
      </form>
    </details>
  );
}
