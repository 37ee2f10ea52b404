import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest';
import { sandboxTokenVariable } from '../../../infra/local/local-connections.ts';
import { Problem } from '../../../shared/api/responses.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * Provider faults, switched on through the sandboxes' fault knobs over HTTP, and the problems the
 * API answers for them: 502 for what the provider said wrongly, 503 when it is unavailable or
 * throttling us or its circuit is open, 504 when it is too slow.
 */

let api: LocalApi;
beforeAll(async () => {
  // Short enough for the slow-provider test, long enough that a busy machine (the whole suite
  // running beside it) does not turn an ordinary answer into a timeout.
  api = await startLocalApi({ functionSettings: { UPSTREAM_TIMEOUT_MS: 1000 } });
});
afterAll(() => api.stop());

async function faults(provider: string, settings: Record<string, unknown>) {
  const response = await fetch(`${api.url}/sandbox/${provider}/faults`, {
    method: 'PUT',
    body: JSON.stringify(settings),
  });
  expect(response.status).toBe(200);
}

afterEach(async () => {
  for (const provider of ['carbonext', 'packcloud', 'pretendentas', 'vn-einvoice'])
    await faults(provider, {});
});

async function problemOf(path: string, status: number) {
  const response = await api.call(path);
  const body = Problem.parse(await response.json());
  expect(response.status, body.detail).toBe(status);
  return { problem: body, headers: response.headers };
}

describe('upstream faults become problems', () => {
  test('a body cut in half is a 502 that says it was malformed', async () => {
    await faults('carbonext', { malformedRate: 1 });
    const { problem } = await problemOf('/v1/connections/carbonext/invoices?limit=5', 502);
    expect(problem.type).toMatch(/upstream-malformed$/);
  });

  test('a provider throttling us past what we may wait is a 503 with its Retry-After', async () => {
    await faults('carbonext', { rateLimitRate: 1, retryAfterSeconds: 600 });
    const { problem, headers } = await problemOf('/v1/connections/carbonext/invoices', 503);
    expect(problem.type).toMatch(/upstream-rate-limited$/);
    expect(headers.get('retry-after')).toBe('600');
  });

  test('a 429 within our patience is retried and the caller never sees it', async () => {
    await faults('carbonext', { failNext: { count: 1, status: 429, retryAfterSeconds: 0 } });
    expect((await api.call('/v1/connections/carbonext/invoices')).status).toBe(200);
  });

  test('a slow provider is a 504', async () => {
    await faults('packcloud', { latencyMs: 5000 });
    const { problem } = await problemOf('/v1/connections/packcloud/invoices', 504);
    expect(problem.detail).toMatch(/1000 ms/);
  });

  test('5xx after every retry is a 503; repeated failures open the circuit, which answers 503 at once', async () => {
    await faults('pretendentas', { errorRate: 1, errorStatus: 500 });
    const first = await problemOf('/v1/connections/pretendentas/invoices', 503);
    expect(first.problem.detail).toMatch(/answered 500/);
    for (let i = 0; i < 3; i++) await api.call('/v1/connections/pretendentas/invoices');
    const open = await problemOf('/v1/connections/pretendentas/invoices', 503);
    expect(open.problem.detail).toMatch(/circuit open/);
    expect(Number(open.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  test('credentials the provider refuses are a 502 naming the connection’s credentials, never the secret', async () => {
    const variable = sandboxTokenVariable('vn-einvoice');
    const token = process.env[variable];
    process.env[variable] = 'a-revoked-token';
    try {
      const [sample] = api.runtime.sandboxes.get('vn-einvoice')?.sample(1) ?? [];
      const response = await api.call(`/v1/connections/vn-einvoice/invoices/${sample?.remoteId}`);
      const text = await response.text();
      expect(response.status).toBe(502);
      expect(Problem.parse(JSON.parse(text)).type).toMatch(/upstream-credentials$/);
      expect(text).not.toContain('a-revoked-token');
    } finally {
      process.env[variable] = token;
    }
  });
});
