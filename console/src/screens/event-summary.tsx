import type { InvoiceEvent } from '../api/types.ts';
import { Badge, JsonBlock, Time } from '../components/basics.tsx';
import { href } from '../router.ts';

/**
 * One event: what happened to which invoice on one line (a disclosure: the whole line opens it),
 * and when open, its envelope as JSON and, with `linkInvoice`, a link to the invoice.
 */
export function EventSummary({
  event,
  now,
  linkInvoice = false,
}: {
  event: InvoiceEvent;
  now: number;
  linkInvoice?: boolean;
}) {
  const invoice = event.invoice;
  const name = invoice.number ?? invoice.remoteId;
  return (
    <details
      class="event"
      data-event-type={event.type}
      data-connection={event.connection}
      data-remote-id={invoice.remoteId}
    >
      <summary>
        <span class="event-type">
          <Badge value={event.type} kind={event.type.replace('.', '-')} />
        </span>
        <span class="event-time">
          <Time at={event.occurredAt} now={now} />
        </span>
        <span class="event-what">
          {event.connection} / {name}
        </span>
        <span class="event-change">
          {event.previous === null ? 'new' : event.previous.status} → {invoice.status}
        </span>
        <span class="event-sequence">#{event.sequence}</span>
      </summary>
      {linkInvoice && (
        <p class="event-links">
          <a
            href={href(`/invoices/${encodeURIComponent(event.connection)}/${encodeURIComponent(invoice.id)}`)}
          >
            Open invoice {name} of {event.connection}
          </a>
        </p>
      )}
      <JsonBlock value={event} label={`Event ${event.id} as JSON`} />
    </details>
  );
}
