import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  circuitBreaker,
  DelegateBackoff,
  ExponentialBackoff,
  handleType,
  handleWhen,
  type IBackoff,
  type IRetryBackoffContext,
  retry,
  TaskCancelledError,
  TimeoutStrategy,
  timeout,
  wrap,
} from 'cockatiel';
import {
  InvoiceRelayError,
  MalformedResponse,
  RateLimited,
  UpstreamTimeout,
  UpstreamUnavailable,
} from '../errors.ts';

/**
 * The one way the product calls a provider: per-attempt timeout, retries with exponential backoff
 * and decorrelated jitter on 429 / 5xx / network errors (honouring Retry-After), and a circuit
 * breaker, all from cockatiel. One client per connection, so each connection has its own breaker.
 *
 * Redirects are never followed (a redirect could carry our credentials to another host); the
 * caller sees the 3xx and decides. Nothing here logs: URLs may carry credentials.
 */

export interface HttpRequest {
  method?: 'GET' | 'POST';
  url: URL;
  headers?: Record<string, string>;
  body?: string;
  /** Abandons the call (and its retries) when it aborts. */
  signal?: AbortSignal;
}

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: Buffer;
}

export interface ResilienceOptions {
  /** Time allowed for one attempt, body included. @default 5000 */
  timeoutMs: number;
  /** Retries after the first attempt. @default 2 */
  retries: number;
  /** First backoff delay before jitter. @default 100 */
  initialDelayMs: number;
  /** Upper bound of one backoff delay. @default 2000 */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for: the call fails with it at once. @default 5000 */
  maxRetryAfterMs: number;
  /** Consecutive failures (5xx, network, timeout) that open the circuit. @default 5 */
  breakerThreshold: number;
  /** How long the circuit stays open before one trial call. @default 30000 */
  breakerHalfOpenAfterMs: number;
  /** Larger bodies are refused as malformed. @default 16 MiB */
  maxBodyBytes: number;
}

export const DEFAULT_RESILIENCE: ResilienceOptions = {
  timeoutMs: 5000,
  retries: 2,
  initialDelayMs: 100,
  maxDelayMs: 2000,
  maxRetryAfterMs: 5000,
  breakerThreshold: 5,
  breakerHalfOpenAfterMs: 30_000,
  maxBodyBytes: 16 * 1024 * 1024,
};

export interface HttpClient {
  send(request: HttpRequest): Promise<HttpResponse>;
}

/** A failed attempt worth retrying: a 429/5xx answer, or no answer at all (`status` null). */
class RetryableFailure extends Error {
  readonly status: number | null;
  readonly retryAfterMs: number | null;
  constructor(status: number | null, retryAfterMs: number | null) {
    super(status === null ? 'connection failed' : `answered ${status}`);
    this.status = status;
    this.retryAfterMs = retryAfterMs;
  }
}

export function createHttpClient(provider: string, overrides: Partial<ResilienceOptions> = {}): HttpClient {
  const options = { ...DEFAULT_RESILIENCE, ...overrides };
  const exponential = new ExponentialBackoff({
    initialDelay: options.initialDelayMs,
    maxDelay: options.maxDelayMs,
  });
  const retryPolicy = retry(handleType(RetryableFailure), {
    maxAttempts: options.retries,
    backoff: new DelegateBackoff<IRetryBackoffContext<unknown>, IBackoff<unknown> | undefined>(
      (context, previous) => {
        const next = previous ? previous.next(context) : exponential.next();
        const failure = 'error' in context.result ? context.result.error : undefined;
        const retryAfter = failure instanceof RetryableFailure ? failure.retryAfterMs : null;
        return { delay: retryAfter ?? next.duration, state: next };
      },
    ),
  });
  const breakerPolicy = circuitBreaker(
    handleWhen(
      (error) =>
        (error instanceof RetryableFailure && error.status !== 429) || error instanceof TaskCancelledError,
    ),
    {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    },
  );
  // An attempt returns only once its body is read (or cancelled), so nothing of it is left to
  // abort on return; aborting anyway would build an AbortError (a DOMException with its stack) on
  // every successful call.
  const timeoutPolicy = timeout(options.timeoutMs, {
    strategy: TimeoutStrategy.Aggressive,
    abortOnReturn: false,
  });
  const policy = wrap(retryPolicy, breakerPolicy, timeoutPolicy);

  async function attempt(request: HttpRequest, signal: AbortSignal): Promise<HttpResponse> {
    let response: Response;
    try {
      response = await fetch(request.url, {
        method: request.method ?? 'GET',
        headers: request.headers ?? {},
        body: request.body ?? null,
        redirect: 'manual',
        signal,
      });
    } catch (error: unknown) {
      if (signal.aborted) throw error;
      throw new RetryableFailure(null, null);
    }
    if (response.status === 429 || response.status >= 500) {
      await response.body?.cancel();
      const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'));
      if (retryAfterMs !== null && retryAfterMs > options.maxRetryAfterMs) {
        throw translate(new RetryableFailure(response.status, retryAfterMs));
      }
      throw new RetryableFailure(response.status, retryAfterMs);
    }
    return { status: response.status, headers: response.headers, body: await readCapped(response) };
  }

  async function readCapped(response: Response): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (response.body === null) return Buffer.alloc(0);
    for await (const chunk of response.body) {
      size += chunk.byteLength;
      if (size > options.maxBodyBytes) {
        await response.body.cancel().catch(() => undefined);
        throw new MalformedResponse(provider, `response body larger than ${options.maxBodyBytes} bytes`);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks, size);
  }

  function translate(error: unknown): unknown {
    if (error instanceof RetryableFailure) {
      const seconds = error.retryAfterMs === null ? null : Math.ceil(error.retryAfterMs / 1000);
      if (error.status === 429) return new RateLimited(provider, seconds);
      if (error.status === null) return new UpstreamUnavailable(provider, 'connection failed');
      return new UpstreamUnavailable(provider, `answered ${error.status}`, seconds);
    }
    if (error instanceof TaskCancelledError) return new UpstreamTimeout(provider, options.timeoutMs);
    if (error instanceof BrokenCircuitError) {
      return new UpstreamUnavailable(
        provider,
        'circuit open after repeated failures',
        Math.ceil(options.breakerHalfOpenAfterMs / 1000),
      );
    }
    return error;
  }

  return {
    async send(request) {
      try {
        return await policy.execute(({ signal }) => attempt(request, signal), request.signal);
      } catch (error: unknown) {
        throw error instanceof InvoiceRelayError ? error : translate(error);
      }
    },
  };
}

/**
 * Retry-After as delta-seconds or an HTTP date, in milliseconds; null when absent or unreadable.
 * An HTTP date is measured from the wall clock by default, on purpose: the wait it sets is a real
 * timer (cockatiel's), not a time the product records.
 */
export function parseRetryAfter(value: string | null, now: number = Date.now()): number | null {
  if (value === null || value.trim() === '') return null;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}
