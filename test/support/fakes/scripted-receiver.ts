import type { DeliveryClient, SendResult } from '../../../shared/webhooks/delivery-client.ts';

/**
 * A webhook receiver in memory: answers each POST with the next scripted result for its URL (2xx
 * once the script is spent) and keeps every request it got, so that tests see the exact headers
 * and bytes a receiver would.
 */

export interface ReceivedPost {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** An answer with a status (and a Retry-After in seconds). */
export function answer(statusCode: number, retryAfterSeconds: number | null = null): SendResult {
  return { kind: 'response', statusCode, retryAfterSeconds, excerpt: '', durationMs: 1 };
}

/** No answer: a refused target, a timeout or a network failure. */
export function failure(reason: 'refused' | 'connect-timeout' | 'timeout' | 'network'): SendResult {
  return { kind: 'error', reason, message: reason, durationMs: 1 };
}

export class ScriptedReceiver {
  readonly received: ReceivedPost[] = [];
  readonly #scripts = new Map<string, SendResult[]>();

  /** Answers the next POSTs to `url` with these results, in order. */
  script(url: string, ...results: SendResult[]): this {
    this.#scripts.set(url, [...(this.#scripts.get(url) ?? []), ...results]);
    return this;
  }

  readonly client: DeliveryClient = async (url, headers, body) => {
    this.received.push({ url, headers: { ...headers }, body });
    return this.#scripts.get(url)?.shift() ?? answer(204);
  };
}
