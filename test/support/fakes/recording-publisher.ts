import type { EventPublisher } from '../../../shared/events/event-publisher.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';

/**
 * The events topic in memory: keeps what it accepted, in order, with the correlation id it came
 * with. Like SNS it never throws for a refused entry; switch `down` to refuse everything (an
 * outage) or name ids in `refuse` to refuse only those.
 */
export class RecordingPublisher implements EventPublisher {
  readonly published: Array<{ event: InvoiceEvent; correlationId: string | undefined }> = [];
  down = false;
  readonly refuse = new Set<string>();
  calls = 0;

  async publish(events: readonly InvoiceEvent[], correlationId?: string): Promise<Set<string>> {
    this.calls++;
    const accepted = new Set<string>();
    if (this.down) return accepted;
    for (const event of events) {
      if (this.refuse.has(event.id)) continue;
      this.published.push({ event: structuredClone(event), correlationId });
      accepted.add(event.id);
    }
    return accepted;
  }

  /** Published events, in order. */
  get events(): InvoiceEvent[] {
    return this.published.map((entry) => entry.event);
  }
}
