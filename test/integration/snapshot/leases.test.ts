import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type SnapshotHarness, startSnapshotHarness } from '../../support/snapshot-harness.ts';

/**
 * Leases are short and kept alive by the running walk's heartbeat: a walk that lives keeps its
 * connection for as long as it runs, and one that crashed blocks it only until its lease ends.
 */

let harness: SnapshotHarness;
beforeAll(async () => {
  harness = await startSnapshotHarness(['carbonext'], { sandboxSize: 30 });
});
afterAll(() => harness.stop());

// Long enough that a renewal slowed by a busy machine (DynamoDB Local's JVM under CI load once
// took over two thirds of a 1 s lease) still lands in time; the walk below outlasts it four times.
const LEASE_MS = 3000;
const run = () =>
  harness
    .runner({ options: { leaseMs: LEASE_MS, pageSize: 3 } })
    .handle({ kind: 'run', connection: 'carbonext' }, () => Number.POSITIVE_INFINITY);

describe('snapshot leases', () => {
  test('a walk longer than its lease keeps it through the heartbeat: no second run overlaps it', async () => {
    // Ten pages of 1.2 s each: the walk outlasts its lease four times over.
    harness.sandboxes.get('carbonext')?.faults.configure({ latencyMs: 1200 });
    const walking = run();
    const attempts: string[] = [];
    for (let round = 0; round < 3; round++) {
      await new Promise((resolve) => setTimeout(resolve, LEASE_MS));
      attempts.push((await run()).kind);
    }
    harness.sandboxes.get('carbonext')?.faults.reset();
    expect((await walking).kind).toBe('completed');
    expect(attempts).toEqual(['skipped', 'skipped', 'skipped']);
  });

  test('a crashed run blocks its connection only until its short lease runs out', async () => {
    // A run that took the lease and died: no heartbeat, no finish.
    expect(await harness.runs.acquire('carbonext', 'crashed-run', LEASE_MS, Date.now())).toBe(true);
    expect((await run()).kind).toBe('skipped');
    await new Promise((resolve) => setTimeout(resolve, LEASE_MS + 50));
    expect((await run()).kind).toBe('completed');
  });
});
