import { reportActivity } from '../activity.ts';
import { type Clock, systemClock } from '../clock.ts';
import type { DeliveryClient, SendResult } from './delivery-client.ts';
import type { DeliveryAttempt, DeliveryRecord, DeliveryStore } from './delivery-store.ts';
import type { EndpointEligibility } from './endpoint-access.ts';
import type { EndpointStore } from './endpoint-store.ts';
import type { DeliveryMessage } from './relay-messages.ts';
import { MAX_SQS_DELAY_SECONDS, type RelayQueue } from './relay-queue.ts';
import { retryDelaySeconds } from './retry-schedule.ts';
import { endpointContext, type SecretSealer } from './secret-sealing.ts';
import { signedHeaders, signingSecrets } from './signing.ts';
import type { EndpointRecord } from './webhook.ts';

/**
 * Sends one delivery attempt and decides what follows: done (delivered, dead-lettered, the
 * endpoint gone, disabled or no longer allowed the event) or a later attempt per the retry schedule.
 * Outcomes:
 * - 2xx: delivered; 3xx: a failure (redirects are never followed); 410: the endpoint is disabled;
 *   anything else, timeouts and refused targets: a failure to retry;
 * - after the last scheduled attempt the delivery is dead-lettered (recoverable by retry/recover);
 * - an endpoint failing without a success for `disableAfterMs` is disabled.
 *
 * Waiting (an attempt not due yet, a spent rate window, a later retry) is always a fresh message
 * with a delay, never the same message made invisible again, so waiting does not count toward the
 * queue's receive limit: only real failures of the handler move a message to its dead letters.
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
  /** Seconds until the next attempt; null when none follows. Decided once, with the attempt. */
  retryInSeconds: number | null;
  /** False when the delivery was restarted meanwhile: its new generation goes on by itself. */
  current?: boolean;
}

/** The key comes first: the idempotency layer hashes the first argument only. */
export type SendAttempt = (
  key: AttemptKey,
  endpoint: EndpointRecord,
  delivery: DeliveryRecord,
) => Promise<AttemptOutcome>;

export type Verdict =
  | { kind: 'done'; outcome: DeliveryAttempt['outcome'] | 'skipped' | 'cancelled' }
  | { kind: 'deferred'; seconds: number; reason: 'not-due' | 'rate-limited' };

export interface DeliveryWorkerOptions {
  /** Seconds before each retry (see retry-schedule.ts). */
  schedule: readonly number[];
  /** Deliveries per second to one endpoint, across all workers. @default 10 */
  ratePerSecond: number;
  /** An endpoint failing this long without a success is disabled. @default 5 days */
  disableAfterMs: number;
}

export interface DeliveryWorkerDependencies {
  endpoints: EndpointStore;
  deliveries: DeliveryStore;
  eligibility: EndpointEligibility;
  sealer: SecretSealer;
  client: DeliveryClient;
  queue: RelayQueue;
  options: DeliveryWorkerOptions;
  /** Wraps the send so that it runs at most once per key (its first argument). */
  idempotent?: (send: SendAttempt) => SendAttempt;
  clock?: Clock;
  random?: () => number;
}

export class DeliveryWorker {
  readonly #deps: DeliveryWorkerDependencies;
  readonly #clock: Clock;
  readonly #send: SendAttempt;

  constructor(dependencies: DeliveryWorkerDependencies) {
    this.#deps = dependencies;
    this.#clock = dependencies.clock ?? systemClock;
    const send: SendAttempt = (key, endpoint, delivery) => this.#attempt(key, endpoint, delivery);
    this.#send = dependencies.idempotent ? dependencies.idempotent(send) : send;
  }

