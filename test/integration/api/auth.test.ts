import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/api/responses.ts';
import type { DynamoApiKeyAdmin } from '../../../shared/auth/dynamo-api-keys.ts';
import { ALL_SCOPES, type Scope } from '../../../shared/auth/principal.ts';
import { keyAdmin } from '../../support/keys.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

let api: LocalApi;
let keys: DynamoApiKeyAdmin;
beforeAll(async () => {
  // Key lookups uncached so that revocation shows at once; a tight limit to see throttling.
  api = await startLocalApi({
    // A burst of 3 and (nearly) no refill: however slow the machine, a 4th request finds no token.
    functionSettings: { API_KEY_CACHE_SECONDS: 0, RATE_LIMIT_PER_SECOND: 0.001, RATE_LIMIT_BURST: 3 },
  });
  keys = keyAdmin(api);
});
afterAll(() => api.stop());

async function newKey(connections: string[] | '*' = '*', scopes: Scope[] = [...ALL_SCOPES]) {
  return (await keys.create({ name: 'test', tenant: 'acme', connections, scopes })).key;
}

async function newKeyWithId() {
  const { key, record } = await keys.create({
    name: 'test',
    tenant: 'acme',
    connections: '*',
    scopes: [...ALL_SCOPES],
  });
  return { key, keyId: record.keyId };
}

async function problem(path: string, key: string | null, status: number) {
  const response = await api.call(path, { key });
  expect(response.status).toBe(status);
  return { problem: Problem.parse(await response.json()), headers: response.headers };
}

describe('API keys', () => {
  test('no key is a 401 problem with a WWW-Authenticate challenge', async () => {
    const { problem: body, headers } = await problem('/v1/connections', null, 401);
    expect(body.type).toMatch(/unauthenticated$/);
    expect(headers.get('www-authenticate')).toBe('Bearer');
  });

  test.each([
    ['wrong key', 'ir_not-a-key-that-exists-anywhere'],
    ['Basic scheme', null],
  ])('%s is a 401', async (_name, key) => {
    if (key === null) {
      const response = await api.call('/v1/connections', {
        key: null,
        headers: { authorization: 'Basic dXNlcjpwYXNz' },
      });
      expect(response.status).toBe(401);
      return;
    }
    await problem('/v1/connections', key, 401);
  });

  test('a revoked key is a 401 from the next request on', async () => {
    const { key, keyId } = await newKeyWithId();
    expect((await api.call('/v1/connections', { key })).status).toBe(200);
    expect(await keys.revoke(keyId)).toBe(true);
    await problem('/v1/connections', key, 401);
  });

  test('a key without a connection sees a 404, the same as for a connection that does not exist', async () => {
    const key = await newKey(['carbonext']);
    const listed = await api.json<{ connections: Array<{ id: string }> }>('/v1/connections', 200, { key });
    expect(listed.connections.map((c) => c.id)).toEqual(['carbonext']);
    const hidden = await problem('/v1/connections/packcloud/invoices', key, 404);
    const missing = await problem('/v1/connections/no-such-connection/invoices', key, 404);
    expect(hidden.problem.title).toBe(missing.problem.title);
    expect(hidden.problem.detail.replace('packcloud', 'X')).toBe(
      missing.problem.detail.replace('no-such-connection', 'X'),
    );
  });

  test('a key without the scope is a 403 naming the scope', async () => {
    const key = await newKey('*', ['events:read']);
    const { problem: body } = await problem('/v1/connections', key, 403);
    expect(body.detail).toMatch(/invoices:read/);
    // The snapshot reads ask for the same scope as the live ones.
    const { problem: tenantWide } = await problem('/v1/invoices', key, 403);
    expect(tenantWide.detail).toMatch(/invoices:read/);
    const { problem: snapshot } = await problem(
      '/v1/connections/carbonext/invoices?source=snapshot',
      key,
      403,
    );
    expect(snapshot.detail).toMatch(/invoices:read/);
  });

  test('a key over its rate gets 429 problems with Retry-After, other keys are unaffected', async () => {
    const busy = await newKey();
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await api.call('/v1/connections', { key: busy })).status);
    expect(statuses.slice(0, 3)).toEqual([200, 200, 200]);
    expect(statuses.slice(3)).toEqual([429, 429]);
    const { headers } = await problem('/v1/connections', busy, 429);
    expect(Number(headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect((await api.call('/v1/connections', { key: await newKey() })).status).toBe(200);
  });

  test('public routes need no key', async () => {
    expect((await api.call('/health', { key: null })).status).toBe(200);
    expect((await api.call('/openapi.json', { key: null })).status).toBe(200);
  });
});
