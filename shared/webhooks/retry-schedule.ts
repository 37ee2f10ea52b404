/**
 * When a failed delivery is tried again: after attempt n fails, attempt n+1 follows
 * `schedule[n - 1]` seconds later (so the first retry comes after `schedule[0]`, 0 s by default),
 * with ±20% jitter so that a recovering receiver is not hit by every delivery at once. A
 * Retry-After the receiver sent is honoured within bounds (never beyond 12 h). Past the last entry
 * the delivery is dead-lettered: with the default schedule, 9 attempts over about 37 hours.
 */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18_000, 36_000, 36_000];

const MAX_DELAY_SECONDS = 12 * 3600;

export function retryDelaySeconds(
  failedAttempt: number,
  schedule: readonly number[],
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | null {
  const base = schedule[failedAttempt - 1];
  if (base === undefined) return null;
  const jittered = base * (0.8 + 0.4 * random());
  const wanted = retryAfterSeconds === null ? jittered : Math.max(jittered, retryAfterSeconds);
  return Math.min(MAX_DELAY_SECONDS, wanted);
}
