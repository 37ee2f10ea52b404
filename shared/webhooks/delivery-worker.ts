import type { DeliveryClient, SendResult } from './delivery-client.ts';
import type { DeliveryMessage, RelayQueue } from './relay-queue.ts';
import { retryDelaySeconds } from './retry-schedule.ts';
import { signedHeaders, signingSecrets } from './signing.ts';
import type { DeliveryAttempt, EndpointRecord } from './webhook.ts';
import type { DeliveryRecord, WebhookStore } from './webhook-store.ts';

/**
 * Sends one delivery attempt and decides what follows: done (delivered, dead-lettered, the
 * endpoint gone or disabled) or a later attempt per the retry schedule. Outcomes:
 * - 2xx: delivered; 3xx: a failure (redirects are never followed); 410: the endpoint is disabled;
 *   anything else, timeouts and refused targets: a failure to retry;
 * - after the last scheduled attempt the delivery is dead-lettered (recoverable by retry/recover);
 * - an endpoint failing without a success for `disableAfterMs` is disabled.
 *
 * The send itself runs through `idempotent` (Powertools Idempotency in the function), keyed by
 * delivery, generation and attempt: a message handled twice sends at most one extra copy (when the
 * first handler died mid-send), always with the same `webhook-id`.
 */

export interface AttemptKey {
  deliveryId: string;
  endpointId: string;
  tenant: string;
  generation: number;
  attempt: number;
}

export interface AttemptOutcome {
  outcome: DeliveryAttempt['outcome'];
  /** When the attempt was sent (RFC 3339); what follows keeps it as the delivery's last attempt. */
  attemptedAt: string;
  statusCode: number | null;
  retryAfterSeconds: number | null;
}

/** The key comes first: the idempotency layer hashes the first argument only. */
export type SendAttempt = (
  key: AttemptKey,
  endpoint: EndpointRecord,
  delivery: DeliveryRecord,
) => Promise<AttemptOutcome>;

export type Verdict = { kind: 'done' } | { kind: 'later'; seconds: number };

export interface DeliveryWorkerOptions {
  /** Seconds before each attempt after the first fails (see retry-schedule.ts). */
  schedule: readonly number[];
  /** Deliveries per second to one endpoint, across all workers. @default 10 */
  ratePerSecond: number;
  /** An endpoint failing this long without a success is disabled. @default 5 days */
  disableAfterMs: number;
}

export interface DeliveryWorkerDependencies {
  store: WebhookStore;
  client: DeliveryClient;
  queue: RelayQueue;
  options: DeliveryWorkerOptions;
  /** Wraps the send so that it runs at most once per key (its first argument). */
  idempotent?: (send: SendAttempt) => SendAttempt;
  clock?: () => number;
  random?: () => number;
}

export class DeliveryWorker {
  readonly #deps: DeliveryWorkerDependencies;
  readonly #clock: () => number;
  readonly #send: SendAttempt;

  constructor(dependencies: DeliveryWorkerDependencies) {
    this.#deps = dependencies;
    this.#clock = dependencies.clock ?? Date.now;
    const send: SendAttempt = (key, endpoint, delivery) => this.#attempt(key, endpoint, delivery);
    this.#send = dependencies.idempotent ? dependencies.idempotent(send) : send;
  }

  async handle(message: DeliveryMessage): Promise<Verdict> {
    const { store, options } = this.#deps;
    const now = this.#clock();
    if (message.notBefore > now)
      return { kind: 'later', seconds: Math.ceil((message.notBefore - now) / 1000) };
    const [endpoint, delivery] = await Promise.all([
      store.endpoint(message.tenant, message.endpointId),
      store.delivery(message.endpointId, message.deliveryId),
    ]);
    if (endpoint === null || delivery === null) return { kind: 'done' }; // deleted meanwhile
    if (
      delivery.generation !== message.generation ||
      delivery.status === 'delivered' ||
      delivery.status === 'dead'
    ) {
      return { kind: 'done' }; // superseded by a retry, or already settled
    }
    if (!endpoint.enabled) {
      await store.updateDelivery({ ...delivery, status: 'cancelled' }, delivery.generation);
      return { kind: 'done' };
    }
    if (!(await store.takeRateToken(endpoint.id, options.ratePerSecond, now))) {
      return { kind: 'later', seconds: 1 };
    }
    const key = {
      deliveryId: message.deliveryId,
      endpointId: message.endpointId,
      tenant: message.tenant,
      generation: message.generation,
      attempt: message.attempt,
    };
    const outcome = await this.#send(key, endpoint, delivery);
    await this.#follow(outcome, endpoint, delivery, message);
    return { kind: 'done' };
  }

