import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type InvoiceAnswer, InvoicePage, Problem } from '../../../shared/api/responses.ts';
import { createKey } from '../../support/keys.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * Reads from the snapshot store as a client syncs: everything first, then only what changed since
 * the previous read began, some of it changed while the client was paging; tenant-wide and per
 * connection; `source=auto` standing in for a provider that is down. Real local runtime over HTTP.
 */

let api: LocalApi;
let packcloudOnly: string;
beforeAll(async () => {
  // A circuit that lets a trial call through after a second, so that recovery shows quickly.
  api = await startLocalApi({
    snapshotIntervalSeconds: 0,
    sandboxSize: 40,
    functionSettings: { UPSTREAM_CIRCUIT_OPEN_SECONDS: 1 },
  });
  packcloudOnly = (await createKey(api, { tenant: 'acme', connections: ['packcloud'] })).key;
  await api.runtime.snapshotNow();
}, 120_000);
afterAll(() => api.stop());

/** Past the settle window, so that everything stored so far is visible to reads. */
const settle = () => new Promise((resolve) => setTimeout(resolve, 2100));

async function readAll(
  query: string,
  key?: string,
  during?: (page: number) => Promise<void>,
): Promise<{ invoices: InvoiceAnswer[]; pages: number; headers: Headers[] }> {
  const invoices: InvoiceAnswer[] = [];
  const headers: Headers[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const path = `/v1/invoices?limit=15${query}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`;
    const response = await api.call(path, key === undefined ? {} : { key });
    expect(response.status, await response.clone().text()).toBe(200);
    headers.push(response.headers);
    const page = InvoicePage.parse(await response.json());
    invoices.push(...page.invoices);
    cursor = page.next;
    await during?.(++pages);
  } while (cursor !== null && pages < 200);
  return { invoices, pages, headers };
}

const key = (invoice: InvoiceAnswer) => `${invoice.connection}/${invoice.remoteId}`;

