import { createHash, randomBytes } from 'node:crypto';
import type { EventLog } from '../events/event-log.ts';
import type { InvoiceEvent } from '../events/invoice-event.ts';
import type { DeliveryMessage, RecoverJob, RelayQueue } from './relay-queue.ts';
import { type DeliverableEvent, type EndpointRecord, matches } from './webhook.ts';
import type { WebhookStore } from './webhook-store.ts';

/**
 * From events to deliveries: one delivery per (event, matching endpoint), stored with the exact
 * bytes to send, then queued. Delivery ids derive from endpoint and event, so the same event
 * fanned out twice (an SNS or SQS redelivery) is still one delivery.
 */

export function deliveryIdFor(endpointId: string, eventId: string): string {
  return `dlv_${createHash('sha256').update(`${endpointId}\u0000${eventId}`).digest('base64url').slice(0, 22)}`;
}

export function deliverable(event: InvoiceEvent): DeliverableEvent {
  return {
    id: event.id,
    type: event.type,
    connection: event.connection,
    status: event.invoice.status,
    body: JSON.stringify(event),
  };
}

/** The `webhook.test` event of POST /v1/webhooks/{id}/test: it matches no filter, it goes to one endpoint. */
export function testEvent(endpoint: EndpointRecord, now: number): DeliverableEvent {
  const id = `evt_test_${randomBytes(8).toString('hex')}`;
  const body = JSON.stringify({
    id,
    type: 'webhook.test',
    occurredAt: new Date(now).toISOString(),
    webhook: { id: endpoint.id },
  });
  return { id, type: 'webhook.test', connection: null, status: null, body };
}

export class FanOut {
  readonly #store: WebhookStore;
  readonly #queue: RelayQueue;
  readonly #log: EventLog | null;

  constructor(dependencies: { store: WebhookStore; queue: RelayQueue; log?: EventLog }) {
    this.#store = dependencies.store;
    this.#queue = dependencies.queue;
    this.#log = dependencies.log ?? null;
  }

  /**
   * The enabled endpoints. The fan-out function reads them once per batch (one query), so a new
   * or changed endpoint applies from the next batch on.
   */
  async enabledEndpoints(): Promise<EndpointRecord[]> {
    return (await this.#store.allEndpoints()).filter((endpoint) => endpoint.enabled);
  }

  /** Creates and queues the deliveries of these events; answers how many. */
  async events(
    events: readonly InvoiceEvent[],
    endpoints: Promise<EndpointRecord[]> = this.enabledEndpoints(),
  ): Promise<number> {
    const targets = await endpoints;
    const messages = await Promise.all(
      events.flatMap((event) => {
        const candidate = deliverable(event);
        return targets
          .filter((endpoint) => matches(endpoint, candidate))
          .map((endpoint) => this.#prepare(endpoint, candidate, 'new'));
      }),
    );
    await this.#queue.deliver(messages);
    return messages.length;
  }

  /** Queues one delivery now (test, retry); answers its id. */
  async send(endpoint: EndpointRecord, event: DeliverableEvent, mode: 'new' | 'again'): Promise<string> {
    const message = await this.#prepare(endpoint, event, mode);
    await this.#queue.deliver([message]);
    return message.deliveryId;
  }

  /**
   * Stores a delivery of `event` to `endpoint`. 'new' leaves an existing delivery alone (a repeated
   * fan-out); 'again' starts it over as a new generation (retry, recover, test).
   */
  async #prepare(
    endpoint: EndpointRecord,
    event: DeliverableEvent,
    mode: 'new' | 'again',
  ): Promise<DeliveryMessage> {
    const deliveryId = deliveryIdFor(endpoint.id, event.id);
    const seed = {
      deliveryId,
      endpointId: endpoint.id,
      eventId: event.id,
      eventType: event.type,
      body: event.body,
      createdAt: new Date().toISOString(),
    };
    let generation = 1;
    if (mode === 'new') {
      await this.#store.createDelivery({
        ...seed,
        generation,
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
      });
    } else {
      generation = await this.#store.restartDelivery(seed);
    }
    return {
      deliveryId,
      endpointId: endpoint.id,
      tenant: endpoint.tenant,
      generation,
      attempt: 1,
      notBefore: 0,
    };
  }

  /** Re-sends every logged event since `since` that the endpoint's filter matches. */
  async recover(job: RecoverJob): Promise<number> {
    if (this.#log === null) throw new Error('recover needs the event log');
    const endpoint = await this.#store.endpoint(job.tenant, job.endpointId);
    if (endpoint === null || !endpoint.enabled) return 0;
    const since = new Date(Date.parse(job.since)).toISOString();
    // The log starts reading at its oldest retained day when `since` is older than that.
    let position = { day: since.slice(0, 10), after: since };
    let queued = 0;
    for (;;) {
      const page = await this.#log.read(position, 500, () => true);
      const messages: DeliveryMessage[] = [];
      for (const event of page.events) {
        const candidate = deliverable(event);
        if (matches(endpoint, candidate)) messages.push(await this.#prepare(endpoint, candidate, 'again'));
      }
      await this.#queue.deliver(messages);
      queued += messages.length;
      if (page.events.length === 0) return queued;
      position = page.next;
    }
  }
}
