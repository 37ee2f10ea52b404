import { SNSClient } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, test } from 'vitest';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../infra/local/dynamodb.ts';
import type { EventPublisher } from '../../../shared/events/event-publisher.ts';
import { SnsEventPublisher } from '../../../shared/events/event-publisher.ts';
import type { EventType } from '../../../shared/events/event-type.ts';
import type { InvoiceEvent } from '../../../shared/events/invoice-event.ts';
import { createCarbonextSandbox } from '../../../shared/providers/carbonext/sandbox.ts';
import { DynamoSnapshotStore } from '../../../shared/snapshot/dynamo-snapshot-store.ts';
import type { RunStateStore } from '../../../shared/snapshot/run-state.ts';
import { SnapshotRunner } from '../../../shared/snapshot/snapshot-runner.ts';
import type { SnapshotWrite } from '../../../shared/snapshot/snapshot-store.ts';
import { watchKey } from '../../../shared/watches/watch-store.ts';
import { startFaultyProxy } from '../../support/faulty-proxy.ts';
import { hostileSandbox, isProviderCall } from '../../support/hostile-sandbox.ts';
import {
  type SnapshotHarness,
  type Subscription,
  startSnapshotHarness,
} from '../../support/snapshot-harness.ts';

/**
 * Faults injected around the snapshot runs, each scenario ending with the exact expected event
 * set delivered to a subscriber of the topic: nothing lost, nothing extra, and any duplicate only
 * as the same event id (never a new id for an old change). Real dynalite, fauxqs and sandbox.
 */

const CONNECTION = 'carbonext';

/** The real store, counting the conditional writes it lost. */
class CountingSnapshotStore extends DynamoSnapshotStore {
  conflicts = 0;
  override async write(change: SnapshotWrite) {
    const outcome = await super.write(change);
    if (outcome === 'conflict') this.conflicts++;
    return outcome;
  }
}
const SIZE = 40;
let harness: SnapshotHarness;

afterEach(async () => {
  await harness.stop();
});

async function setUp() {
  harness = await startSnapshotHarness([CONNECTION], { sandboxSize: SIZE });
  return afterStart();
}

async function afterStart() {
  const subscription = await harness.subscribe();
  const sandbox = harness.sandboxes.get(CONNECTION);
  if (sandbox === undefined) throw new Error('no sandbox');
  const ids = sandbox.sample(SIZE).map((invoice) => invoice.remoteId);
  return { subscription, sandbox, ids };
}

/** Runs a connection until a run completes (bounded: every fault test stops by itself). */
async function runUntilComplete(runner: SnapshotRunner, attempts = 10) {
  for (let attempt = 0; attempt < attempts; attempt++) {
    try {
      const outcome = await runner.handle(
        { kind: 'run', connection: CONNECTION },
        () => Number.POSITIVE_INFINITY,
      );
      if (outcome.kind === 'completed') return outcome;
    } catch {
      // a crashed run; the next one picks up
    }
  }
  throw new Error('no run completed');
}

/** Publishes what is still pending until nothing is (bounded). */
async function flushOutboxes(runner: SnapshotRunner, attempts = 20) {
  for (let attempt = 0; attempt < attempts; attempt++) {
    await runner.publishPending(CONNECTION);
    let pending = 0;
    for await (const _ of harness.snapshots.pending(CONNECTION)) pending++;
    if (pending === 0) return;
  }
  throw new Error('outboxes never emptied');
}

/** An expected event: which invoice, what happened, at which place in its sequence (of CONNECTION unless named). */
type Expected =
  | [remoteId: string, type: EventType, sequence: number]
  | [remoteId: string, type: EventType, sequence: number, connection: string];

const discovered = (ids: string[]): Expected[] => ids.map((id) => [id, 'invoice.discovered', 1]);
const statusChanges = (ids: string[], then: EventType, sequence = 2): Expected[] =>
  ids.flatMap((id): Expected[] => [
    [id, 'invoice.status_changed', sequence],
    [id, then, sequence + 1],
  ]);
