import { afterEach, describe, expect, test } from 'vitest';
import { createPackcloudSandbox } from '../../../shared/providers/packcloud/sandbox.ts';
import { hostileSandbox, isProviderCall } from '../../support/hostile-sandbox.ts';
import { type SnapshotHarness, startSnapshotHarness } from '../../support/snapshot-harness.ts';

/**
 * Walks a provider cannot keep from ending: a `next` link that loops, a list that never ends, a
 * walk stopped from outside mid-way. Real dynalite, fauxqs and a packcloud sandbox over HTTP whose
 * answers the test rewrites.
 */

let harness: SnapshotHarness;
afterEach(async () => {
  await harness.stop();
});

/** packcloud answering every list page with a `next` of the test's choosing. */
function packcloudWithNext(next: (requestUrl: URL, page: number) => string) {
  const app = createPackcloudSandbox({ size: 60 });
  return hostileSandbox(app, {
    response: (request, response) => {
      if (!isProviderCall(request) || !request.path.endsWith('/billing/invoices')) return response;
      const page = JSON.parse(response.body) as Record<string, unknown>;
      const url = new URL(`${request.baseUrl}${request.path}?${request.query}`);
      page.next = next(url, Number(request.query.get('page') ?? 1));
      return { ...response, body: JSON.stringify(page) };
    },
  });
}

describe('a walk always ends', () => {
  test('a next link that points back at a page already read fails the walk at once, saying why', async () => {
    const looping = packcloudWithNext((url) => url.href);
    harness = await startSnapshotHarness(['packcloud'], { apps: { packcloud: looping } });
    const outcome = await harness
      .runner({ options: { pageSize: 10 } })
      .handle({ kind: 'run', connection: 'packcloud' }, () => Number.POSITIVE_INFINITY);
    expect(outcome).toMatchObject({
      kind: 'failed',
      reason: expect.stringMatching(/next page link repeats/),
    });
    // Two pages: the first, and the one whose next pointed back; never a third.
    expect(looping.requests).toBe(2);
    const status = await harness.runs.status('packcloud', Date.now());
    expect(status).toMatchObject({
      running: false,
      lastRun: { outcome: 'failed', goneDetection: 'skipped' },
    });
    // The lease is free again: the next round is not skipped.
    const again = await harness
      .runner({ options: { pageSize: 10 } })
      .handle({ kind: 'run', connection: 'packcloud' }, () => Number.POSITIVE_INFINITY);
    expect(again.kind).toBe('failed');
  });

  test('a list that never ends is refused at the connection’s page limit, and nothing is marked gone', async () => {
    const endless = packcloudWithNext((url, page) => {
      const next = new URL(url);
      next.searchParams.set('page', String(page + 1));
      return next.href;
    });
    harness = await startSnapshotHarness(['packcloud'], { apps: { packcloud: endless } });
    const runner = harness.runner({ options: { pageSize: 10, maxPagesPerWalk: 4 } });
    const outcome = await runner.handle(
      { kind: 'run', connection: 'packcloud' },
      () => Number.POSITIVE_INFINITY,
    );
    expect(outcome).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/4 pages/) });
    expect(endless.requests).toBe(4);
    let gone = 0;
    for await (const item of harness.snapshots.all('packcloud')) if (item.gone) gone++;
    expect(gone).toBe(0);
  });

  test('a walk stopped from outside hands over what it has, and a continuation finishes it with the same events', async () => {
    const stop = new AbortController();
    let pages = 0;
    const stopping = hostileSandbox(createPackcloudSandbox({ size: 60 }), {
      response: (request, response) => {
        // The runtime shuts down while the walk reads its third page.
        if (isProviderCall(request) && ++pages === 3) stop.abort();
        return response;
      },
    });
    harness = await startSnapshotHarness(['packcloud'], { apps: { packcloud: stopping } });
    const subscription = await harness.subscribe();
    const runner = harness.runner({ options: { pageSize: 10 } });
    const stopped = await runner.handle(
      { kind: 'run', connection: 'packcloud' },
      () => Number.POSITIVE_INFINITY,
      stop.signal,
    );
    expect(stopped.kind).toBe('continue');
    if (stopped.kind !== 'continue' || stopped.message.kind !== 'continue') return;
    // Stopped mid-walk: the checkpoint holds what the walk read before it stopped.
    const checkpoint = await harness.runs.resume('packcloud', stopped.message.runId);
    expect(checkpoint?.pages).toBeGreaterThanOrEqual(2);
    expect(checkpoint?.pages).toBeLessThan(6);
    const finished = await runner.handle(stopped.message, () => Number.POSITIVE_INFINITY);
    expect(finished.kind).toBe('completed');
    const events = await subscription.drain();
    expect(events.every((event) => event.type === 'invoice.discovered')).toBe(true);
    expect(new Set(events.map((event) => event.invoice.remoteId)).size).toBe(60);
    // Pages read twice (the one in flight when it stopped) give no second event under another id.
    const idOf = new Map<string, string>();
    for (const event of events) {
      expect(idOf.get(event.invoice.remoteId) ?? event.id).toBe(event.id);
      idOf.set(event.invoice.remoteId, event.id);
    }
  });
});
