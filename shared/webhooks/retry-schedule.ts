/**
 * When a failed delivery is tried again: after attempt n fails, attempt n+1 follows
 * `schedule[n]` seconds later, with ±20% jitter so that a recovering receiver is not hit by every
 * delivery at once. A Retry-After the receiver sent is honoured within bounds (never beyond 12 h,
 * the longest SQS visibility). Past the last entry the delivery is dead-lettered.
 */
export const DEFAULT_RETRY_SCHEDULE_SECONDS = [0, 5, 300, 1800, 7200, 18_000, 36_000, 36_000];

const MAX_DELAY_SECONDS = 12 * 3600;

export function retryDelaySeconds(
  failedAttempt: number,
  schedule: readonly number[],
  retryAfterSeconds: number | null,
  random: () => number = Math.random,
): number | null {
  const base = schedule[failedAttempt];
  if (base === undefined) return null;
  const jittered = base * (0.8 + 0.4 * random());
  const wanted = retryAfterSeconds === null ? jittered : Math.max(jittered, retryAfterSeconds);
  return Math.min(MAX_DELAY_SECONDS, wanted);
}
