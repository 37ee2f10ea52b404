import type { Clock } from '../clock.ts';
import { DUE_SHARDS } from '../storage/keys.ts';
import type { DeliveryStore } from './delivery-store.ts';
import type { DeliveryMessage } from './relay-messages.ts';
import type { RelayQueue } from './relay-queue.ts';

/**
 * Finds deliveries whose message was lost (a handler crashed between its writes, a queue send
 * failed, a message was dead-lettered by SQS) and queues them again. A pending delivery always
 * says when its next attempt is due; one still pending `graceMs` after that has no message that
 * will ever handle it. Queuing one again pushes its due time on by another grace period, so a
 * delivery that keeps crashing its handler is queued at most once per period, and after
 * `maxRequeues` it is dead-lettered instead (it stays recoverable).
 */

export interface ReconcilerOptions {
  /** How long past due a delivery may stay before it counts as lost. @default 5 minutes */
  graceMs: number;
  /** @default 10 */
  maxRequeues: number;
  /** Deliveries looked at per shard and run. @default 200 */
  batch: number;
}

export const DEFAULT_RECONCILER_OPTIONS: ReconcilerOptions = {
  graceMs: 5 * 60_000,
  maxRequeues: 10,
  batch: 200,
};

export interface ReconcileOutcome {
  requeued: number;
  deadLettered: number;
}

export class DeliveryReconciler {
  readonly #deliveries: DeliveryStore;
  readonly #queue: RelayQueue;
  readonly #clock: Clock;
  readonly #options: ReconcilerOptions;

  constructor(dependencies: {
    deliveries: DeliveryStore;
    queue: RelayQueue;
    clock: Clock;
    options?: Partial<ReconcilerOptions>;
  }) {
    this.#deliveries = dependencies.deliveries;
    this.#queue = dependencies.queue;
    this.#clock = dependencies.clock;
    this.#options = { ...DEFAULT_RECONCILER_OPTIONS, ...dependencies.options };
  }

  async run(): Promise<ReconcileOutcome> {
    const now = this.#clock();
    const before = new Date(now - this.#options.graceMs).toISOString();
    const outcome: ReconcileOutcome = { requeued: 0, deadLettered: 0 };
    for (let shard = 0; shard < DUE_SHARDS; shard++) {
      for (const delivery of await this.#deliveries.due(shard, before, this.#options.batch)) {
        const message: DeliveryMessage = {
          kind: 'delivery',
          deliveryId: delivery.deliveryId,
          endpointId: delivery.endpointId,
          tenant: delivery.tenant,
          generation: delivery.generation,
          attempt: delivery.attempts + 1,
          notBefore: 0,
        };
        if (delivery.requeues >= this.#options.maxRequeues) {
          const settled = await this.#deliveries.update(
            { ...delivery, status: 'dead', dueAt: null },
            delivery.generation,
            now,
          );
          // Restarted meanwhile: the new generation is alive and has a message of its own.
          if (!settled) continue;
          await this.#queue.deadLetter(message);
          outcome.deadLettered++;
          continue;
        }
        const moved = await this.#deliveries.update(
          {
            ...delivery,
            requeues: delivery.requeues + 1,
            dueAt: new Date(now + this.#options.graceMs).toISOString(),
          },
          delivery.generation,
          now,
        );
        if (!moved) continue; // restarted meanwhile: its new generation has a message of its own
        await this.#queue.deliver([message]);
        outcome.requeued++;
      }
    }
    return outcome;
  }
}