const paid = (ids: string[]) => statusChanges(ids, 'invoice.paid');
const keyOf = (event: InvoiceEvent) =>
  `${event.connection}|${event.invoice.remoteId}|${event.type}|${event.sequence}`;
const keyOfExpected = ([remoteId, type, sequence, connection = CONNECTION]: Expected) =>
  `${connection}|${remoteId}|${type}|${sequence}`;

/** Pending invoices of the sandbox marked Paid: each yields status_changed + paid. */
function payPending(
  sandbox: {
    sample(n: number): Array<{ remoteId: string; status: string }>;
    setStatus(id: string, s: string): unknown;
  },
  count: number,
) {
  const chosen = sandbox
    .sample(SIZE)
    .filter((invoice) => invoice.status === 'Pending')
    .slice(0, count)
    .map((invoice) => invoice.remoteId);
  for (const id of chosen) sandbox.setStatus(id, 'Paid');
  return chosen;
}

/**
 * The subscriber got exactly the expected changes: none lost, none extra; each change under one
 * id, no id for two changes, any duplicate byte for byte the same event; and every id is the one
 * the invoice's history holds.
 */
async function expectExactly(subscription: Subscription, expected: Expected[]) {
  const delivered = await subscription.drain();
  expect(new Set(delivered.map(keyOf))).toEqual(new Set(expected.map(keyOfExpected)));
  const idOfChange = new Map<string, string>();
  const bodyOfId = new Map<string, string>();
  for (const event of delivered) {
    expect(idOfChange.get(keyOf(event)) ?? event.id).toBe(event.id);
    idOfChange.set(keyOf(event), event.id);
    const body = JSON.stringify(event);
    expect(bodyOfId.get(event.id) ?? body).toBe(body);
    bodyOfId.set(event.id, body);
  }
  expect(new Set(idOfChange.values()).size).toBe(idOfChange.size);
  for (const event of delivered) {
    const history = await harness.log.history(event.connection, event.invoice.remoteId);
    expect(history.find((logged) => logged.id === event.id)).toEqual(event);
  }
  return delivered;
}