  async handle(message: DeliveryMessage): Promise<Verdict> {
    const { endpoints, deliveries, options } = this.#deps;
    const now = this.#clock();
    if (message.notBefore > now)
      return this.defer(message, Math.ceil((message.notBefore - now) / 1000), 'not-due');
    const [endpoint, delivery] = await Promise.all([
      endpoints.get(message.tenant, message.endpointId),
      deliveries.get(message.endpointId, message.deliveryId),
    ]);
    if (delivery === null) return { kind: 'done', outcome: 'skipped' };
    if (
      delivery.generation !== message.generation ||
      delivery.status !== 'pending' ||
      delivery.attempts >= message.attempt
    ) {
      return { kind: 'done', outcome: 'skipped' }; // superseded by a retry, settled, or this attempt already ran
    }
    if (endpoint === null) {
      // The endpoint was deleted: nothing will ever send this delivery.
      await deliveries.update({ ...delivery, status: 'cancelled', dueAt: null }, delivery.generation, now);
      return { kind: 'done', outcome: 'cancelled' };
    }
    const refusal = !endpoint.enabled
      ? 'disabled'
      : delivery.connection === null
        ? null
        : await this.#deps.eligibility.refusal(endpoint, delivery.connection);
    if (refusal !== null) {
      await deliveries.update({ ...delivery, status: 'cancelled', dueAt: null }, delivery.generation, now);
      return { kind: 'done', outcome: 'cancelled' };
    }
    if (!(await deliveries.takeRateToken(endpoint.id, options.ratePerSecond, now))) {
      return this.defer(message, 1, 'rate-limited');
    }
    const outcome = await this.#send(
      {
        deliveryId: message.deliveryId,
        endpointId: message.endpointId,
        tenant: message.tenant,
        generation: message.generation,
        attempt: message.attempt,
      },
      endpoint,
      delivery,
    );
    // A restart during the attempt superseded this generation: no next attempt of it, and its
    // outcome no longer speaks for the endpoint's health.
    if (outcome.current !== false) await this.#follow(outcome, endpoint, message);
    return { kind: 'done', outcome: outcome.outcome };
  }

  /** Waits as a fresh message (at most SQS's 15 minutes at a time; longer waits repeat). */
  async defer(
    message: DeliveryMessage,
    seconds: number,
    reason: 'not-due' | 'rate-limited',
  ): Promise<Verdict> {
    const delay = Math.min(MAX_SQS_DELAY_SECONDS, Math.max(1, seconds));
    await this.#deps.queue.deliver([message], delay);
    return { kind: 'deferred', seconds: delay, reason };
  }

  /**
   * One attempt: sign, send, record, and decide when the next one is due. Runs at most once per
   * key. The records are the ones `handle` has just read (reading them again cost two requests).
   */
  async #attempt(
    key: AttemptKey,
    endpoint: EndpointRecord,
    delivery: DeliveryRecord,
  ): Promise<AttemptOutcome> {
    const { deliveries, client, sealer, options } = this.#deps;
    const now = this.#clock();
    const context = endpointContext(endpoint.tenant, endpoint.id);
    const secrets = await Promise.all(
      signingSecrets(endpoint, now).map((secret) => sealer.open(secret, context, now)),
    );
    const headers = signedHeaders(secrets, delivery.eventId, delivery.body, now);
    if (delivery.correlationId !== null) headers['webhook-correlation-id'] = delivery.correlationId;
    const result = await client(endpoint.url, headers, delivery.body);
    const attemptedAt = new Date(now).toISOString();
    const classified = classify(result);
    const retryInSeconds =
      classified.outcome === 'delivered' || classified.outcome === 'gone'
        ? null
        : retryDelaySeconds(key.attempt, options.schedule, classified.retryAfterSeconds, this.#deps.random);
    const dueAt =
      retryInSeconds === null ? null : new Date(now + Math.round(retryInSeconds * 1000)).toISOString();
    // The delivery's state after this attempt, written with it: a crash before what follows (the
    // next message, the endpoint's health) leaves a pending delivery that the reconciler queues.
    const status: DeliveryRecord['status'] =
      classified.outcome === 'delivered'
        ? 'delivered'
        : classified.outcome === 'gone'
          ? 'cancelled'
          : retryInSeconds === null
            ? 'dead'
            : 'pending';
    // Two different items: the attempt's record and the delivery's state.
    const [, current] = await Promise.all([
      deliveries.recordAttempt(
        endpoint.id,
        {
          deliveryId: delivery.deliveryId,
          eventId: delivery.eventId,
          eventType: delivery.eventType,
          attempt: key.attempt,
          at: attemptedAt,
          outcome: classified.outcome,
          statusCode: classified.statusCode,
          durationMs: result.durationMs,
          responseExcerpt: result.kind === 'response' ? result.excerpt.slice(0, 512) : null,
          error: result.kind === 'error' ? `${result.reason}: ${result.message}` : null,
          nextAttemptAt: dueAt,
        },
        now,
      ),
      deliveries.update(
        {
          ...delivery,
          attempts: key.attempt,
          lastAttemptAt: attemptedAt,
          status,
          dueAt,
        },
        key.generation,
        now,
      ),
    ]);
    reportActivity({
      kind: 'delivery',
      endpointId: endpoint.id,
      target: activityTarget(endpoint.url),
      eventType: delivery.eventType,
      attempt: key.attempt,
      outcome: result.kind === 'error' ? `${classified.outcome} (${result.reason})` : classified.outcome,
      statusCode: classified.statusCode,
      durationMs: result.durationMs,
      retryInSeconds,
    });
    return {
      outcome: classified.outcome,
      attemptedAt,
      statusCode: classified.statusCode,
      retryInSeconds,
      current,
    };
  }

  /** What an attempt's outcome means for the endpoint's health and for the next message. */
  async #follow(outcome: AttemptOutcome, endpoint: EndpointRecord, message: DeliveryMessage) {
    const { endpoints, queue, options } = this.#deps;
    const now = this.#clock();
    if (outcome.outcome === 'delivered') {
      if (endpoint.failingSince !== null)
        await endpoints.setHealth(endpoint.tenant, endpoint.id, { failingSince: null });
      return;
    }
    if (outcome.outcome === 'gone') {
      await endpoints.setHealth(endpoint.tenant, endpoint.id, {
        enabled: false,
        disabledReason: 'the endpoint answered 410 Gone',
      });
      return;
    }
    const failingSince = endpoint.failingSince ?? new Date(now).toISOString();
    if (endpoint.failingSince === null)
      await endpoints.setHealth(endpoint.tenant, endpoint.id, { failingSince });
    if (now - Date.parse(failingSince) > options.disableAfterMs) {
      await endpoints.setHealth(endpoint.tenant, endpoint.id, {
        enabled: false,
        disabledReason: `every delivery failed since ${failingSince}`,
      });
    }
    if (outcome.retryInSeconds === null) {
      await queue.deadLetter(message);
      return;
    }
    const next: DeliveryMessage = {
      ...message,
      attempt: message.attempt + 1,
      notBefore: now + Math.round(outcome.retryInSeconds * 1000),
    };
    await queue.deliver([next], outcome.retryInSeconds);
  }
}

function classify(result: SendResult): {
  outcome: DeliveryAttempt['outcome'];
  statusCode: number | null;
  retryAfterSeconds: number | null;
} {
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

/** An endpoint as an activity line shows it: origin and path, never the query (it may hold a token). */
function activityTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