describe('incremental sync from the snapshot store', () => {
  test('read all, change some (some while paging), read since the previous start: exactly the changed ones', async () => {
    await settle();
    const firstStart = new Date().toISOString();
    const changedWhilePaging: string[] = [];
    const first = await readAll('', undefined, async (page) => {
      if (page !== 2) return;
      // While the client pages: two invoices are paid upstream and a snapshot round stores it.
      const carbonext = api.runtime.sandboxes.get('carbonext');
      for (const invoice of carbonext
        ?.sample(40)
        .filter((i) => i.status === 'Pending')
        .slice(0, 2) ?? []) {
        carbonext?.setStatus(invoice.remoteId, 'Paid');
        changedWhilePaging.push(`carbonext/${invoice.remoteId}`);
      }
      await api.runtime.snapshotNow();
    });
    // Ordered by change time, oldest first; every stored invoice is there (lists and watches).
    const times = first.invoices.map((invoice) => invoice.snapshot?.changedAt ?? '');
    expect([...times].sort()).toEqual(times);
    // Every stored invoice is in this read, except that one changed while paging may have moved
    // from a place not read yet to one not settled yet: then the next sync brings it (below).
    const firstKeys = new Set(first.invoices.map(key));
    expect(new Set([...firstKeys, ...changedWhilePaging]).size).toBe(3 * 40);
    expect(first.invoices.length).toBe(firstKeys.size);
    expect(first.headers.every((headers) => headers.get('invoice-source') === 'snapshot')).toBe(true);
    expect(first.headers.every((headers) => Number(headers.get('age')) >= 0)).toBe(true);

    // After the read: more changes, on two connections.
    const packcloud = api.runtime.sandboxes.get('packcloud');
    const changedAfter = (
      packcloud
        ?.sample(40)
        .filter((i) => i.status === 'sent')
        .slice(0, 3) ?? []
    ).map((invoice) => {
      packcloud?.setStatus(invoice.remoteId, 'paid');
      return `packcloud/${invoice.remoteId}`;
    });
    await api.runtime.snapshotNow();
    await settle();
    const second = await readAll(`&updatedSince=${encodeURIComponent(firstStart)}`);
    expect(new Set(second.invoices.map(key))).toEqual(new Set([...changedWhilePaging, ...changedAfter]));
    for (const invoice of second.invoices) {
      expect(invoice.status).toBe('PAID');
      expect(invoice.snapshot?.version).toBeGreaterThanOrEqual(2);
    }
  });

  test('filters: connection and status lists, and a key sees only its own connections, in data and in counts', async () => {
    await settle();
    const paid = await readAll('&connection=carbonext,packcloud&status=PAID');
    expect(paid.invoices.length).toBeGreaterThan(0);
    expect(paid.invoices.every((invoice) => invoice.status === 'PAID')).toBe(true);
    expect(new Set(paid.invoices.map((invoice) => invoice.connection))).toEqual(
      new Set(['carbonext', 'packcloud']),
    );
    const limited = await readAll('', packcloudOnly);
    expect(limited.invoices.length).toBe(40);
    expect(limited.invoices.every((invoice) => invoice.connection === 'packcloud')).toBe(true);
    const hidden = await api.call('/v1/invoices?connection=carbonext', { key: packcloudOnly });
    expect(hidden.status).toBe(404);
    // A cursor is bound to the key's tenant and its query: it does not work with another filter.
    const page = InvoicePage.parse(await api.json('/v1/invoices?limit=2&status=PAID'));
    const mixed = await api.call(
      `/v1/invoices?limit=2&status=OPEN&cursor=${encodeURIComponent(page.next ?? '')}`,
    );
    expect(mixed.status).toBe(400);
    expect(Problem.parse(await mixed.json()).parameter).toBe('cursor');
  });

  test('a gone invoice shows only with includeGone; each stored invoice carries its snapshot facts; Age is the oldest’s', async () => {
    const sandbox = api.runtime.sandboxes.get('packcloud');
    const goneId = sandbox?.sample(40).at(-1)?.remoteId ?? '';
    expect(sandbox?.remove(goneId)).toBe(true);
    // A complete walk that no longer sees it marks it gone (VOID).
    await api.runtime.snapshotNow();
    await settle();
    const without = await readAll('&connection=packcloud');
    expect(without.invoices.map((invoice) => invoice.remoteId)).not.toContain(goneId);
    const withGone = await readAll('&connection=packcloud&includeGone=true');
    expect(withGone.invoices).toHaveLength(without.invoices.length + 1);
    const gone = withGone.invoices.find((invoice) => invoice.remoteId === goneId);
    expect(gone).toMatchObject({ status: 'VOID', snapshot: { gone: true } });
    expect(gone?.snapshot?.version).toBeGreaterThan(1);

    for (const invoice of withGone.invoices) {
      const facts = invoice.snapshot;
      expect(facts?.version).toBeGreaterThanOrEqual(1);
      expect(Date.parse(facts?.observedAt ?? '')).toBeGreaterThanOrEqual(Date.parse(facts?.changedAt ?? ''));
      expect(facts?.gone).toBe(invoice.remoteId === goneId);
    }

    // Age: whole seconds since the page's oldest observation, between what the clock said before
    // and after the request.
    const before = Date.now();
    const response = await api.call('/v1/invoices?connection=packcloud&limit=10');
    const after = Date.now();
    const page = InvoicePage.parse(await response.json());
    const oldest = Math.min(
      ...page.invoices.map((invoice) => Date.parse(invoice.snapshot?.observedAt ?? '')),
    );
    const age = Number(response.headers.get('age'));
    expect(age).toBeGreaterThanOrEqual(Math.floor((before - oldest) / 1000));
    expect(age).toBeLessThanOrEqual(Math.floor((after - oldest) / 1000));
  });

  test('source=snapshot lists the followed invoices of a provider without a list endpoint', async () => {
    const vn = api.runtime.sandboxes.get('vn-einvoice')?.sample(1)[0]?.remoteId ?? '';
    expect((await api.call(`/v1/connections/vn-einvoice/invoices/${vn}`)).status).toBe(200); // watched by the read
    expect((await api.call('/v1/connections/vn-einvoice/invoices')).status).toBe(501);
    await api.runtime.snapshotNow();
    await settle();
    const response = await api.call('/v1/connections/vn-einvoice/invoices?source=snapshot');
    expect(response.status).toBe(200);
    expect(response.headers.get('invoice-source')).toBe('snapshot');
    const page = InvoicePage.parse(await response.json());
    expect(page.invoices.map((invoice) => invoice.remoteId)).toContain(vn);
    const one = await api.call(`/v1/connections/vn-einvoice/invoices/${vn}?source=snapshot`);
    expect(one.status).toBe(200);
    expect(Number(one.headers.get('age'))).toBeGreaterThanOrEqual(0);
  });
});

describe('source=auto', () => {
  test('answers from the snapshot while the provider fails every call, and from the provider again once it recovers', async () => {
    const carbonext = api.runtime.sandboxes.get('carbonext');
    const id = carbonext?.sample(1)[0]?.remoteId ?? '';
    carbonext?.faults.configure({ errorRate: 1, errorStatus: 503 });
    try {
      const live = await api.call(`/v1/connections/carbonext/invoices/${id}`);
      expect(live.status).toBe(503);
      const auto = await api.call(`/v1/connections/carbonext/invoices/${id}?source=auto`);
      expect(auto.status).toBe(200);
      expect(auto.headers.get('invoice-source')).toBe('snapshot');
      expect(Number(auto.headers.get('age'))).toBeGreaterThanOrEqual(0);
      expect(((await auto.json()) as InvoiceAnswer).snapshot?.version).toBeGreaterThanOrEqual(1);
      const list = await api.call('/v1/connections/carbonext/invoices?source=auto&limit=5');
      expect(list.status).toBe(200);
      expect(list.headers.get('invoice-source')).toBe('snapshot');
    } finally {
      carbonext?.faults.reset();
    }
    // The circuit opened during the outage; once it lets a trial call through, the provider answers.
    let recovered = await api.call(`/v1/connections/carbonext/invoices/${id}?source=auto`);
    for (let attempt = 0; attempt < 40 && recovered.headers.get('invoice-source') !== 'live'; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      recovered = await api.call(`/v1/connections/carbonext/invoices/${id}?source=auto`);
    }
    expect(recovered.status).toBe(200);
    expect(recovered.headers.get('invoice-source')).toBe('live');
    expect(((await recovered.json()) as InvoiceAnswer).snapshot).toBeUndefined();
  });
});