describe('no event is ever lost', () => {
  test('SNS failing 30% of publishes: retried runs deliver exactly the expected events', async () => {
    const { subscription, sandbox, ids } = await setUp();
    const proxy = await startFaultyProxy(harness.fauxqs.address, 0.3);
    const flaky = new SnsEventPublisher(
      new SNSClient({
        endpoint: proxy.url,
        region: LOCAL_REGION,
        credentials: LOCAL_CREDENTIALS,
        maxAttempts: 1,
      }),
      harness.messaging.eventsTopicArn,
    );
    const runner = harness.runner({ publisher: flaky, options: { pageSize: 10 } });
    try {
      await runUntilComplete(runner);
      const changed = payPending(sandbox, 6);
      await runUntilComplete(runner);
      await flushOutboxes(runner);
      expect(proxy.counts.failed).toBeGreaterThan(0);
      await expectExactly(subscription, [...discovered(ids), ...paid(changed)]);
    } finally {
      await proxy.close();
    }
  });

  test('a worker crashing between the DynamoDB write and the publish: the next run publishes the same events', async () => {
    const { subscription, sandbox, ids } = await setUp();
    await runUntilComplete(harness.runner());
    await subscription.drain();
    const changed = payPending(sandbox, 4);
    const real = new SnsEventPublisher(harness.messaging.sns, harness.messaging.eventsTopicArn);
    let crashes = 0;
    const crashing: EventPublisher = {
      publish: async () => {
        crashes++;
        throw new Error('the worker died here');
      },
    };
    await expect(
      harness
        .runner({ publisher: crashing })
        .handle({ kind: 'run', connection: CONNECTION }, () => Number.POSITIVE_INFINITY),
    ).rejects.toThrow('the worker died here');
    expect(crashes).toBe(1);
    expect(await subscription.drain()).toEqual([]);
    await runUntilComplete(harness.runner({ publisher: real }));
    await expectExactly(subscription, paid(changed));
    expect(ids.length).toBe(SIZE);
  });

  test('the provider failing mid-walk marks nothing gone; a later complete walk voids what really went', async () => {
    const { subscription, sandbox, ids } = await setUp();
    const runner = harness.runner({ options: { pageSize: 10 } });
    await runUntilComplete(runner);
    await subscription.drain();
    sandbox.faults.configure({ failNext: { count: 50, status: 500, after: 2 } });
    const failed = await runner.handle(
      { kind: 'run', connection: CONNECTION },
      () => Number.POSITIVE_INFINITY,
    );
    expect(failed.kind).toBe('failed');
    expect(await subscription.drain()).toEqual([]);
    sandbox.faults.reset();
    const removed = ids.slice(-3);
    for (const id of removed) sandbox.remove(id);
    await runUntilComplete(runner);
    await expectExactly(subscription, statusChanges(removed, 'invoice.voided'));
  });

  test('two runs started at once for one connection: one walks, the other stands back', async () => {
    const { subscription, ids } = await setUp();
    const outcomes = await Promise.all([
      harness
        .runner({ options: { pageSize: 10 } })
        .handle({ kind: 'run', connection: CONNECTION }, () => Number.POSITIVE_INFINITY),
      harness
        .runner({ options: { pageSize: 10 } })
        .handle({ kind: 'run', connection: CONNECTION }, () => Number.POSITIVE_INFINITY),
    ]);
    expect(outcomes.map((outcome) => outcome.kind).sort()).toEqual(['completed', 'skipped']);
    await expectExactly(subscription, discovered(ids));
  });

  test('DynamoDB conditional-check races between writers: each change recorded once, under one id', async () => {
    const { subscription, sandbox, ids } = await setUp();
    await runUntilComplete(harness.runner());
    await subscription.drain();
    const changed = payPending(sandbox, 8);
    // Without the lease (it is what normally prevents this), two walks race over the same invoices.
    const noLease = {
      acquire: async () => true,
      renew: async () => true,
      finish: async () => undefined,
    } as unknown as RunStateStore;
    const store = new CountingSnapshotStore(harness.table);
    const racer = () =>
      new SnapshotRunner({
        connections: harness.connections,
        snapshots: store,
        runs: noLease,
        watches: harness.watches,
        log: harness.log,
        publisher: new SnsEventPublisher(harness.messaging.sns, harness.messaging.eventsTopicArn),
        options: { pageSize: 5 },
      });
    const outcomes = await Promise.all(
      [0, 1, 2].map(() =>
        racer().handle({ kind: 'run', connection: CONNECTION }, () => Number.POSITIVE_INFINITY),
      ),
    );
    expect(outcomes.every((outcome) => outcome.kind === 'completed')).toBe(true);
    expect(store.conflicts).toBeGreaterThan(0); // the race really happened
    await expectExactly(subscription, paid(changed));
    expect(ids.length).toBe(SIZE);
  });

  test('a campaign mixing the faults: poison record, looping link, concurrent pollers, a crash and a stop mid-walk, a re-watch', async () => {
    // carbonext misbehaves on cue: one record it cannot read, a page link that loops.
    const carbonext = createCarbonextSandbox({ size: SIZE });
    const poisonId = carbonext.sample(5)[3]?.remoteId ?? '';
    const faults = { poison: true, loop: false };
    const hostile = hostileSandbox(carbonext, {
      response: (request, response) => {
        if (!isProviderCall(request) || request.path !== '/v1/invoices') return response;
        let body = response.body;
        if (faults.poison)
          body = body.replace(
            new RegExp(`("id":"${poisonId}"[^}]*?"totalPrice":)[^,}]+`),
            (_, prefix: string) => `${prefix}1e400`,
          );
        if (faults.loop)
          body = body
            .replace(/"pageIndex":\d+/, '"pageIndex":1')
            .replace(/"hasNextPage":false/, '"hasNextPage":true');
        return { ...response, body };
      },
    });
    harness = await startSnapshotHarness([CONNECTION, 'vn-einvoice'], {
      sandboxSize: SIZE,
      apps: { carbonext: hostile },
    });
    const subscription = await harness.subscribe();
    const ids = carbonext.sample(SIZE).map((invoice) => invoice.remoteId);
    const run = (runner: SnapshotRunner, connection = CONNECTION, signal?: AbortSignal) =>
      runner.handle({ kind: 'run', connection }, () => Number.POSITIVE_INFINITY, signal);
    const runner = () => harness.runner({ options: { pageSize: 10 } });

    // 1. Two pollers at once, the poison record on the page: one walks, the other stands back,
    // and every other invoice is discovered.
    const first = await Promise.all([run(runner()), run(runner())]);
    expect(first.map((outcome) => outcome.kind).sort()).toEqual(['completed', 'skipped']);
    expect(first.find((outcome) => outcome.kind === 'completed')).toMatchObject({
      stats: { quarantined: 1 },
    });

    // 2. Payments upstream; the poison heals, but the page link loops: the walk fails saying why.
    const changed = payPending(carbonext, 5);
    faults.poison = false;
    faults.loop = true;
    expect(await run(runner())).toMatchObject({ kind: 'failed', reason: expect.stringMatching(/repeats/) });
    faults.loop = false;

    // 3. A worker that dies at its publish, then one stopped from outside after its first page.
    const dying: EventPublisher = {
      publish: async () => {
        throw new Error('the worker died here');
      },
    };
    await run(harness.runner({ publisher: dying, options: { pageSize: 10 } })).catch(() => undefined);
    const stop = new AbortController();
    const stopped = harness.runner({
      options: { pageSize: 10 },
      reporter: { quarantined: () => undefined },
    });
    let pages = 0;
    const counting = hostile.handle.bind(hostile);
    hostile.handle = async (request) => {
      if (isProviderCall(request) && ++pages === 2) stop.abort(new Error('SIGTERM'));
      return counting(request);
    };
    const handedOver = await run(stopped, CONNECTION, stop.signal);
    hostile.handle = counting;
    expect(handedOver.kind).toBe('continue');
    if (handedOver.kind === 'continue') {
      const finished = await runner().handle(handedOver.message, () => Number.POSITIVE_INFINITY);
      expect(finished.kind).toBe('completed');
    }
    await runUntilComplete(runner());

    // 4. A re-watch on a provider without a list: watched, forgotten, changed upstream, watched
    // again; its sequence goes on and its new events get new ids.
    const vn = harness.sandboxes.get('vn-einvoice');
    const watched = vn
      ?.sample(SIZE)
      .find((invoice) => ['SUBMITTED', 'SUCCESS', 'ACCEPTED'].includes(invoice.status));
    const watch = {
      kind: 'invoice' as const,
      id: watched?.remoteId ?? '',
      key: watchKey('invoice', watched?.remoteId ?? ''),
    };
    await harness.watches.add('acme', 'vn-einvoice', watch, 100, Date.now());
    await run(runner(), 'vn-einvoice');
    await harness.watches.remove('acme', 'vn-einvoice', watch);
    await run(runner(), 'vn-einvoice');
    vn?.setStatus(watch.id, 'CANCELED');
    await harness.watches.add('acme', 'vn-einvoice', watch, 100, Date.now());
    await run(runner(), 'vn-einvoice');

    // Every change exactly once, under one id each; nothing lost, nothing new for old changes.
    await expectExactly(subscription, [
      ...discovered(ids),
      ...paid(changed),
      [watch.id, 'invoice.discovered', 1, 'vn-einvoice'],
      [watch.id, 'invoice.status_changed', 2, 'vn-einvoice'],
      [watch.id, 'invoice.voided', 3, 'vn-einvoice'],
    ]);
  });
});
