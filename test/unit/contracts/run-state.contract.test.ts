import { describe, expect, test } from 'vitest';
import { DynamoRunStateStore } from '../../../shared/snapshot/dynamo-run-state.ts';
import { emptyStats, type RunStateStore, type WalkProgress } from '../../../shared/snapshot/run-state.ts';
import { peerName, unique, useDynamoTable } from '../../support/fakes/contract-peer.ts';
import { MemoryRunStateStore } from '../../support/fakes/memory-run-state.ts';

/**
 * The run state's contract (run-state.ts): one lease at a time, taken over only once it ran out,
 * renewed and checkpointed only by its owner; a checkpoint round-trips the walk; a finished run
 * keeps its outcome. Run against the in-memory fake and the DynamoDB store.
 */

const dynamo = useDynamoTable();

const implementations: Array<[string, () => RunStateStore]> = [
  ['in memory', () => new MemoryRunStateStore()],
  [`DynamoDB (${peerName})`, () => new DynamoRunStateStore(dynamo.table())],
];

const NOW = Date.parse('2026-03-01T00:00:00Z');

function progressOf(fields: Partial<WalkProgress> = {}): WalkProgress {
  return {
    cursor: 'page-7',
    pages: 7,
    seen: new Set(['inv-1', 'inv-2']),
    watches: new Set(['order#5']),
    cursors: new Set(['digest-1']),
    quarantinedIds: new Set(['inv-3']),
    quarantined: 2,
    unidentified: 1,
    phase: 'walk',
    startedAt: new Date(NOW).toISOString(),
    totals: { ...emptyStats(), invoices: 700, changed: 3 },
    ...fields,
  };
}

describe.each(implementations)('the run state contract, %s', (_name, make) => {
  test('one lease at a time: a held lease is refused, an expired one is taken over', async () => {
    const runs = make();
    const connection = unique('runs');

    const outcomes = [
      await runs.acquire(connection, 'run-1', 1000, NOW),
      await runs.acquire(connection, 'run-2', 1000, NOW + 500),
      await runs.acquire(connection, 'run-2', 1000, NOW + 1001),
    ];

    expect(outcomes).toEqual([true, false, true]);
  });

  test('only the owner renews; a run whose lease was taken over cannot renew or checkpoint', async () => {
    const runs = make();
    const connection = unique('runs');
    await runs.acquire(connection, 'run-1', 1000, NOW);

    const byOwner = await runs.renew(connection, 'run-1', 1000, NOW + 900);
    const byOther = await runs.renew(connection, 'run-2', 1000, NOW + 900);
    await runs.acquire(connection, 'run-2', 1000, NOW + 2000);
    const lostRenew = await runs.renew(connection, 'run-1', 1000, NOW + 2100);
    const lostCheckpoint = await runs.checkpoint(connection, 'run-1', progressOf(), NOW + 2100);

    expect([byOwner, byOther, lostRenew, lostCheckpoint]).toEqual([true, false, false, false]);
    expect(await runs.resume(connection, 'run-1')).toBeNull();
  });

  test('an expired lease nobody took is still its owner’s to renew', async () => {
    const runs = make();
    const connection = unique('runs');
    await runs.acquire(connection, 'run-1', 1000, NOW);

    expect(await runs.renew(connection, 'run-1', 1000, NOW + 5000)).toBe(true);
    expect((await runs.status(connection, NOW + 5500)).running).toBe(true);
  });

  test('a checkpoint round-trips the walk; a smaller later one leaves nothing of the first', async () => {
    const runs = make();
    const connection = unique('runs');
    await runs.acquire(connection, 'run-x', 60_000, NOW);
    await runs.checkpoint(connection, 'run-x', progressOf(), NOW);

    await runs.checkpoint(
      connection,
      'run-x',
      progressOf({ seen: new Set(['only']), cursor: null, phase: 'sweep' }),
      NOW,
    );
    const resumed = await runs.resume(connection, 'run-x');

    expect(resumed).toMatchObject({
      cursor: null,
      pages: 7,
      quarantined: 2,
      unidentified: 1,
      phase: 'sweep',
    });
    expect(resumed?.seen).toEqual(new Set(['only']));
    expect(resumed?.watches).toEqual(new Set(['order#5']));
    expect(resumed?.cursors).toEqual(new Set(['digest-1']));
    expect(resumed?.quarantinedIds).toEqual(new Set(['inv-3']));
    expect(resumed?.totals).toEqual({ ...emptyStats(), invoices: 700, changed: 3 });
    expect(resumed?.startedAt).toBe(new Date(NOW).toISOString());
  });

  test('a completed run releases its lease and keeps when its walk began and what it quarantined', async () => {
    const runs = make();
    const connection = unique('runs');
    await runs.acquire(connection, 'run-x', 60_000, NOW);
    const stats = { ...emptyStats(), pages: 3 };

    await runs.finish(
      connection,
      'run-x',
      { completed: true, reason: null, stats, goneDetection: 'ran', quarantinedIds: ['inv-3'] },
      NOW + 1000,
    );
    const status = await runs.status(connection, NOW + 2000);

    expect(status).toEqual({
      running: false,
      lastRun: {
        startedAt: new Date(NOW).toISOString(),
        finishedAt: new Date(NOW + 1000).toISOString(),
        outcome: 'completed',
        reason: null,
        stats,
        goneDetection: 'ran',
      },
      lastCompletedAt: new Date(NOW + 1000).toISOString(),
      lastCompletedWalkStartedAt: new Date(NOW).toISOString(),
      lastCompletedQuarantined: ['inv-3'],
    });
    expect(await runs.acquire(connection, 'run-y', 60_000, NOW + 3000)).toBe(true);
  });

  test('a failed run keeps its reason but not a completed walk', async () => {
    const runs = make();
    const connection = unique('runs');
    await runs.acquire(connection, 'run-f', 60_000, NOW);

    await runs.finish(
      connection,
      'run-f',
      {
        completed: false,
        reason: 'provider down',
        stats: emptyStats(),
        goneDetection: 'skipped',
        quarantinedIds: [],
      },
      NOW + 1000,
    );
    const status = await runs.status(connection, NOW + 2000);

    expect(status.lastRun).toMatchObject({ outcome: 'failed', reason: 'provider down' });
    expect(status.lastCompletedAt).toBeNull();
    expect(status.running).toBe(false);
  });

  test('a run that lost its lease cannot finish over the run that took it', async () => {
    const runs = make();
    const connection = unique('runs');
    await runs.acquire(connection, 'run-old', 1000, NOW);
    await runs.acquire(connection, 'run-new', 60_000, NOW + 2000);

    await runs.finish(
      connection,
      'run-old',
      { completed: true, reason: null, stats: emptyStats(), goneDetection: 'ran', quarantinedIds: [] },
      NOW + 3000,
    );

    expect(await runs.status(connection, NOW + 3000)).toMatchObject({ running: true, lastRun: null });
  });
});
