/**
 * The time, as every domain module sees it. Handlers pass `systemClock`; unit tests pass a clock
 * they move by hand, so that retries, leases, cooldowns and expiries are tested without waiting
 * and without asserting on wall-clock gaps.
 */
export type Clock = () => number;

export const systemClock: Clock = () => Date.now();

/** RFC 3339 UTC text of a clock's reading. */
export function isoAt(clock: Clock): string {
  return new Date(clock()).toISOString();
}
