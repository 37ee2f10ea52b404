import type { InvoiceEvent } from '../api/types.ts';
import { Badge, JsonBlock, Time } from '../components/basics.tsx';
import { href } from '../router.ts';

/** One event: what happened to which invoice, and its envelope as JSON on request. */
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
    <details class="event" data-event-type={event.type} data-remote-id={invoice.remoteId}>
      <summary>
        <span class="event-type">
          <Badge value={event.type} kind={event.type.replace('.', '-')} />
        </span>
        <span class="event-time">
          <Time at={event.occurredAt} now={now} />
        </span>
        <span class="event-what">
          {event.connection} /{' '}
          {linkInvoice ? (
            <a
              href={href(
                `/invoices/${encodeURIComponent(event.connection)}/${encodeURIComponent(invoice.id)}`,
              )}
            >
              {name}
            </a>
          ) : (
            name
          )}
        </span>
        <span class="event-change">
          {event.previous === null ? 'new' : event.previous.status} → {invoice.status}
        </span>
        <span class="event-sequence">#{event.sequence}</span>
      </summary>
      <JsonBlock value={event} label={`Event ${event.id} as JSON`} />
    </details>
  );
}
