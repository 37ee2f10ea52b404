import type { Context } from 'aws-lambda';

/**
 * A signal that aborts when the invocation's remaining time falls below `marginMs`, checked every
 * `everyMs`. Long loops and the provider calls inside them watch it, so a walk hands over its
 * progress before Lambda stops it, and a local runtime that is shutting down (it ends its
 * invocations' time) stops every walk within a few seconds. `stop` ends the watching.
 */
export function deadlineSignal(context: Context, marginMs: number, everyMs = 250) {
  const controller = new AbortController();
  const check = () => {
    if (context.getRemainingTimeInMillis() < marginMs) {
      controller.abort(new Error('the invocation is running out of time'));
      clearInterval(timer);
    }
  };
  const timer = setInterval(check, everyMs);
  check();
  return { signal: controller.signal, stop: () => clearInterval(timer) };
}
