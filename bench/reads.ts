import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localConnections } from '../infra/local/local-connections.ts';
import { type LocalRuntime, startLocalRuntime } from '../infra/local/local-runtime.ts';
import { mapConcurrently } from '../shared/concurrency.ts';
import { ConfiguredConnections } from '../shared/connections/connection-registry.ts';
import { stateHash } from '../shared/events/change-detection.ts';
import type { Invoice } from '../shared/invoice/invoice.ts';
import type { ProviderId } from '../shared/providers/registry.ts';
import { SANDBOXES } from '../shared/sandbox/sandbox-registry.ts';
import { DynamoSnapshotStore } from '../shared/snapshot/dynamo-snapshot-store.ts';
import { Table } from '../shared/storage/dynamo.ts';
import { median, percentile, table } from './support/measure.ts';

/**
 * bench/reads: answers from the snapshot store against answers from the provider, side by side in
 * one run of the local runtime (real handlers, dynalite, the sandboxes over HTTP on loopback).
 *
 * - Per list-capable provider: a page of 100 with `source=live` and with `source=snapshot`, and one
 *   invoice by id each way (pretendentas has no paging and no single-invoice call: a live lookup
 *   downloads the connection's whole list).
 * - `GET /v1/invoices?updatedSince=` (tenant-wide incremental sync) over a carbonext connection of
 *   BENCH_READS_STORED invoices (100,000) of which 1 % changed since the previous sync.
 *
 * The sandboxes answer on loopback, without a network between: a real provider adds its round
 * trips, so the live figures are the least a live answer costs.
 *
 * DynamoDB requests are counted where dynalite receives them, for each API request alone
 * (requests run one after another, and nothing else runs: no schedules). Latencies are of requests
 * one after another on this machine, alternating live and snapshot; medians over ROUNDS rounds.
 * Targets: a snapshot page of 100 costs ≤ 3 DynamoDB requests, and a snapshot lookup of one
 * pretendentas invoice answers ≥ 10× faster than the live one.
 */

const STORED = Number(process.env.BENCH_READS_STORED ?? 100_000);
/** Invoices in each of the other sandboxes. */
const LISTED = Number(process.env.BENCH_READS_LISTED ?? 1_000);
/**
 * pretendentas answers with a customer's whole history in one body, so its live lookup of one
 * invoice costs in proportion to it; 5,000 is a few years of a distributor's regular customer.
 */
const PRETENDENTAS = Number(process.env.BENCH_READS_PRETENDENTAS ?? 5_000);
const ROUNDS = 5;
const SAMPLES = 40;
const LIST_PROVIDERS = ['carbonext', 'pretendentas', 'packcloud'] as const satisfies ProviderId[];

interface Sample {
  ms: number;
  dynamoRequests: number;
  /** Of `ms`, the time DynamoDB (dynalite) was answering. */
  dynamoMs: number;
}

