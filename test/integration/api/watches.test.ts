import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/api/responses.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { createKey } from '../../support/keys.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';
import { type Receiver, startReceiver } from '../../support/receiver.ts';

/**
 * Watches, attacked as a hostile tenant would: removing another tenant's watch, flooding a
 * connection with watches of made-up invoices, and forgetting then watching an invoice again to
 * make an event id come back for different content. Real local runtime over HTTP; vn-einvoice
 * (no list endpoint) is snapshotted only through what is watched.
 */

let api: LocalApi;
let receiver: Receiver;
let beta: string;
const QUOTA = 4;

beforeAll(async () => {
  receiver = await startReceiver();
  api = await startLocalApi({
    snapshotIntervalSeconds: 0,
    allowPrivateWebhookTargets: true,
    functionSettings: { WATCH_QUOTA_PER_TENANT: QUOTA },
  });
  beta = (await createKey(api, { tenant: 'beta', connections: ['vn-einvoice'] })).key;
}, 120_000);

afterAll(async () => {
  await api.stop();
  await receiver.close();
});

const vnSandbox = () => {
  const sandbox = api.runtime.sandboxes.get('vn-einvoice');
  if (sandbox === undefined) throw new Error('no vn-einvoice sandbox');
  return sandbox;
};
/** vn-einvoice invoices still submitted, so that cancelling one is a change. */
const open = () =>
  vnSandbox()
    .sample(40)
    .filter((invoice) => ['SUBMITTED', 'SUCCESS', 'ACCEPTED'].includes(invoice.status));

async function watch(id: string, method: 'PUT' | 'DELETE', key?: string) {
  return api.call(`/v1/connections/vn-einvoice/watches/${id}`, {
    method,
    ...(key === undefined ? {} : { key }),
  });
}

async function history(id: string): Promise<InvoiceEvent[]> {
  return (await api.json<{ events: InvoiceEvent[] }>(`/v1/connections/vn-einvoice/invoices/${id}/history`))
    .events;
}

async function round() {
  await api.runtime.snapshotNow();
  await api.runtime.settle();
}

describe('watches belong to their tenant', () => {
  test("one tenant removing its watch leaves another tenant's watch of the same invoice in place", async () => {
    const [shared] = open();
    const id = shared?.remoteId ?? '';
    expect((await watch(id, 'PUT')).status).toBe(204);
    expect((await watch(id, 'PUT', beta)).status).toBe(204);
    await round();
    expect((await history(id)).map((event) => event.type)).toEqual(['invoice.discovered']);
    expect((await watch(id, 'DELETE', beta)).status).toBe(204);
    // Still followed for the other tenant: a change becomes an event.
    vnSandbox().setStatus(id, 'CANCELED');
    await round();
    expect((await history(id)).map((event) => event.type)).toEqual([
      'invoice.discovered',
      'invoice.status_changed',
      'invoice.voided',
    ]);
  });

  test('a watch of an invoice the provider does not know is refused, and costs no slot', async () => {
    const madeUp = randomUUID();
    const refused = await watch(madeUp, 'PUT', beta);
    expect(refused.status).toBe(404);
    expect(Problem.parse(await refused.json()).detail).toMatch(/invoice/);
  });

  test('a tenant at its quota gets a 409 saying so; its reads still answer, without new watches', async () => {
    const candidates = open().slice(5, 5 + QUOTA + 2);
    const statuses: number[] = [];
    // beta holds none now (it removed its one); it may add QUOTA of them.
    for (const invoice of candidates) statuses.push((await watch(invoice.remoteId, 'PUT', beta)).status);
    expect(statuses).toEqual([...Array(QUOTA).fill(204), 409, 409]);
    const refused = await watch(candidates.at(-1)?.remoteId ?? '', 'PUT', beta);
    expect(Problem.parse(await refused.json())).toMatchObject({
      status: 409,
      type: expect.stringMatching(/quota/),
    });
    // Reading an invoice watches it automatically, within the quota: the read answers all the same.
    const extra = open()[20]?.remoteId ?? '';
    expect((await api.call(`/v1/connections/vn-einvoice/invoices/${extra}`, { key: beta })).status).toBe(200);
  });
});

describe('an invoice forgotten and watched again continues its history', () => {
  test('its version and sequence go on, no event id comes back, and the webhook for the new event is sent', async () => {
    const endpoint = await api.json<{ id: string }>('/v1/webhooks', 201, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: `${receiver.url}/rewatched`, filter: { connections: ['vn-einvoice'] } }),
    });
    expect(endpoint.id).toMatch(/^wh_/);
    const id = open()[30]?.remoteId ?? '';
    expect((await watch(id, 'PUT')).status).toBe(204);
    await round();
    const [discovered] = await history(id);
    expect(discovered).toMatchObject({ type: 'invoice.discovered', sequence: 1 });
    // Unwatched: the next round forgets it (a tombstone, no event) ...
    expect((await watch(id, 'DELETE')).status).toBe(204);
    await round();
    // ... its status changes while nobody looks ...
    vnSandbox().setStatus(id, 'CANCELED');
    await round();
    expect(await history(id)).toEqual([discovered]);
    // ... and watched again, the change is an event that continues the sequence.
    expect((await watch(id, 'PUT')).status).toBe(204);
    await round();
    const events = await history(id);
    expect(events.map((event) => [event.type, event.sequence])).toEqual([
      ['invoice.discovered', 1],
      ['invoice.status_changed', 2],
      ['invoice.voided', 3],
    ]);
    expect(events[0]).toEqual(discovered); // history entry 1 was never overwritten
    expect(new Set(events.map((event) => event.id)).size).toBe(3);
    expect(events[1]?.previous?.status).toBe(discovered?.invoice.status);
    // The webhook got the new events, under their own ids (the fan-out did not take them for done).
    const received = receiver.received
      .filter((request) => request.path === '/rewatched')
      .map((request) => JSON.parse(request.body) as InvoiceEvent)
      .filter((event) => event.invoice.remoteId === id);
    // Webhooks promise no order (README: use `sequence`); each event arrives under its own id.
    expect(new Set(received.map((event) => event.id))).toEqual(new Set(events.map((event) => event.id)));
    for (const event of received) expect(event).toEqual(events.find((logged) => logged.id === event.id));
  });
});
