import * as z from 'zod';
import { Random } from './fake-data.ts';

/**
 * Fault knobs of a sandbox provider, set over HTTP (`PUT <sandbox>/faults`) or in code. Rates are
 * drawn from a seeded generator, so a test with the same settings sees the same faults.
 */
export const FaultSettings = z.strictObject({
  /** Added to every provider request before it is answered. */
  latencyMs: z.number().int().min(0).max(120_000).default(0),
  /** Share of requests answered with `errorStatus`. */
  errorRate: z.number().min(0).max(1).default(0),
  errorStatus: z.number().int().min(500).max(599).default(503),
  /** Share of requests answered 429 with `Retry-After: retryAfterSeconds`. */
  rateLimitRate: z.number().min(0).max(1).default(0),
  retryAfterSeconds: z.number().int().min(0).max(3600).default(1),
  /** Share of successful answers whose body is cut in half. */
  malformedRate: z.number().min(0).max(1).default(0),
  /**
   * After `after` more requests succeed (default 0), the next `count` fail with `status` (and
   * Retry-After when given), then service resumes: a provider failing mid-walk.
   */
  failNext: z
    .strictObject({
      count: z.number().int().min(1).max(10_000),
      status: z.number().int().min(400).max(599),
      retryAfterSeconds: z.number().int().min(0).max(3600).optional(),
      after: z.number().int().min(0).max(10_000).optional(),
    })
    .nullable()
    .default(null),
  seed: z.number().int().default(1),
});
export type FaultSettings = z.infer<typeof FaultSettings>;

export type FaultDecision =
  | { kind: 'none' }
  | { kind: 'status'; status: number; retryAfterSeconds: number | null }
  | { kind: 'malformed' };

export class FaultInjector {
  #settings: FaultSettings = FaultSettings.parse({});
  #random = new Random(1);
  #remainingFailures = 0;
  #remainingSuccesses = 0;
  readonly #onChange: (settings: FaultSettings) => void;

  /** `onChange` hears every new setting, over HTTP or in code (a sandbox keeping its state does). */
  constructor(onChange: (settings: FaultSettings) => void = () => {}) {
    this.#onChange = onChange;
  }

  get settings(): FaultSettings {
    return this.#settings;
  }

  configure(input: unknown): FaultSettings {
    this.#settings = FaultSettings.parse(input);
    this.#random = new Random(this.#settings.seed);
    this.#remainingFailures = this.#settings.failNext?.count ?? 0;
    this.#remainingSuccesses = this.#settings.failNext?.after ?? 0;
    this.#onChange(this.#settings);
    return this.#settings;
  }

  reset(): void {
    this.configure({});
  }

  /** Decides what happens to the next provider request. */
  decide(): FaultDecision {
    const settings = this.#settings;
    if (this.#remainingSuccesses > 0) {
      this.#remainingSuccesses--;
    } else if (this.#remainingFailures > 0 && settings.failNext !== null) {
      this.#remainingFailures--;
      return {
        kind: 'status',
        status: settings.failNext.status,
        retryAfterSeconds: settings.failNext.retryAfterSeconds ?? null,
      };
    }
    if (settings.rateLimitRate > 0 && this.#random.chance(settings.rateLimitRate)) {
      return { kind: 'status', status: 429, retryAfterSeconds: settings.retryAfterSeconds };
    }
    if (settings.errorRate > 0 && this.#random.chance(settings.errorRate)) {
      return { kind: 'status', status: settings.errorStatus, retryAfterSeconds: null };
    }
    if (settings.malformedRate > 0 && this.#random.chance(settings.malformedRate))
      return { kind: 'malformed' };
    return { kind: 'none' };
  }
}
