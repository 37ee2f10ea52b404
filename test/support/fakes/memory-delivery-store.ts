import type { Clock } from '../../../shared/clock.ts';
import type { DeliveryAttempt } from '../../../shared/webhooks/delivery-store.ts';
import { DeliveryRecord, type DeliveryStore } from '../../../shared/webhooks/delivery-store.ts';
import { dueShard } from '../../../shared/webhooks/dynamo-delivery-store.ts';
import { byKey } from './key-order.ts';

/**
 * Deliveries in memory, with the semantics of the DynamoDB store (dynamo-delivery-store.ts): a
 * delivery is created once, replaced only at the generation the writer read (or when it does not
 * exist), restarted as the next generation, and listed as due (by `<dueAt>#<endpointId>#<id>`,
 * in the shard of its id) while pending with a due time. Attempts come newest first. With a
 * clock, deliveries and attempts expire 30 days after their last write, as DynamoDB's time to
 * live removes them.
 */

const RETENTION_MS = 30 * 86_400_000;

type Seed = Parameters<DeliveryStore['restart']>[0];

export class MemoryDeliveryStore implements DeliveryStore {
  /** `<endpointId>|<deliveryId>` → the record (JSON) and when it expires. */
  readonly #deliveries = new Map<string, { record: string; expiresAtMs: number }>();
  /** endpoint id → attempt sort key (`<at>#<deliveryId>#<n>`) → attempt. */
  readonly #attempts = new Map<string, Map<string, { attempt: string; expiresAtMs: number }>>();
  /** `<endpointId>|<epoch second>` → tokens taken in that second. */
  readonly #windows = new Map<string, number>();
  readonly #lastRecover = new Map<string, number>();
  readonly #clock: Clock | undefined;

  constructor(options: { clock?: Clock } = {}) {
    this.#clock = options.clock;
  }

  #alive(expiresAtMs: number): boolean {
    return this.#clock === undefined || expiresAtMs > this.#clock();
  }

  #stored(endpointId: string, deliveryId: string): DeliveryRecord | null {
    const entry = this.#deliveries.get(`${endpointId}|${deliveryId}`);
    if (entry === undefined || !this.#alive(entry.expiresAtMs)) return null;
    return DeliveryRecord.parse(JSON.parse(entry.record));
  }

  #put(record: DeliveryRecord, now: number): void {
    this.#deliveries.set(`${record.endpointId}|${record.deliveryId}`, {
      record: JSON.stringify(record),
      expiresAtMs: now + RETENTION_MS,
    });
  }

  async create(record: DeliveryRecord, now: number): Promise<'created' | DeliveryRecord> {
    const existing = this.#stored(record.endpointId, record.deliveryId);
    if (existing !== null) return existing;
    this.#put(record, now);
    return 'created';
  }

  async get(endpointId: string, deliveryId: string): Promise<DeliveryRecord | null> {
    return this.#stored(endpointId, deliveryId);
  }

  async update(record: DeliveryRecord, expectedGeneration: number, now: number): Promise<boolean> {
    const existing = this.#stored(record.endpointId, record.deliveryId);
    if (existing !== null && existing.generation !== expectedGeneration) return false;
    this.#put(record, now);
    return true;
  }

  async restart(seed: Seed, now: number): Promise<DeliveryRecord> {
    const existing = this.#stored(seed.endpointId, seed.deliveryId);
    const record: DeliveryRecord = {
      ...seed,
      generation: (existing?.generation ?? 0) + 1,
      status: 'pending',
      attempts: 0,
      lastAttemptAt: null,
      dueAt: new Date(now).toISOString(),
      requeues: 0,
    };
    this.#put(record, now);
    return record;
  }

  async recordAttempt(endpointId: string, attempt: DeliveryAttempt, now: number): Promise<void> {
    const attempts = this.#attempts.get(endpointId) ?? new Map();
    attempts.set(`${attempt.at}#${attempt.deliveryId}#${attempt.attempt}`, {
      attempt: JSON.stringify(attempt),
      expiresAtMs: now + RETENTION_MS,
    });
    this.#attempts.set(endpointId, attempts);
  }

  async attempts(
    endpointId: string,
    limit: number,
    cursor: string | null,
  ): Promise<{ attempts: DeliveryAttempt[]; next: string | null }> {
    const page = [...(this.#attempts.get(endpointId) ?? new Map()).entries()]
      .filter(
        ([sortKey, entry]) =>
          this.#alive(entry.expiresAtMs) && (cursor === null || byKey(sortKey, cursor) < 0),
      )
      .sort(([a], [b]) => byKey(b, a))
      .slice(0, limit);
    return {
      attempts: page.map(([, entry]) => JSON.parse(entry.attempt) as DeliveryAttempt),
      // A query that stops at its limit answers where it stopped, whether or not anything follows.
      next: page.length === limit ? (page.at(-1)?.[0] ?? null) : null,
    };
  }

  async due(shard: number, before: string, limit: number): Promise<DeliveryRecord[]> {
    return [...this.#deliveries.values()]
      .filter((entry) => this.#alive(entry.expiresAtMs))
      .map((entry) => DeliveryRecord.parse(JSON.parse(entry.record)))
      .filter(
        (record) =>
          record.status === 'pending' && record.dueAt !== null && dueShard(record.deliveryId) === shard,
      )
      .map((record) => ({ record, sortKey: `${record.dueAt}#${record.endpointId}#${record.deliveryId}` }))
      .filter((entry) => byKey(entry.sortKey, before) < 0)
      .sort((a, b) => byKey(a.sortKey, b.sortKey))
      .slice(0, limit)
      .map((entry) => entry.record);
  }

  async takeRateToken(endpointId: string, perSecond: number, now: number): Promise<boolean> {
    const window = `${endpointId}|${Math.floor(now / 1000)}`;
    const hits = this.#windows.get(window) ?? 0;
    if (hits >= perSecond) return false;
    this.#windows.set(window, hits + 1);
    return true;
  }

  async takeRecoverSlot(endpointId: string, cooldownMs: number, now: number): Promise<number | null> {
    const last = this.#lastRecover.get(endpointId);
    if (last === undefined || last <= now - cooldownMs) {
      this.#lastRecover.set(endpointId, now);
      return null;
    }
    return Math.max(1, Math.ceil((last + cooldownMs - now) / 1000));
  }

  /** Every stored delivery, for assertions. */
  all(): DeliveryRecord[] {
    return [...this.#deliveries.values()]
      .filter((entry) => this.#alive(entry.expiresAtMs))
      .map((entry) => DeliveryRecord.parse(JSON.parse(entry.record)));
  }
}
