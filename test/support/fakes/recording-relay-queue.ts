import type { Clock } from '../../../shared/clock.ts';
import type { DeliveryMessage, RecoverJob } from '../../../shared/webhooks/relay-messages.ts';
import { MAX_SQS_DELAY_SECONDS, type RelayQueue } from '../../../shared/webhooks/relay-queue.ts';

/**
 * The relay's queues in memory. Keeps every message with the delay it was handed (as the worker
 * asked for it) and, like SQS, makes it visible after that delay floored to whole seconds and
 * capped at 15 minutes, on the injected clock.
 */

export interface QueuedDelivery {
  message: DeliveryMessage;
  /** The delay as the sender asked for it. */
  delaySeconds: number;
  /** When SQS would let a consumer receive it (epoch ms). */
  visibleAt: number;
}

export class RecordingRelayQueue implements RelayQueue {
  readonly #clock: Clock;
  /** Every delivery message sent, in order (received or not). */
  readonly sent: QueuedDelivery[] = [];
  readonly deadLetters: DeliveryMessage[] = [];
  readonly recovers: RecoverJob[] = [];
  readonly #waiting: QueuedDelivery[] = [];

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  async deliver(messages: readonly DeliveryMessage[], delaySeconds = 0): Promise<void> {
    const applied = Math.min(MAX_SQS_DELAY_SECONDS, Math.max(0, Math.floor(delaySeconds)));
    for (const message of messages) {
      const queued = {
        message: structuredClone(message),
        delaySeconds,
        visibleAt: this.#clock() + applied * 1000,
      };
      this.sent.push(queued);
      this.#waiting.push(queued);
    }
  }

  async deadLetter(message: DeliveryMessage): Promise<void> {
    this.deadLetters.push(structuredClone(message));
  }

  async recover(job: RecoverJob): Promise<void> {
    this.recovers.push(structuredClone(job));
  }

  /** Takes the messages visible now, oldest first. */
  receive(): DeliveryMessage[] {
    const now = this.#clock();
    const visible = this.#waiting.filter((queued) => queued.visibleAt <= now);
    for (const queued of visible) this.#waiting.splice(this.#waiting.indexOf(queued), 1);
    return visible.map((queued) => queued.message);
  }

  /** When the next waiting message becomes visible, or null when none waits. */
  nextVisibleAt(): number | null {
    return this.#waiting.length === 0 ? null : Math.min(...this.#waiting.map((queued) => queued.visibleAt));
  }

  /** How many messages wait (visible or not). */
  get waiting(): number {
    return this.#waiting.length;
  }
}
