import { useState } from 'preact/hooks';
import {
  EVENT_TYPES,
  type EventType,
  INVOICE_STATUSES,
  type InvoiceStatus,
  type WebhookFilter,
} from '../api/types.ts';
import { useConnections } from '../connections-context.ts';

/** What registering or editing an endpoint asks for; an empty choice means "all". */
export interface EndpointFields {
  url: string;
  description: string;
  filter: WebhookFilter;
}

function toggled<T>(list: readonly T[] | undefined, value: T, on: boolean): T[] | undefined {
  const next = on ? [...(list ?? []), value] : (list ?? []).filter((item) => item !== value);
  return next.length === 0 ? undefined : next;
}

export function EndpointForm({
  initial,
  submitLabel,
  onSubmit,
  idPrefix,
}: {
  initial: EndpointFields;
  submitLabel: string;
  onSubmit: (fields: EndpointFields) => Promise<void>;
  idPrefix: string;
}) {
  const connections = useConnections();
  const [fields, setFields] = useState(initial);
  const [busy, setBusy] = useState(false);
  const setFilter = (filter: WebhookFilter) => setFields({ ...fields, filter });
  const { eventTypes, statuses, connections: chosen } = fields.filter;

  return (
    <form
      class="endpoint-form"
      onSubmit={async (event) => {
        event.preventDefault();
        setBusy(true);
        try {
          await onSubmit(fields);
        } finally {
          setBusy(false);
        }
      }}
    >
      <p class="field wide">
        <label for={`${idPrefix}-url`}>URL</label>
        <input
          id={`${idPrefix}-url`}
          type="url"
          required
          placeholder="https://erp.example.com/hooks/invoices"
          value={fields.url}
          onInput={(event) => setFields({ ...fields, url: event.currentTarget.value })}
        />
      </p>
      <p class="field wide">
        <label for={`${idPrefix}-description`}>Description</label>
        <input
          id={`${idPrefix}-description`}
          type="text"
          maxLength={500}
          value={fields.description}
          onInput={(event) => setFields({ ...fields, description: event.currentTarget.value })}
        />
      </p>
      <fieldset>
        <legend>Event types</legend>
        <p class="help">None ticked: every type.</p>
        {EVENT_TYPES.map((type) => (
          <label key={type} class="check">
            <input
              type="checkbox"
              checked={eventTypes?.includes(type) ?? false}
              onChange={(event) =>
                setFilter({
                  ...fields.filter,
                  eventTypes: toggled<EventType>(eventTypes, type, event.currentTarget.checked),
                })
              }
            />
            {type}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Invoice statuses</legend>
        <p class="help">None ticked: any status.</p>
        {INVOICE_STATUSES.map((status) => (
          <label key={status} class="check">
            <input
              type="checkbox"
              checked={statuses?.includes(status) ?? false}
              onChange={(event) =>
                setFilter({
                  ...fields.filter,
                  statuses: toggled<InvoiceStatus>(statuses, status, event.currentTarget.checked),
                })
              }
            />
            {status}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>Connections</legend>
        <p class="help">None ticked: every connection this key may use.</p>
        {connections.map((connection) => (
          <label key={connection.id} class="check">
            <input
              type="checkbox"
              checked={chosen?.includes(connection.id) ?? false}
              onChange={(event) =>
                setFilter({
                  ...fields.filter,
                  connections: toggled(chosen, connection.id, event.currentTarget.checked),
                })
              }
            />
            {connection.id}
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button type="submit" class="primary" disabled={busy}>
          {submitLabel}
        </button>
      </div>
    </form>
  );
}

/**
 * What a filter lets through, in words: "invoice.paid · PAID". Its connections are left out: what
 * the endpoint receives is its `connections`, within its owner key's grant, shown beside it.
 */
export function describeFilter(filter: WebhookFilter): string {
  return [filter.eventTypes?.join(', ') ?? 'every type', filter.statuses?.join(', ') ?? 'any status'].join(
    ' · ',
  );
}
