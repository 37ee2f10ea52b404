import { randomBytes } from 'node:crypto';
import type { DataKeys, SealingContext } from '../../../shared/webhooks/secret-sealing.ts';

/**
 * A key keeper in memory: data keys are random, "wrapped" as an opaque handle, and only opened
 * under the context they were made for, as KMS's encryption context (and the local key file's
 * additional data) bind them.
 */
export class MemoryDataKeys implements DataKeys {
  readonly #keys = new Map<string, { key: Buffer; context: string }>();
  unwraps = 0;

  async generate(context: SealingContext) {
    const plaintext = randomBytes(32);
    const wrapped = `wrapped_${randomBytes(12).toString('hex')}`;
    this.#keys.set(wrapped, { key: Buffer.from(plaintext), context: contextText(context) });
    return { plaintext, wrapped };
  }

  async unwrap(wrapped: string, context: SealingContext) {
    this.unwraps++;
    const entry = this.#keys.get(wrapped);
    if (entry === undefined || entry.context !== contextText(context))
      throw new Error('the data key does not open under this context');
    return Buffer.from(entry.key);
  }
}

function contextText(context: SealingContext): string {
  return JSON.stringify(Object.entries(context).sort(([a], [b]) => (a < b ? -1 : 1)));
}
