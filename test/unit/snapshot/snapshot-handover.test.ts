import { afterEach, describe, expect, test, vi } from 'vitest';
import { providerInvoice } from '../../support/fakes/fake-provider.ts';
import { CONNECTION, snapshotWorld } from '../../support/fakes/snapshot-world.ts';

/**
 * A walk that cannot finish in one invocation: it hands its progress over when the deadline nears
 * or its signal aborts, a continuation picks it up where it stopped, and a run that lost its lease
 * stops without writing over the run that took it.
 */

afterEach(() => {
  vi.useRealTimers();
});

const INVOICES = ['a', 'b', 'c', 'd', 'e'];

function runIdOf(outcome: Awaited<ReturnType<ReturnType<typeof snapshotWorld>['run']>>): string {
  if (outcome.kind !== 'continue' || outcome.message.kind !== 'continue')
    throw new Error(`expected a continuation, got ${outcome.kind}`);
  return outcome.message.runId;
}

describe('handing a walk over', () => {
  test('near the deadline the walk checkpoints and answers a continuation of the same run', async () => {
    const world = snapshotWorld({ invoices: INVOICES });
    let remaining = 60_000;
    world.provider.beforeCall = () => {
      remaining = 500; // below the safety margin from the first page on
    };

    const outcome = await world.runner.handle({ kind: 'run', connection: CONNECTION }, () => remaining);

    expect(outcome).toMatchObject({
      kind: 'continue',
      message: { kind: 'continue', connection: CONNECTION, runId: expect.any(String) },
      stats: { pages: 1, invoices: 2, published: 2 },
    });
    expect(world.provider.calls).toHaveLength(1);
    expect(await world.runs.resume(CONNECTION, runIdOf(outcome))).toMatchObject({
      cursor: 'page-1',
      pages: 1,
    });
    expect((await world.runs.status(CONNECTION, world.clock())).running).toBe(true);
  });

  test('a continuation goes on from the checkpoint, and its sweep knows what earlier invocations saw', async () => {
    const world = snapshotWorld({ invoices: INVOICES });
    await world.run();
    world.provider.remove('e');
    let remaining = 60_000;
    world.provider.beforeCall = () => {
      remaining = 500;
    };
    const first = await world.runner.handle({ kind: 'run', connection: CONNECTION }, () => remaining);
    world.provider.beforeCall = undefined;
    world.clock.advance(5000);
    if (first.kind !== 'continue') throw new Error(`expected a continuation, got ${first.kind}`);

    const second = await world.runner.handle(first.message, () => 60_000);

    expect(second).toMatchObject({ kind: 'completed', goneDetection: 'ran', stats: { pages: 1, gone: 1 } });
    expect(world.provider.calls.slice(-2)).toEqual([
      { operation: 'list', cursor: null, limit: 2 },
      { operation: 'list', cursor: 'page-1', limit: 2 },
    ]);
    // Invoices of the first invocation's page were seen: not gone. Only the removed one is.
    for (const remoteId of ['a', 'b', 'c', 'd'])
      expect(await world.stored(remoteId)).toMatchObject({ gone: false });
    expect(await world.stored('e')).toMatchObject({ gone: true });
    const status = await world.runs.status(CONNECTION, world.clock());
    expect(status.lastRun?.stats).toMatchObject({ pages: 2, invoices: 4, gone: 1 });
    expect(status.lastRun?.startedAt).toBe(status.lastCompletedWalkStartedAt);
  });

  test('an aborted signal mid-call hands over; what the walk recorded so far is published first', async () => {
    const world = snapshotWorld({ invoices: INVOICES });
    const controller = new AbortController();
    world.provider.beforeCall = (call) => {
      if (call.operation === 'list' && call.cursor === 'page-1') controller.abort(new Error('shutting down'));
    };

    const outcome = await world.runner.handle(
      { kind: 'run', connection: CONNECTION },
      () => 60_000,
      controller.signal,
    );

    expect(outcome).toMatchObject({ kind: 'continue', stats: { pages: 1, published: 2 } });
    expect(world.publisher.events.map((event) => event.invoice.remoteId)).toEqual(['a', 'b']);
    expect(await world.runs.resume(CONNECTION, runIdOf(outcome))).toMatchObject({
      cursor: 'page-1',
      seen: new Set(['a', 'b']),
    });
  });

  test('a continuation of a run whose lease was taken over is skipped and touches nothing', async () => {
    const world = snapshotWorld({ invoices: INVOICES, runner: { leaseMs: 1000 } });
    let remaining = 60_000;
    world.provider.beforeCall = () => {
      remaining = 500;
    };
    const first = await world.runner.handle({ kind: 'run', connection: CONNECTION }, () => remaining);
    if (first.kind !== 'continue') throw new Error(`expected a continuation, got ${first.kind}`);
    world.clock.advance(2000);
    await world.runs.acquire(CONNECTION, 'the-next-run', 60_000, world.clock());
    const calls = world.provider.calls.length;

    const outcome = await world.runner.handle(first.message, () => 60_000);

    expect(outcome).toEqual({ kind: 'skipped', reason: 'lease-lost' });
    expect(world.provider.calls).toHaveLength(calls);
    expect((await world.runs.status(CONNECTION, world.clock())).lastRun).toBeNull();
  });

  test('a heartbeat that finds the lease taken over stops the walk: no checkpoint, no finish over the new owner', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const world = snapshotWorld({ invoices: INVOICES, runner: { leaseMs: 30 } });
    world.provider.beforeCall = async (call) => {
      if (call.operation !== 'list' || call.cursor !== 'page-1') return;
      // This run stalls past its lease; another run takes the connection; then the heartbeat beats.
      world.clock.advance(31);
      await world.runs.acquire(CONNECTION, 'intruder', 60_000, world.clock());
      await vi.advanceTimersByTimeAsync(10);
    };

    const outcome = await world.run();

    expect(outcome).toEqual({ kind: 'skipped', reason: 'lease-lost' });
    expect(world.provider.calls).toHaveLength(2);
    const status = await world.runs.status(CONNECTION, world.clock());
    expect(status).toMatchObject({ running: true, lastRun: null });
    expect(await world.runs.resume(CONNECTION, 'intruder')).toMatchObject({ cursor: null, pages: 0 });
  });

  test('while the run is alive the heartbeat keeps renewing its lease', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const world = snapshotWorld({ invoices: INVOICES, runner: { leaseMs: 30 } });
    const leaseSeen: boolean[] = [];
    world.provider.beforeCall = async () => {
      world.clock.advance(20);
      await vi.advanceTimersByTimeAsync(10);
      // Nobody else can take the connection: the lease was pushed on by the beat.
      leaseSeen.push(!(await world.runs.acquire(CONNECTION, 'intruder', 60_000, world.clock())));
    };

    const outcome = await world.run();

    expect(outcome).toMatchObject({ kind: 'completed' });
    expect(leaseSeen).toEqual([true, true, true]);
  });
});

