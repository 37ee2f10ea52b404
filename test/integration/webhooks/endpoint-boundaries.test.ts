import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/api/responses.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { Table } from '../../../shared/storage/dynamo.ts';
import { keys as itemKeys } from '../../../shared/storage/keys.ts';
import type { WebhookView } from '../../../shared/webhooks/webhook.ts';
import { createKey, keyAdmin } from '../../support/keys.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';
import { registerWebhook } from '../../support/webhooks.ts';

/**
 * What a key may do to webhook endpoints, attacked as a hostile tenant would: a key of the same
 * tenant granted only another connection tries to take over an endpoint (move its URL, rotate its
 * secret, recover its history), to widen what it receives, and to keep receiving after its owner
 * lost the grant. Real local runtime, real deliveries to a receiver on loopback.
 */

let api: LocalApi;
let receiver: Receiver;
const keyOf: Record<string, string> = {};
const keyIdOf: Record<string, string> = {};

beforeAll(async () => {
  receiver = await startReceiver();
  // Owners' grants and keys trusted for no time at all, so that a revocation shows at once.
  api = await startLocalApi({
    snapshotIntervalSeconds: 0,
    allowPrivateWebhookTargets: true,
    functionSettings: { API_KEY_CACHE_SECONDS: 0 },
  });
  const grants: Record<string, { tenant: string; connections: string[] | '*' }> = {
    carbonextOnly: { tenant: 'acme', connections: ['carbonext'] },
    packcloudOnly: { tenant: 'acme', connections: ['packcloud'] },
    both: { tenant: 'acme', connections: ['carbonext', 'packcloud'] },
    everything: { tenant: 'acme', connections: '*' },
    otherTenant: { tenant: 'globex', connections: '*' },
  };
  for (const [name, grant] of Object.entries(grants)) {
    const { key, record } = await createKey(api, grant);
    keyOf[name] = key;
    keyIdOf[name] = record.keyId;
  }
  await api.runtime.snapshotNow();
  await api.runtime.settle();
}, 120_000);

afterAll(async () => {
  await api.stop();
  await receiver.close();
});

const json = { 'content-type': 'application/json' };

function register(as: string, path: string, filter: Record<string, unknown> = {}) {
  return registerWebhook(api, `${receiver.url}${path}`, filter, keyOf[as]);
}

/** Every endpoint operation, as `as` attempts it on endpoint `id`. */
async function everyOperation(as: string, id: string): Promise<Record<string, number>> {
  const key = keyOf[as];
  const call = async (path: string, init: RequestInit = {}) =>
    (await api.call(path, { ...init, key })).status;
  return {
    get: await call(`/v1/webhooks/${id}`),
    update: await call(`/v1/webhooks/${id}`, {
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ url: `${receiver.url}/attacker` }),
    }),
    rotate: await call(`/v1/webhooks/${id}/rotate-secret`, { method: 'POST' }),
    test: await call(`/v1/webhooks/${id}/test`, { method: 'POST' }),
    deliveries: await call(`/v1/webhooks/${id}/deliveries`),
    retry: await call(`/v1/webhooks/${id}/deliveries/dlv_AAAAAAAAAAAAAAAAAAAAAA/retry`, { method: 'POST' }),
    recover: await call(`/v1/webhooks/${id}/recover`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({ since: '2020-01-01T00:00:00Z' }),
    }),
    delete: await call(`/v1/webhooks/${id}`, { method: 'DELETE' }),
  };
}

async function payOne(connection: 'carbonext' | 'packcloud'): Promise<string> {
  const sandbox = api.runtime.sandboxes.get(connection);
  const open = sandbox
    ?.sample(60)
    .find((invoice) => invoice.status === (connection === 'carbonext' ? 'Pending' : 'sent'));
  sandbox?.setStatus(open?.remoteId ?? '', connection === 'carbonext' ? 'Paid' : 'paid');
  await api.runtime.snapshotNow();
  await api.runtime.settle();
  return open?.remoteId ?? '';
}

const eventsAt = (path: string) =>
  receiver.received
    .filter((request) => request.path === path)
    .map((request) => JSON.parse(request.body) as InvoiceEvent);

