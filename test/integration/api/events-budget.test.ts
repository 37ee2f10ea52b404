import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * The audit read the whole retained log of every tenant in one `GET /v1/events` call. A call now
 * examines at most its budget of log entries (1,000, shared/events/events-service.ts) and answers
 * early, with `caughtUp: false` and a `next` to call again with, when a filter found too little in
 * them: here a type that none of 1,200 discovered invoices has.
 */

let api: LocalApi;
beforeAll(async () => {
  // 400 invoices in each of the three listed sandboxes: 1,200 discoveries in the log.
  api = await startLocalApi({ snapshotIntervalSeconds: 0, sandboxSize: 400 });
  await api.runtime.snapshotNow();
  await api.runtime.settle();
  // Past the log's settle window (2 s), so that every entry is readable.
  await new Promise((resolve) => setTimeout(resolve, 2100));
}, 120_000);
afterAll(() => api.stop());

type EventsPage = { events: InvoiceEvent[]; next: string; caughtUp: boolean };

describe('GET /v1/events is bounded per call', () => {
  test('a filter that matches nothing answers early with caughtUp false, and the next call goes on from there', async () => {
    const calls: EventsPage[] = [];
    let after = '';
    for (let call = 0; call < 10; call++) {
      const page = await api.json<EventsPage>(
        `/v1/events?type=invoice.voided&limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      calls.push(page);
      after = page.next;
      if (page.caughtUp) break;
    }
    expect(calls[0]?.caughtUp).toBe(false);
    expect(calls.at(-1)?.caughtUp).toBe(true);
    expect(calls.every((page) => page.events.length === 0)).toBe(true);
    // 1,200 entries, at most 1,000 examined per call (split over the key's five connections'
    // partitions): never one call that read everything.
    expect(calls.length).toBeGreaterThanOrEqual(2);
    // The positions move forward: the second call did not start over.
    expect(calls[1]?.next).not.toBe(calls[0]?.next);

    // Unfiltered, every discovery comes, each once, over calls that each hold at most `limit`.
    const ids = new Set<string>();
    after = '';
    for (let call = 0; call < 20; call++) {
      const page = await api.json<EventsPage>(
        `/v1/events?limit=500${after ? `&after=${encodeURIComponent(after)}` : ''}`,
      );
      expect(page.events.length).toBeLessThanOrEqual(500);
      for (const event of page.events) ids.add(event.id);
      after = page.next;
      if (page.caughtUp) break;
    }
    expect(ids.size).toBe(1200);
  });
});
