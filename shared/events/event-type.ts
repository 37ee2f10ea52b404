import * as z from 'zod';

/** The kinds of invoice event (invoice-event.ts), which webhook filters and queries name on their own. */
export const EventType = z
  .enum(['invoice.discovered', 'invoice.status_changed', 'invoice.paid', 'invoice.updated', 'invoice.voided'])
  .meta({ id: 'EventType' });
export type EventType = z.infer<typeof EventType>;
export const EVENT_TYPES = EventType.options;