describe('webhook endpoints are bounded by the grants of the keys that touch them', () => {
  test('a key granted only another connection cannot see or touch an endpoint, whatever it tries', async () => {
    const endpoint = await register('carbonextOnly', '/victim');
    expect(endpoint).toMatchObject({ connections: ['carbonext'], ownerKeyId: keyIdOf.carbonextOnly });
    const listed = await api.json<{ webhooks: WebhookView[] }>('/v1/webhooks', 200, {
      key: keyOf.packcloudOnly,
    });
    expect(listed.webhooks.map((webhook) => webhook.id)).not.toContain(endpoint.id);
    const statuses = await everyOperation('packcloudOnly', endpoint.id);
    expect(Object.values(statuses)).toEqual(Object.values(statuses).map(() => 404));
    // Another tenant, even with every connection, sees nothing either.
    const foreign = await everyOperation('otherTenant', endpoint.id);
    expect(Object.values(foreign)).toEqual(Object.values(foreign).map(() => 404));
    // The endpoint is untouched: still its URL, still its owner, and it still receives its events.
    const after = await api.json<WebhookView>(`/v1/webhooks/${endpoint.id}`, 200, {
      key: keyOf.carbonextOnly,
    });
    expect(after).toMatchObject({ url: `${receiver.url}/victim`, ownerKeyId: keyIdOf.carbonextOnly });
    const paid = await payOne('carbonext');
    expect(eventsAt('/victim').some((event) => event.invoice.remoteId === paid)).toBe(true);
    expect(eventsAt('/attacker')).toEqual([]);
  });

  test('an endpoint never receives beyond the grant of the key that set what it receives', async () => {
    const refused = await api.call('/v1/webhooks', {
      key: keyOf.packcloudOnly,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ url: `${receiver.url}/wider`, filter: { connections: ['carbonext'] } }),
    });
    expect(refused.status).toBe(400);
    expect(Problem.parse(await refused.json()).parameter).toBe('filter.connections');
    const mine = await register('packcloudOnly', '/narrow');
    const widened = await api.call(`/v1/webhooks/${mine.id}`, {
      key: keyOf.packcloudOnly,
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ filter: { connections: ['packcloud', 'carbonext'] } }),
    });
    expect(widened.status).toBe(400);
    // A paid carbonext invoice does not reach it; a paid packcloud invoice does.
    const carbonext = await payOne('carbonext');
    const packcloud = await payOne('packcloud');
    const received = eventsAt('/narrow').map((event) => event.invoice.remoteId);
    expect(received).toContain(packcloud);
    expect(received).not.toContain(carbonext);
  });

  test('changing an endpoint makes the changing key its owner; the first key then no longer reaches it', async () => {
    const endpoint = await register('carbonextOnly', '/adopted');
    const adopted = await api.json<WebhookView>(`/v1/webhooks/${endpoint.id}`, 200, {
      key: keyOf.both,
      method: 'PATCH',
      headers: json,
      body: JSON.stringify({ filter: { connections: ['carbonext', 'packcloud'] } }),
    });
    expect(adopted).toMatchObject({ ownerKeyId: keyIdOf.both, connections: ['carbonext', 'packcloud'] });
    expect((await api.call(`/v1/webhooks/${endpoint.id}`, { key: keyOf.carbonextOnly })).status).toBe(404);
  });

  test('what an endpoint receives follows its owner’s current grant: revoking the owner stops its deliveries', async () => {
    const { key, record } = await createKey(api, { tenant: 'acme', connections: ['carbonext'] });
    const endpoint = await api.json<WebhookView>('/v1/webhooks', 201, {
      key,
      method: 'POST',
      headers: json,
      body: JSON.stringify({ url: `${receiver.url}/revoked-owner` }),
    });
    const before = await payOne('carbonext');
    expect(eventsAt('/revoked-owner').map((event) => event.invoice.remoteId)).toContain(before);
    expect(await keyAdmin(api).revoke(record.keyId)).toBe(true);
    const after = await payOne('carbonext');
    expect(eventsAt('/revoked-owner').map((event) => event.invoice.remoteId)).not.toContain(after);
    // Still there, for another key of the tenant to adopt.
    expect((await api.call(`/v1/webhooks/${endpoint.id}`, { key: keyOf.everything })).status).toBe(200);
  });

  test('signing secrets are sealed at rest: the stored endpoint holds no secret in plain text', async () => {
    const endpoint = await register('everything', '/sealed');
    const table = new Table(api.runtime.dynamo.client, api.runtime.tableName);
    const item = await table.get(itemKeys.endpoint('acme', endpoint.id));
    expect(JSON.stringify(item)).not.toContain(endpoint.secret);
    expect(JSON.stringify(item)).not.toContain('whsec_');
    const stored = JSON.parse(String(item?.record)) as { secrets: { current: { v: number; key: string } } };
    expect(stored.secrets.current).toMatchObject({ v: 1, key: expect.any(String) });
  });
});