describe('publishing what earlier runs left', () => {
  test('publishPending sends every event still in an outbox, without a walk', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b'] });
    world.publisher.down = true;
    await world.run();
    world.publisher.down = false;
    const calls = world.provider.calls.length;

    const published = await world.runner.publishPending(CONNECTION);

    expect(published).toBe(2);
    expect(world.provider.calls).toHaveLength(calls);
    expect(world.publisher.events.map((event) => event.invoice.remoteId)).toEqual(['a', 'b']);
  });

  test('an invoice met twice in one walk with two changes is published with both, once each, and leaves no outbox', async () => {
    const world = snapshotWorld({ invoices: ['a', 'b', 'c'] });
    await world.run();
    world.provider.change('a', { status: 'PAID' });
    world.provider.beforeCall = (call) => {
      if (call.operation !== 'list' || call.cursor !== 'page-1') return;
      // Two invoices land before 'a' while the walk is between pages, so 'a' is on the next page
      // too, changed once more.
      world.provider.put(providerInvoice('0'), providerInvoice('1')).change('a', { total: '250.00' });
    };

    await world.run();

    const ofA = world.publisher.events.filter((event) => event.invoice.remoteId === 'a');
    expect(ofA.map((event) => [event.type, event.sequence])).toEqual([
      ['invoice.discovered', 1],
      ['invoice.status_changed', 2],
      ['invoice.paid', 3],
      ['invoice.updated', 4],
    ]);
    const ids = world.publisher.events.map((event) => event.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(await world.stored('a')).toMatchObject({ version: 3, pending: false });
  });
});
