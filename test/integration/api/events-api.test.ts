import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/api/responses.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { createKey } from '../../support/keys.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * The event log, histories and watches over HTTP, for the providers that can only be snapshotted
 * through what is watched (vn-einvoice, orders-api).
 */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ snapshotIntervalSeconds: 0 });
});
afterAll(() => api.stop());

const settle = () => new Promise((resolve) => setTimeout(resolve, 2100));

async function allEvents(query: string, key?: string, limit = 2): Promise<InvoiceEvent[]> {
  const events: InvoiceEvent[] = [];
  let after = '';
  for (let page = 0; page < 500; page++) {
    const body = await api.json<{ events: InvoiceEvent[]; next: string; caughtUp: boolean }>(
      `/v1/events?limit=${limit}${query}${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      200,
      key === undefined ? {} : { key },
    );
    events.push(...body.events);
    after = body.next;
    if (body.caughtUp) return events;
  }
  throw new Error('the log did not end');
}

async function put(path: string, method = 'PUT') {
  return api.call(path, { method });
}

describe('watches, the event log and histories', () => {
  /** vn-einvoice invoices not yet void, so that cancelling or deleting them is a change. */
  const vn = () =>
    (api.runtime.sandboxes.get('vn-einvoice')?.sample(20) ?? []).filter(
      (i) => !['CANCELED', 'REJECTED'].includes(i.status),
    );

  test('looked-up and explicitly watched invoices are snapshotted; changes and deletions become events', async () => {
    const [looked, watched] = vn();
    await api.json(`/v1/connections/vn-einvoice/invoices/${looked?.remoteId}`); // watched automatically
    expect((await put(`/v1/connections/vn-einvoice/watches/${watched?.remoteId}`)).status).toBe(204);
    expect((await put('/v1/connections/orders-api/watches/orders/5001')).status).toBe(204);
    await api.runtime.snapshotNow();
    await settle();
    const discovered = [
      ...(await allEvents('&type=invoice.discovered&connection=vn-einvoice')),
      ...(await allEvents('&type=invoice.discovered&connection=orders-api')),
    ];
    expect(discovered.map((event) => `${event.connection}/${event.invoice.remoteId}`).sort()).toEqual(
      [
        `vn-einvoice/${looked?.remoteId}`,
        `vn-einvoice/${watched?.remoteId}`,
        'orders-api/1001',
        'orders-api/1002',
      ].sort(),
    );

    api.runtime.sandboxes.get('vn-einvoice')?.setStatus(looked?.remoteId ?? '', 'CANCELED');
    api.runtime.sandboxes.get('vn-einvoice')?.remove(watched?.remoteId ?? '');
    expect((await put('/v1/connections/orders-api/watches/orders/5001', 'DELETE')).status).toBe(204);
    await api.runtime.snapshotNow();
    await settle();

    const lookedHistory = await api.json<{ events: InvoiceEvent[] }>(
      `/v1/connections/vn-einvoice/invoices/${looked?.remoteId}/history`,
    );
    const voided = ['invoice.discovered', 'invoice.status_changed', 'invoice.voided'];
    expect(lookedHistory.events.map((event) => event.type)).toEqual(voided);
    // Deleted at the provider: a 404 on the next walk, so gone, so voided.
    const goneHistory = await api.json<{ events: InvoiceEvent[] }>(
      `/v1/connections/vn-einvoice/invoices/${watched?.remoteId}/history`,
    );
    expect(goneHistory.events.map((event) => event.type)).toEqual(voided);
    expect(goneHistory.events.at(-1)?.invoice.status).toBe('VOID');
    // Unwatching an order forgets its invoices quietly: no voided event for them.
    const ordersHistory = await api.json<{ events: InvoiceEvent[] }>(
      '/v1/connections/orders-api/invoices/1001/history',
    );
    expect(ordersHistory.events.map((event) => event.type)).toEqual(['invoice.discovered']);
  });

  test('the log pages with `after`, filters by type and connection, and shows a key only its connections', async () => {
    await api.runtime.snapshotNow();
    await settle();
    const everything = await allEvents('');
    expect(everything.length).toBeGreaterThan(100);
    expect(new Set(everything.map((event) => event.id)).size).toBe(everything.length);
    const packcloud = await allEvents('&connection=packcloud');
    expect(packcloud.length).toBeGreaterThan(0);
    expect(packcloud.every((event) => event.connection === 'packcloud')).toBe(true);
    expect(packcloud).toEqual(everything.filter((event) => event.connection === 'packcloud'));

    const { key } = await createKey(api, {
      name: 'vn only',
      tenant: 'acme',
      connections: ['vn-einvoice'],
      scopes: ['events:read'],
    });
    const limited = await allEvents('', key);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited.every((event) => event.connection === 'vn-einvoice')).toBe(true);
    const hidden = await api.call('/v1/events?connection=packcloud', { key });
    expect(hidden.status).toBe(404);
  });

  test('watches are refused where they make no sense, and bad positions are 400s', async () => {
    const listed = await put('/v1/connections/carbonext/watches/8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd');
    expect(listed.status).toBe(400);
    expect(Problem.parse(await listed.json()).parameter).toBe('connection');
    const badId = await put('/v1/connections/vn-einvoice/watches/not-a-uuid');
    expect(Problem.parse(await badId.json()).parameter).toBe('invoiceId');
    const noOrders = await put('/v1/connections/vn-einvoice/watches/orders/1');
    expect(noOrders.status).toBe(501);
    const badAfter = await api.call('/v1/events?after=garbage');
    expect(Problem.parse(await badAfter.json()).parameter).toBe('after');
    const pageCursor = await api.json<{ next: string }>('/v1/connections/carbonext/invoices?limit=1');
    const mixedUp = await api.call(`/v1/events?after=${encodeURIComponent(pageCursor.next)}`);
    expect(mixedUp.status).toBe(400);
  });
});
