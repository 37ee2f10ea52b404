import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { WorkMessage } from '../../../shared/snapshot/work-queue.ts';
import { type SnapshotHarness, startSnapshotHarness } from '../../support/snapshot-harness.ts';

/**
 * A worker near its time limit saves the cursor and what it has seen, and hands the rest of the
 * walk to a continuation message; the walk then ends exactly as one uninterrupted run would.
 */

let harness: SnapshotHarness;
beforeAll(async () => {
  harness = await startSnapshotHarness(['packcloud'], { sandboxSize: 45 });
});
afterAll(() => harness.stop());

describe('checkpoints and continuations', () => {
  test('a walk handed over after every page completes with the same events and gone detection', async () => {
    const subscription = await harness.subscribe();
    const runner = harness.runner({ options: { pageSize: 10, safetyMarginMs: 1000 } });
    const sandbox = harness.sandboxes.get('packcloud');
    const ids = sandbox?.sample(45).map((invoice) => invoice.remoteId) ?? [];

    /** Each invocation gets time for exactly one page: plenty at first, too little after it. */
    async function invoke(message: WorkMessage) {
      let calls = 0;
      return runner.handle(message, () => (calls++ === 0 ? 60_000 : 0));
    }

    async function walk() {
      let message: WorkMessage = { kind: 'run', connection: 'packcloud' };
      let continuations = 0;
      for (;;) {
        const outcome = await invoke(message);
        if (outcome.kind !== 'continue') return { outcome, continuations };
        continuations++;
        message = outcome.message;
      }
    }

    const first = await walk();
    expect(first.outcome.kind).toBe('completed');
    expect(first.continuations).toBe(4); // five pages of ten, one per invocation
    const discovered = await subscription.drain();
    expect(new Set(discovered.map((event) => event.invoice.remoteId))).toEqual(new Set(ids));
    expect(discovered.every((event) => event.type === 'invoice.discovered' && event.sequence === 1)).toBe(
      true,
    );
    expect(new Set(discovered.map((event) => event.id)).size).toBe(ids.length);

    // An invoice deleted from page one must be seen as gone although another invocation read page one.
    const open = sandbox?.sample(10).find((invoice) => ['open', 'sent', 'paid'].includes(invoice.status));
    sandbox?.remove(open?.remoteId ?? '');
    const second = await walk();
    expect(second.outcome.kind).toBe('completed');
    expect((await subscription.drain()).map((event) => event.type)).toEqual([
      'invoice.status_changed',
      'invoice.voided',
    ]);
  });

  test('a continuation whose lease was taken over stands back', async () => {
    const runner = harness.runner({ options: { pageSize: 10, safetyMarginMs: 1000, leaseMs: 1 } });
    let calls = 0;
    const outcome = await runner.handle({ kind: 'run', connection: 'packcloud' }, () =>
      calls++ === 0 ? 60_000 : 0,
    );
    expect(outcome.kind).toBe('continue');
    await new Promise((resolve) => setTimeout(resolve, 5));
    const usurper = await harness
      .runner()
      .handle({ kind: 'run', connection: 'packcloud' }, () => Number.POSITIVE_INFINITY);
    expect(usurper.kind).toBe('completed');
    if (outcome.kind !== 'continue') return;
    expect(await runner.handle(outcome.message, () => Number.POSITIVE_INFINITY)).toEqual({
      kind: 'skipped',
      reason: 'lease-lost',
    });
  });
});
