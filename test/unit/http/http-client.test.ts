import { afterEach, beforeEach, describe, expect, test, vi } from 'vitest';
import { RateLimited, UpstreamUnavailable } from '../../../shared/errors.ts';
import { createHttpClient } from '../../../shared/http/http-client.ts';
import { scriptFetch } from '../../support/fakes/scripted-fetch.ts';

/**
 * The provider client's waits, observed without waiting: the timers cockatiel sleeps on are fake,
 * and the test moves them by hand, so a retry is seen to happen exactly when Retry-After says
 * (and not a millisecond before) without measuring any wall-clock gap. Real HTTP is the
 * integration suite's part (test/integration/http-client.test.ts).
 */

const request = { url: new URL('https://provider.example/invoices') };

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  vi.setSystemTime(Date.parse('2026-01-01T00:00:00Z'));
});

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe('waiting before a retry', () => {
  test('a Retry-After in seconds is waited for in full before the retry, and no longer', async () => {
    const upstream = scriptFetch(
      { status: 503, headers: { 'retry-after': '1' } },
      { status: 200, body: '[]' },
    );
    const client = createHttpClient('fake', { initialDelayMs: 10, maxDelayMs: 20 });

    const response = client.send(request);
    await vi.advanceTimersByTimeAsync(999);
    const beforeTheWaitEnds = upstream.calls.length;
    await vi.advanceTimersByTimeAsync(1);
    const whenItEnds = upstream.calls.length;

    expect([beforeTheWaitEnds, whenItEnds]).toEqual([1, 2]);
    expect((await response).status).toBe(200);
  });

  test('a Retry-After as an HTTP date is waited for until that moment', async () => {
    const at = new Date(Date.now() + 3000).toUTCString();
    const upstream = scriptFetch(
      { status: 429, headers: { 'retry-after': at } },
      { status: 200, body: '[]' },
    );
    const client = createHttpClient('fake', { initialDelayMs: 10, maxDelayMs: 20 });

    const response = client.send(request);
    await vi.advanceTimersByTimeAsync(2999);
    const beforeTheWaitEnds = upstream.calls.length;
    await vi.advanceTimersByTimeAsync(1);

    expect([beforeTheWaitEnds, upstream.calls.length]).toEqual([1, 2]);
    expect((await response).status).toBe(200);
  });

  test('without a Retry-After the backoff stays within its bounds', async () => {
    const upstream = scriptFetch({ status: 502 }, { status: 200, body: '[]' });
    const client = createHttpClient('fake', { initialDelayMs: 100, maxDelayMs: 200 });

    const response = client.send(request);
    await vi.advanceTimersByTimeAsync(200);

    expect(upstream.calls).toHaveLength(2);
    expect((await response).status).toBe(200);
  });

  test('a Retry-After longer than the client may wait fails at once, saying when to come back', async () => {
    const upstream = scriptFetch({ status: 429, headers: { 'retry-after': '600' } });
    const client = createHttpClient('fake', { maxRetryAfterMs: 5000 });

    const error = await client.send(request).catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(RateLimited);
    expect(error).toMatchObject({ retryAfterSeconds: 600 });
    expect(upstream.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  test('retries run out after their count, each waiting for its Retry-After, and the last answer is reported', async () => {
    const unavailable = { status: 503, headers: { 'retry-after': '2' } };
    const upstream = scriptFetch(unavailable, unavailable, unavailable);
    const client = createHttpClient('fake', { retries: 2 });

    const outcome = client.send(request).catch((caught: unknown) => caught);
    await vi.advanceTimersByTimeAsync(1999);
    const afterFirstWait = upstream.calls.length;
    await vi.advanceTimersByTimeAsync(2001);

    expect(afterFirstWait).toBe(1);
    expect(upstream.calls).toHaveLength(3);
    expect(await outcome).toBeInstanceOf(UpstreamUnavailable);
    expect(await outcome).toMatchObject({ reason: 'answered 503', retryAfterSeconds: 2 });
  });
});