  /**
   * One attempt: sign, send, record. Returns what happened; runs at most once per key. The records
   * are the ones `handle` has just read (reading them again here cost two requests per delivery).
   */
  async #attempt(
    key: AttemptKey,
    endpoint: EndpointRecord,
    delivery: DeliveryRecord,
  ): Promise<AttemptOutcome> {
    const { store, client } = this.#deps;
    const now = this.#clock();
    const headers = signedHeaders(signingSecrets(endpoint, now), delivery.eventId, delivery.body, now);
    const result = await client(endpoint.url, headers, delivery.body);
    const attemptedAt = new Date(now).toISOString();
    const outcome = { ...classify(result), attemptedAt };
    // Two different items: the attempt's record and the delivery's state.
    await Promise.all([
      store.recordAttempt(endpoint.id, {
        deliveryId: delivery.deliveryId,
        eventId: delivery.eventId,
        eventType: delivery.eventType,
        attempt: key.attempt,
        at: attemptedAt,
        outcome: outcome.outcome,
        statusCode: outcome.statusCode,
        durationMs: result.durationMs,
        responseExcerpt: result.kind === 'response' ? result.excerpt.slice(0, 512) : null,
        error: result.kind === 'error' ? `${result.reason}: ${result.message}` : null,
      }),
      store.updateDelivery(
        {
          ...delivery,
          attempts: key.attempt,
          lastAttemptAt: attemptedAt,
          status: outcome.outcome === 'delivered' ? 'delivered' : 'pending',
        },
        key.generation,
      ),
    ]);
    return outcome;
  }

  async #follow(
    outcome: AttemptOutcome,
    endpoint: EndpointRecord,
    delivery: DeliveryRecord,
    message: DeliveryMessage,
  ) {
    const { store, queue, options } = this.#deps;
    const now = this.#clock();
    if (outcome.outcome === 'delivered') {
      if (endpoint.failingSince !== null)
        await store.setHealth(endpoint.tenant, endpoint.id, { failingSince: null });
      return;
    }
    if (outcome.outcome === 'gone') {
      await store.setHealth(endpoint.tenant, endpoint.id, {
        enabled: false,
        disabledReason: 'the endpoint answered 410 Gone',
      });
      await store.updateDelivery(
        { ...delivery, attempts: message.attempt, lastAttemptAt: outcome.attemptedAt, status: 'cancelled' },
        delivery.generation,
      );
      return;
    }
    const failingSince = endpoint.failingSince ?? new Date(now).toISOString();
    if (endpoint.failingSince === null) await store.setHealth(endpoint.tenant, endpoint.id, { failingSince });
    if (now - Date.parse(failingSince) > options.disableAfterMs) {
      await store.setHealth(endpoint.tenant, endpoint.id, {
        enabled: false,
        disabledReason: `every delivery failed since ${failingSince}`,
      });
    }
    const delay = retryDelaySeconds(
      message.attempt,
      options.schedule,
      outcome.retryAfterSeconds,
      this.#deps.random,
    );
    if (delay === null) {
      await store.updateDelivery(
        { ...delivery, attempts: message.attempt, lastAttemptAt: outcome.attemptedAt, status: 'dead' },
        delivery.generation,
      );
      await queue.deadLetter(message);
      return;
    }
    await queue.deliver(
      [{ ...message, attempt: message.attempt + 1, notBefore: now + Math.round(delay * 1000) }],
      delay,
    );
  }
}

function classify(result: SendResult): Omit<AttemptOutcome, 'attemptedAt'> {
  if (result.kind === 'error') {
    return {
      outcome: result.reason === 'refused' ? 'refused' : 'failed',
      statusCode: null,
      retryAfterSeconds: null,
    };
  }
  const { statusCode, retryAfterSeconds } = result;
  if (statusCode >= 200 && statusCode < 300)
    return { outcome: 'delivered', statusCode, retryAfterSeconds: null };
  if (statusCode === 410) return { outcome: 'gone', statusCode, retryAfterSeconds: null };
  return { outcome: 'failed', statusCode, retryAfterSeconds };
}