export async function benchReads(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'invoice-relay-bench-reads-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    logLevel: 'ERROR',
    sandboxSize: LISTED,
    sandboxes: {
      carbonext: SANDBOXES.carbonext({ size: STORED }),
      pretendentas: SANDBOXES.pretendentas({ size: PRETENDENTAS }),
    },
    snapshotIntervalSeconds: 0,
    reconcileIntervalSeconds: 0,
    // The benchmark key must not be throttled: the per-key limit would cap the API, not its cost.
    functionSettings: { RATE_LIMIT_PER_SECOND: 1_000_000, RATE_LIMIT_BURST: 1_000_000 },
  });
  // Requests dynalite receives, and the time at least one of them is in flight there.
  let dynamoRequests = 0;
  let dynamoBusyMs = 0;
  let inFlight = 0;
  let busySince = 0;
  const countRequest = (_request: IncomingMessage, response: ServerResponse) => {
    dynamoRequests++;
    if (inFlight++ === 0) busySince = performance.now();
    response.once('close', () => {
      if (--inFlight === 0) dynamoBusyMs += performance.now() - busySince;
    });
  };
  runtime.dynamo.server.on('request', countRequest);
  const headers = { authorization: `Bearer ${runtime.apiKey}` };

  /** One API request, timed, with the DynamoDB requests it made. */
  async function call(path: string): Promise<Sample & { body: { next?: string | null } }> {
    const before = dynamoRequests;
    const busyBefore = dynamoBusyMs;
    const started = performance.now();
    const response = await fetch(`${runtime.url}${path}`, { headers });
    const body = (await response.json()) as { next?: string | null };
    const ms = performance.now() - started;
    if (response.status !== 200)
      throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return { ms, dynamoRequests: dynamoRequests - before, dynamoMs: dynamoBusyMs - busyBefore, body };
  }

  try {
    const seedStarted = performance.now();
    const connections = seedingConnections(runtime.url);
    const seeded: Record<string, number> = {};
    for (const provider of LIST_PROVIDERS) seeded[provider] = await seed(runtime, connections, provider);
    const seedSeconds = (performance.now() - seedStarted) / 1000;

    // 1 % of the carbonext invoices are paid after the previous sync began.
    const carbonext = runtime.sandboxes.get('carbonext');
    if (carbonext === undefined) throw new Error('no carbonext sandbox');
    const previousSync = new Date().toISOString();
    const pending = carbonext.sample(STORED).filter((invoice) => invoice.status === 'Pending');
    const changes = Math.round(STORED * 0.01);
    const stride = pending.length / changes;
    const changed: string[] = [];
    for (let index = 0; index < changes; index++) {
      const remoteId = pending[Math.floor(index * stride)]?.remoteId;
      if (remoteId !== undefined && carbonext.setStatus(remoteId, 'Paid') === 'changed')
        changed.push(remoteId);
    }
    await restore(runtime, connections, 'carbonext', changed);
    // Reads see changes once they are older than the settle window (2 s).
    await new Promise((resolve) => setTimeout(resolve, 2500));

    const rows: Array<Record<string, string | number>> = [];
    const snapshotPageRequests: number[] = [];
    let pretendentasRatio = 0;

    for (const provider of LIST_PROVIDERS) {
      const base = `/v1/connections/${provider}/invoices`;
      const first = await call(`${base}?limit=1&source=snapshot`);
      const invoiceId = (first.body as { invoices?: Array<{ remoteId: string }> }).invoices?.[0]?.remoteId;
      if (invoiceId === undefined) throw new Error(`${provider}: nothing stored`);
      const shapes = {
        'page of 100': (source: string) => `${base}?limit=100&source=${source}`,
        'one invoice': (source: string) => `${base}/${encodeURIComponent(invoiceId)}?source=${source}`,
      };
      for (const [shape, path] of Object.entries(shapes)) {
        await call(path('live'));
        await call(path('snapshot'));
        const live: Sample[][] = [];
        const snapshot: Sample[][] = [];
        for (let round = 0; round < ROUNDS; round++) {
          const liveRound: Sample[] = [];
          const snapshotRound: Sample[] = [];
          for (let sample = 0; sample < SAMPLES; sample++) {
            liveRound.push(await call(path('live')));
            snapshotRound.push(await call(path('snapshot')));
          }
          live.push(liveRound);
          snapshot.push(snapshotRound);
        }
        const at = (runs: Sample[][], p: number) =>
          median(
            runs.map((run) =>
              percentile(
                run.map((s) => s.ms),
                p,
              ),
            ),
          );
        const requests = snapshot.flat().map((sample) => sample.dynamoRequests);
        if (shape === 'page of 100') snapshotPageRequests.push(...requests);
        const speedup = at(live, 50) / at(snapshot, 50);
        if (provider === 'pretendentas' && shape === 'one invoice') pretendentasRatio = speedup;
        rows.push({
          read: `${provider} ${shape}`,
          'live p50 ms': at(live, 50).toFixed(2),
          'live p99 ms': at(live, 99).toFixed(2),
          'snapshot p50 ms': at(snapshot, 50).toFixed(2),
          'snapshot p99 ms': at(snapshot, 99).toFixed(2),
          'of which DynamoDB p50 ms': median(snapshot.flat().map((sample) => sample.dynamoMs)).toFixed(2),
          'live/snapshot (p50)': `${speedup.toFixed(1)}×`,
          'DynamoDB req (snapshot)': `${median(requests)} (max ${Math.max(...requests)})`,
        });
      }
    }

    // The incremental sync: every page since the previous sync, following cursors, ROUNDS times.
    const syncPages: Sample[][] = [];
    let synced = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const pages: Sample[] = [];
      let path: string | null =
        `/v1/invoices?connection=carbonext&updatedSince=${encodeURIComponent(previousSync)}&limit=100`;
      synced = 0;
      while (path !== null) {
        const page = await call(path);
        pages.push(page);
        synced += (page.body as { invoices: unknown[] }).invoices.length;
        path =
          typeof page.body.next === 'string'
            ? `/v1/invoices?connection=carbonext&updatedSince=${encodeURIComponent(previousSync)}&limit=100&cursor=${encodeURIComponent(page.body.next)}`
            : null;
      }
      syncPages.push(pages);
    }
    // The same sync over every connection of the key (one partition query per connection).
    const tenantWide: Sample[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      let path: string | null = `/v1/invoices?updatedSince=${encodeURIComponent(previousSync)}&limit=100`;
      while (path !== null) {
        const page = await call(path);
        tenantWide.push(page);
        path =
          typeof page.body.next === 'string'
            ? `/v1/invoices?updatedSince=${encodeURIComponent(previousSync)}&limit=100&cursor=${encodeURIComponent(page.body.next)}`
            : null;
      }
    }
    const syncRequests = syncPages.flat().map((page) => page.dynamoRequests);
    snapshotPageRequests.push(...syncRequests);
    const syncMs = (p: number) =>
      median(
        syncPages.map((pages) =>
          percentile(
            pages.map((s) => s.ms),
            p,
          ),
        ),
      );
    rows.push({
      read: `GET /v1/invoices?updatedSince (carbonext, ${STORED} stored, ${synced} changed)`,
      'live p50 ms': '-',
      'live p99 ms': '-',
      'snapshot p50 ms': syncMs(50).toFixed(2),
      'snapshot p99 ms': syncMs(99).toFixed(2),
      'of which DynamoDB p50 ms': median(syncPages.flat().map((sample) => sample.dynamoMs)).toFixed(2),
      'live/snapshot (p50)': '-',
      'DynamoDB req (snapshot)': `${median(syncRequests)} (max ${Math.max(...syncRequests)})`,
    });
    const tenantRequests = tenantWide.map((page) => page.dynamoRequests);
    rows.push({
      read: 'GET /v1/invoices?updatedSince (all 5 connections)',
      'live p50 ms': '-',
      'live p99 ms': '-',
      'snapshot p50 ms': percentile(
        tenantWide.map((s) => s.ms),
        50,
      ).toFixed(2),
      'snapshot p99 ms': percentile(
        tenantWide.map((s) => s.ms),
        99,
      ).toFixed(2),
      'of which DynamoDB p50 ms': median(tenantWide.map((sample) => sample.dynamoMs)).toFixed(2),
      'live/snapshot (p50)': '-',
      'DynamoDB req (snapshot)': `${median(tenantRequests)} (max ${Math.max(...tenantRequests)})`,
    });

    console.log(
      `\nbench/reads: live against snapshot answers through the local API (carbonext ${STORED} invoices, pretendentas ${PRETENDENTAS}, the other sandboxes ${LISTED}; every peer in this process on a shared 2-core machine, so absolute figures are this machine's; stored in ${seedSeconds.toFixed(0)} s; ${ROUNDS} rounds of ${SAMPLES} alternating requests, medians of each round's percentiles)\n`,
    );
    console.log(table(rows));
    const requestsMet = Math.max(...snapshotPageRequests) <= 3;
    const speedMet = pretendentasRatio >= 10;
    console.log(
      `\na snapshot page of one connection costs ≤ 3 DynamoDB requests: ${requestsMet ? 'met' : 'MISSED'} (max ${Math.max(...snapshotPageRequests)}); a tenant-wide page costs one query per connection read plus one run-state read per connection on the page`,
    );
    console.log(
      `a snapshot lookup of one pretendentas invoice is ≥ 10× faster than the live one: ${speedMet ? 'met' : 'MISSED'} (${pretendentasRatio.toFixed(1)}×)`,
    );
    return requestsMet && speedMet;
  } finally {
    runtime.dynamo.server.off('request', countRequest);
    await runtime.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The sandbox connections as the runtime configures them, opened from this process. */
function seedingConnections(runtimeUrl: string): ConfiguredConnections {
  const local = localConnections(runtimeUrl);
  return new ConfiguredConnections(local.connections, {
    get: async (reference) =>
      'environment' in reference ? (local.secrets[reference.environment] ?? '') : '',
  });
}

/**
 * Stores a provider's whole list the way a walk's first sighting does (DynamoSnapshotStore.write,
 * the item and index entries a walk writes), without its events: a discovery of 100,000 invoices
 * through the runtime takes about 20 minutes of dynalite on this machine (bench/snapshot measures
 * walks), and this benchmark is about reading what is stored.
 */
async function seed(runtime: LocalRuntime, connections: ConfiguredConnections, provider: ProviderId) {
  const adapter = connections.adapter(provider);
  const connection = await connections.open(provider);
  if (adapter.list === undefined) throw new Error(`${provider} cannot list`);
  const store = new DynamoSnapshotStore(new Table(runtime.dynamo.client, runtime.tableName));
  let cursor: string | null = null;
  let stored = 0;
  do {
    const page = await adapter.list(connection, { cursor, limit: adapter.wholeListPerRequest ? null : 100 });
    await mapConcurrently(page.invoices, 32, (invoice) => write(store, provider, invoice, null));
    stored += page.invoices.length;
    cursor = page.next;
  } while (cursor !== null);
  return stored;
}

/** Stores the provider's current state of these invoices over the stored one. */
async function restore(
  runtime: LocalRuntime,
  connections: ConfiguredConnections,
  provider: ProviderId,
  remoteIds: readonly string[],
) {
  const adapter = connections.adapter(provider);
  const connection = await connections.open(provider);
  const store = new DynamoSnapshotStore(new Table(runtime.dynamo.client, runtime.tableName));
  await mapConcurrently(remoteIds, 32, async (remoteId) => {
    if (adapter.get === undefined) throw new Error(`${provider} cannot get one invoice`);
    const current = (await store.getMany(provider, [remoteId])).get(remoteId);
    await write(store, provider, await adapter.get(connection, remoteId), current?.version ?? null);
  });
}

async function write(store: DynamoSnapshotStore, connection: string, invoice: Invoice, after: number | null) {
  const outcome = await store.write({
    connection,
    remoteId: invoice.remoteId,
    state: invoice,
    hash: stateHash(invoice),
    version: (after ?? 0) + 1,
    sequence: 0,
    gone: false,
    via: null,
    changedAt: new Date().toISOString(),
    outbox: [],
    expectedVersion: after,
  });
  if (outcome !== 'written') throw new Error(`${connection}/${invoice.remoteId}: ${outcome}`);
}
