import { createHash, randomBytes } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { EventLog } from '../events/event-log.ts';
import type { InvoiceEvent } from '../events/invoice-event.ts';
import type { DeliveryRecord, DeliveryStore } from './delivery-store.ts';
import type { EndpointEligibility } from './endpoint-access.ts';
import type { EndpointStore } from './endpoint-store.ts';
import type { DeliveryMessage, RecoverJob } from './relay-messages.ts';
import type { RelayQueue } from './relay-queue.ts';
import { type DeliverableEvent, type EndpointRecord, passesFilter } from './webhook.ts';

/**
 * From events to deliveries: one delivery per (event, eligible endpoint), stored with the exact
 * bytes to send, then queued. Delivery ids derive from endpoint and event, so the same event
 * fanned out twice (an SNS or SQS redelivery) is still one delivery; and because event ids derive
 * from the change's content, a delivery found under that id is only taken as done when it holds
 * the same event.
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

/** Told what the fan-out decided, so that the function can log it (never event contents). */
export interface FanOutReporter {
  conflict(endpointId: string, deliveryId: string, eventId: string): void;
  recoverCapped?(endpointId: string, queued: number): void;
}

export interface FanOutDependencies {
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  queue: RelayQueue;
  eligibility: EndpointEligibility;
  clock: Clock;
  log?: EventLog;
  reporter?: FanOutReporter;
  /** Most deliveries one recover queues; the rest waits for another recover. @default 10000 */
  maxRecoverDeliveries?: number;
  /** The configured connections: what an endpoint of every connection ('*') may recover. */
  connectionIds?: () => string[];
}

export class FanOut {
  readonly #deps: FanOutDependencies;

  constructor(dependencies: FanOutDependencies) {
    this.#deps = dependencies;
  }

  /** Creates and queues the deliveries of these events; answers how many. */
  async events(events: readonly InvoiceEvent[], correlationId: string | null = null): Promise<number> {
    const connections = [...new Set(events.map((event) => event.connection))];
    const endpoints = await this.#deps.endpoints.getMany(await this.#deps.endpoints.routed(connections));
    const prepared: Array<Promise<DeliveryMessage | null>> = [];
    for (const event of events) {
      const candidate = deliverable(event);
      for (const endpoint of endpoints) {
        if (!passesFilter(endpoint, candidate)) continue;
        prepared.push(
          this.#deps.eligibility
            .refusal(endpoint, event.connection)
            .then((refusal) =>
              refusal === null ? this.#prepare(endpoint, candidate, 'new', correlationId) : null,
            ),
        );
      }
    }
    const messages = (await Promise.all(prepared)).filter((message) => message !== null);
    await this.#deps.queue.deliver(messages);
    return messages.length;
  }

  /** Queues one delivery now (test, retry); answers its id. */
  async send(endpoint: EndpointRecord, event: DeliverableEvent, mode: 'new' | 'again'): Promise<string> {
    const deliveryId = deliveryIdFor(endpoint.id, event.id);
    const message = await this.#prepare(endpoint, event, mode, null);
    if (message !== null) await this.#deps.queue.deliver([message]);
    return deliveryId;
  }

  /**
   * Stores a delivery of `event` to `endpoint`. 'new' leaves an existing delivery of the same
   * event alone (a repeated fan-out) but queues it again while it is pending, in case the first
   * fan-out died before queueing; 'again' starts it over as a new generation (retry, recover).
   * Answers null when there is nothing to send.
   */
  async #prepare(
    endpoint: EndpointRecord,
    event: DeliverableEvent,
    mode: 'new' | 'again',
    correlationId: string | null,
  ): Promise<DeliveryMessage | null> {
    const now = this.#deps.clock();
    const seed = {
      deliveryId: deliveryIdFor(endpoint.id, event.id),
      endpointId: endpoint.id,
      tenant: endpoint.tenant,
      eventId: event.id,
      eventType: event.type,
      connection: event.connection,
      body: event.body,
      createdAt: new Date(now).toISOString(),
      correlationId,
    };
    let record: DeliveryRecord;
    if (mode === 'again') {
      record = await this.#deps.deliveries.restart(seed, now);
    } else {
      const fresh: DeliveryRecord = {
        ...seed,
        generation: 1,
        status: 'pending',
        attempts: 0,
        lastAttemptAt: null,
        dueAt: seed.createdAt,
        requeues: 0,
      };
      const created = await this.#deps.deliveries.create(fresh, now);
      if (created === 'created') record = fresh;
      else if (created.eventId !== event.id || created.body !== event.body) {
        // Never taken for done: this delivery id holds another event. It is left as it is.
        this.#deps.reporter?.conflict(endpoint.id, seed.deliveryId, event.id);
        return null;
      } else if (created.status !== 'pending') return null;
      else record = created;
    }
    return {
      kind: 'delivery',
      deliveryId: record.deliveryId,
      endpointId: endpoint.id,
      tenant: endpoint.tenant,
      generation: record.generation,
      attempt: record.attempts + 1,
      notBefore: 0,
    };
  }

  /**
   * Re-sends every logged event since `since` that the endpoint may receive now (its owner's
   * current grant) and its filter matches, reading only its connections' log partitions.
   */
  async recover(job: RecoverJob): Promise<number> {
    const log = this.#deps.log;
    if (log === undefined) throw new Error('recover needs the event log');
    const endpoint = await this.#deps.endpoints.get(job.tenant, job.endpointId);
    if (endpoint === null || !endpoint.enabled) return 0;
    const connections = await this.#receivable(endpoint);
    const max = this.#deps.maxRecoverDeliveries ?? 10_000;
    let position = log.since(job.since);
    let queued = 0;
    for (;;) {
      const page = await log.read(connections, position, { limit: 500, budget: 2000 }, this.#deps.clock());
      const messages: DeliveryMessage[] = [];
      for (const event of page.events) {
        // The cap counts each delivery it starts: none past it, even inside a page.
        if (queued + messages.length >= max) break;
        const candidate = deliverable(event);
        if (!passesFilter(endpoint, candidate)) continue;
        const message = await this.#prepare(endpoint, candidate, 'again', null);
        if (message !== null) messages.push(message);
      }
      await this.#deps.queue.deliver(messages);
      queued += messages.length;
      if (queued >= max) {
        this.#deps.reporter?.recoverCapped?.(endpoint.id, queued);
        return queued;
      }
      if (page.caughtUp) return queued;
      position = page.next;
    }
  }

  /** The connections an endpoint may receive right now (configured ones only, for a '*' endpoint). */
  async #receivable(endpoint: EndpointRecord): Promise<string[]> {
    const candidates =
      endpoint.connections === '*' ? (this.#deps.connectionIds?.() ?? []) : endpoint.connections;
    const allowed: string[] = [];
    for (const connection of candidates) {
      if ((await this.#deps.eligibility.refusal(endpoint, connection)) === null) allowed.push(connection);
    }
    return allowed;
  }
}
