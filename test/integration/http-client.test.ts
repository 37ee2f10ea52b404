import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, test } from 'vitest';
import {
  MalformedResponse,
  ProviderRejected,
  RateLimited,
  UpstreamTimeout,
  UpstreamUnavailable,
} from '../../shared/errors.ts';
import { carbonext } from '../../shared/providers/carbonext/adapter.ts';
import { createCarbonextSandbox } from '../../shared/providers/carbonext/sandbox.ts';
import { caught } from '../support/caught.ts';
import { counting } from '../support/counting.ts';
import { type ProviderSandbox, startProviderSandbox } from '../support/sandboxes.ts';

/** Retries, Retry-After, timeouts, the circuit breaker and redirects, against real HTTP. */

const opened: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((server) => server.close()));
});

async function faultySandbox(faults: Record<string, unknown>) {
  const app = counting(createCarbonextSandbox({ size: 20 }));
  app.faults.configure(faults);
  const sandbox: ProviderSandbox = await startProviderSandbox('carbonext', {}, app);
  opened.push(sandbox);
  return { app, sandbox };
}

const firstPage = { cursor: null, limit: 5 };

describe('resilient provider calls', () => {
  test('a 429 is retried and the call then succeeds', async () => {
    const { app, sandbox } = await faultySandbox({
      failNext: { count: 1, status: 429, retryAfterSeconds: 0 },
    });
    const page = await carbonext.list?.(sandbox.connect(), firstPage);
    expect(page?.invoices).toHaveLength(5);
    expect(app.requests).toHaveLength(2);
  });

  // How long the client waits for a Retry-After is proven on fake timers, without measuring time
  // (test/unit/http/http-client.test.ts); here, that a real 503 with one is retried and then succeeds.
  test('a 503 with Retry-After is retried and the call then succeeds', async () => {
    const { app, sandbox } = await faultySandbox({
      failNext: { count: 1, status: 503, retryAfterSeconds: 1 },
    });
    const page = await carbonext.list?.(sandbox.connect(), firstPage);
    expect(page?.invoices).toHaveLength(5);
    expect(app.requests).toHaveLength(2);
  });

  test('a Retry-After longer than we may wait fails at once, saying when to come back', async () => {
    const { app, sandbox } = await faultySandbox({
      failNext: { count: 1, status: 429, retryAfterSeconds: 600 },
    });
    const error = await caught(carbonext.list?.(sandbox.connect(), firstPage));
    expect(error).toBeInstanceOf(RateLimited);
    expect(error).toMatchObject({ retryAfterSeconds: 600 });
    expect(app.requests).toHaveLength(1);
  });

  test('5xx answers are retried, then reported as unavailable once retries are exhausted', async () => {
    const { app, sandbox } = await faultySandbox({ failNext: { count: 100, status: 502 } });
    const error = await caught(carbonext.list?.(sandbox.connect({ resilience: { retries: 3 } }), firstPage));
    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect((error as UpstreamUnavailable).reason).toBe('answered 502');
    expect(app.requests).toHaveLength(4);
  });

  test('a slow provider times out and the timeout is not retried', async () => {
    const { app, sandbox } = await faultySandbox({ latencyMs: 2000 });
    const error = await caught(
      carbonext.list?.(sandbox.connect({ resilience: { timeoutMs: 100 } }), firstPage),
    );
    expect(error).toBeInstanceOf(UpstreamTimeout);
    expect(app.requests).toHaveLength(1);
  });

  test('the circuit opens after consecutive failures and then fails fast without calling', async () => {
    const { app, sandbox } = await faultySandbox({ failNext: { count: 100, status: 500 } });
    const connection = sandbox.connect({
      resilience: { retries: 0, breakerThreshold: 3, breakerHalfOpenAfterMs: 60_000 },
    });
    for (let i = 0; i < 3; i++)
      expect(await caught(carbonext.list?.(connection, firstPage))).toBeInstanceOf(UpstreamUnavailable);
    const before = app.requests.length;
    const error = await caught(carbonext.list?.(connection, firstPage));
    expect((error as UpstreamUnavailable).reason).toMatch(/circuit open/);
    expect(app.requests.length).toBe(before);
  });

  test('a body cut short is malformed, not a shorter page', async () => {
    const { sandbox } = await faultySandbox({ malformedRate: 1 });
    expect(await caught(carbonext.list?.(sandbox.connect(), firstPage))).toBeInstanceOf(MalformedResponse);
  });

  test('a refused connection is unavailable after retries', async () => {
    const { sandbox } = await faultySandbox({});
    const connection = sandbox.connect();
    await sandbox.close();
    const error = await caught(carbonext.list?.(connection, firstPage));
    expect(error).toBeInstanceOf(UpstreamUnavailable);
    expect((error as UpstreamUnavailable).reason).toBe('connection failed');
  });

  test('a redirect is never followed (it could carry our credentials elsewhere)', async () => {
    let followed = 0;
    const target = createServer((_request, response) => {
      followed++;
      response.end('{}');
    });
    await new Promise<void>((resolve) => target.listen(0, '127.0.0.1', resolve));
    const redirecting = createServer((_request, response) => {
      response
        .writeHead(302, { location: `http://127.0.0.1:${(target.address() as AddressInfo).port}/steal` })
        .end();
    });
    await new Promise<void>((resolve) => redirecting.listen(0, '127.0.0.1', resolve));
    const close = (server: typeof target) => new Promise<void>((resolve) => server.close(() => resolve()));
    opened.push({ close: () => close(target) }, { close: () => close(redirecting) });

    const { sandbox } = await faultySandbox({});
    const connection = {
      ...sandbox.connect(),
      baseUrl: new URL(`http://127.0.0.1:${(redirecting.address() as AddressInfo).port}`),
    };
    const error = await caught(carbonext.list?.(connection, firstPage));
    expect(error).toBeInstanceOf(ProviderRejected);
    expect(error).toMatchObject({ upstreamStatus: 302 });
    expect(followed).toBe(0);
  });
});
