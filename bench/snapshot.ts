import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { type AttributeValue, DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/dynamodb.ts';
import { ConfiguredConnections } from '../shared/connections/connection-registry.ts';
import { DynamoEventLog } from '../shared/events/dynamo-event-log.ts';
import { SnsEventPublisher } from '../shared/events/event-publisher.ts';
import { SANDBOX_CONNECTIONS } from '../shared/sandbox/sandbox-registry.ts';
import { DynamoRunStateStore } from '../shared/snapshot/dynamo-run-state.ts';
import { DynamoSnapshotStore } from '../shared/snapshot/dynamo-snapshot-store.ts';
import {
  DEFAULT_SNAPSHOT_OPTIONS,
  type RunStats,
  SnapshotRunner,
} from '../shared/snapshot/snapshot-runner.ts';
import { Table } from '../shared/storage/dynamo.ts';
import { TABLE as TABLE_LAYOUT } from '../shared/storage/table.ts';
import { DynamoWatchStore } from '../shared/watches/dynamo-watch-store.ts';
import { table } from './support/measure.ts';
import { startProcess } from './support/processes.ts';

/**
 * bench/snapshot: a carbonext connection of N sandbox invoices, walked once to discover them and
 * again after 1% of them were paid. For the second walk: run time, DynamoDB requests against the
 * minimum the design needs, SNS calls and the worker's peak heap, at 10,000 and 100,000 invoices
 * so that memory growth shows. Peers run in another process; this process is the worker alone.
 *
 * The minimum for a walk is in `minimumRequests`. Targets: requests within 10% of it, memory flat.
 *
 * Then a multi-tenant discovery (BENCH_SNAPSHOT_TENANTS, 10 connections × 10,000 invoices, walked
 * one after another): every write is attributed to the partitions it lands in, the base table's
 * and each index's, and the hottest partition's share of all writes is reported. Target ≤ 15 %.
 */

/** BENCH_SNAPSHOT_SIZES=2000,5000 for a quick look; the figure is 100,000. */
const SIZES = (process.env.BENCH_SNAPSHOT_SIZES ?? '10000,100000').split(',').map(Number);
/** Connections × invoices for the partition report; BENCH_SNAPSHOT_TENANTS=0 skips it. */
const [TENANTS = 10, TENANT_SIZE = 10_000] = (process.env.BENCH_SNAPSHOT_TENANTS ?? '10x10000')
  .split('x')
  .map(Number);
const CHANGED_SHARE = 0.01;
const TABLE = 'bench';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function counted<C extends DynamoDBClient | SNSClient>(client: C, counts: Map<string, number>): C {
  client.middlewareStack.add(
    (next, context) => async (args) => {
      counts.set(context.commandName ?? '?', (counts.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'countRequests' },
  );
  return client;
}

interface Peers {
  dynamo: string;
  sns: string;
  topicArn: string;
  sandbox: string;
}

/** A snapshot runner whose connections (these ids) all read the one carbonext sandbox. */
function carbonextRunner(
  dynamo: DynamoDBClient,
  sns: SNSClient,
  endpoints: Peers,
  ids: readonly string[],
): SnapshotRunner {
  process.env.BENCH_CARBONEXT_TOKEN = SANDBOX_CONNECTIONS.carbonext.token;
  const store = new Table(dynamo, TABLE);
  return new SnapshotRunner({
    connections: new ConfiguredConnections(
      ids.map((id) => ({
        id,
        provider: 'carbonext',
        baseUrl: endpoints.sandbox,
        statusMap: {},
        options: {},
        credentials: { environment: 'BENCH_CARBONEXT_TOKEN' },
      })),
      { get: async () => SANDBOX_CONNECTIONS.carbonext.token },
      { timeoutMs: 30_000 },
    ),
    snapshots: new DynamoSnapshotStore(store),
    runs: new DynamoRunStateStore(store),
    watches: new DynamoWatchStore(store),
    log: new DynamoEventLog(store, { retentionDays: 30 }),
    publisher: new SnsEventPublisher(sns, endpoints.topicArn),
  });
}

async function measureWalk(
  runner: SnapshotRunner,
  counts: { dynamo: Map<string, number>; sns: Map<string, number> },
  connection = 'carbonext',
) {
  counts.dynamo.clear();
  counts.sns.clear();
  gc();
  const baseline = process.memoryUsage().heapUsed;
  let peak = baseline;
  const sampler = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage().heapUsed);
  }, 10);
  const started = performance.now();
  const outcome = await runner.handle({ kind: 'run', connection }, () => Number.POSITIVE_INFINITY);
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  if (outcome.kind !== 'completed') throw new Error(`walk ended ${outcome.kind}`);
  return { seconds, stats: outcome.stats, peakHeapMb: (peak - baseline) / 1024 / 1024 };
}

/**
 * The design's minimum: a batched read per 100 invoices; per change, the conditional write of
 * state and outbox and the one that clears the outbox once published; per event, one conditional
 * log append (append-once needs a condition per entry, which BatchWriteItem cannot carry); the
 * gone-detection query (DynamoDB reads 1 MB of items per page, so about invoices × item size / 1 MB
 * pages); and five bookkeeping requests (lease taken, run state read, leftover outbox query, lease
 * released with the run's result, the walk's start) plus a lease renewal every third of a lease.
 */
function minimumRequests(invoices: number, stats: RunStats, itemBytes: number, seconds: number): number {
  const sweepPages = Math.ceil((invoices * itemBytes) / (1024 * 1024));
  const renewals = Math.floor(seconds / (DEFAULT_SNAPSHOT_OPTIONS.leaseMs / 3000));
  return Math.ceil(invoices / 100) + 2 * stats.changed + stats.events + sweepPages + 5 + renewals;
}

/** Average stored size of a snapshot item, estimated from a sample the way DynamoDB counts it. */
async function averageItemBytes(client: DynamoDBClient): Promise<number> {
  const { Items = [] } = await client.send(
    new QueryCommand({
      TableName: TABLE,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': { S: 'CONN#carbonext' }, ':prefix': { S: 'INV#' } },
      Limit: 200,
    }),
  );
  const size = (value: AttributeValue): number =>
    value.S !== undefined
      ? Buffer.byteLength(value.S)
      : value.N !== undefined
        ? Math.ceil(value.N.length / 2) + 1
        : value.M !== undefined
          ? Object.entries(value.M).reduce((total, [name, inner]) => total + name.length + size(inner) + 1, 3)
          : 1;
  const total = Items.reduce(
    (sum, item) =>
      sum + Object.entries(item).reduce((inner, [name, value]) => inner + name.length + size(value), 0),
    0,
  );
  return Items.length === 0 ? 1 : total / Items.length;
}

export async function benchSnapshot(): Promise<boolean> {
  const rows: Array<Record<string, string | number>> = [];
  let met = true;
  for (const size of SIZES) {
    const peers = await startProcess(
      'bench/support/peers-process.ts',
      ['carbonext', String(size), TABLE],
      /^(\{.*\})$/m,
    );
    try {
      const endpoints = JSON.parse(peers.match[1] ?? '{}') as Peers;
      const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
      const counts = { dynamo: new Map<string, number>(), sns: new Map<string, number>() };
      const dynamo = counted(new DynamoDBClient({ ...config, endpoint: endpoints.dynamo }), counts.dynamo);
      const sns = counted(new SNSClient({ ...config, endpoint: endpoints.sns }), counts.sns);
      const runner = carbonextRunner(dynamo, sns, endpoints, ['carbonext']);

      const discovery = await measureWalk(runner, counts);

      // 1% of the invoices change, spread evenly over the walk: pending ones are paid (each makes
      // status_changed + paid).
      const pending: string[] = [];
      for (let offset = 0; offset < size; offset += 1000) {
        const listing = (await (
          await fetch(`${endpoints.sandbox}/invoices?offset=${offset}&limit=1000`)
        ).json()) as {
          invoices: Array<{ remoteId: string; status: string }>;
        };
        pending.push(
          ...listing.invoices
            .filter((invoice) => invoice.status === 'Pending')
            .map((invoice) => invoice.remoteId),
        );
      }
      const stride = pending.length / (size * CHANGED_SHARE);
      for (let index = 0; index < size * CHANGED_SHARE; index++) {
        const id = pending[Math.floor(index * stride)];
        await fetch(`${endpoints.sandbox}/invoices/${id}/status`, {
          method: 'POST',
          body: '{"status":"Paid"}',
        });
      }
      const itemBytes = await averageItemBytes(dynamo);

      const change = await measureWalk(runner, counts);
      const requests = [...counts.dynamo.values()].reduce((total, count) => total + count, 0);
      const minimum = minimumRequests(size, change.stats, itemBytes, change.seconds);
      const snsMinimum = Math.ceil(change.stats.events / 10);
      const ratio = requests / minimum;
      met &&= ratio <= 1.1;
      rows.push({
        invoices: size,
        'discovery s': discovery.seconds.toFixed(1),
        changed: change.stats.changed,
        events: change.stats.events,
        'walk s': change.seconds.toFixed(1),
        'DynamoDB requests': requests,
        minimum,
        'requests/minimum': ratio.toFixed(3),
        'item bytes': Math.round(itemBytes),
        'SNS calls': [...counts.sns.values()].reduce((total, count) => total + count, 0),
        'SNS minimum': snsMinimum,
        'peak heap MB (walk)': change.peakHeapMb.toFixed(1),
        'peak heap MB (discovery)': discovery.peakHeapMb.toFixed(1),
        breakdown: [...counts.dynamo.entries()]
          .map(([name, count]) => `${name.replace('Command', '')} ${count}`)
          .join(', '),
      });
      dynamo.destroy();
      sns.destroy();
    } finally {
      await peers.stop();
    }
  }
  console.log(
    '\nbench/snapshot: a walk after 1% of a carbonext connection changed (medians are not possible: one walk per size)\n',
  );
  console.log(table(rows));
  const first = Number(rows[0]?.['peak heap MB (walk)']);
  const last = Number(rows.at(-1)?.['peak heap MB (walk)']);
  console.log(
    `\nrequests within 10% of the minimum: ${met ? 'met' : 'MISSED'}; peak heap of the walk grows from ${first} MB to ${last} MB as the connection grows ${(SIZES.at(-1) ?? 1) / (SIZES[0] ?? 1)}×`,
  );
  const spread = TENANTS > 0 ? await partitionShare() : true;
  return met && spread;
}

/** The base table and the indexes, with the key attribute that names an item's partition in each. */
const PARTITIONS = [
  { name: 'table', key: TABLE_LAYOUT.partitionKey },
  { name: TABLE_LAYOUT.index.name, key: TABLE_LAYOUT.index.partitionKey },
  { name: TABLE_LAYOUT.timeline.name, key: TABLE_LAYOUT.timeline.partitionKey },
] as const;

/**
 * Counts the writes each partition takes. A write lands in the base table's partition of its key
 * and in the index partitions of the item before and after it (an index entry is written when it
 * appears, changes or goes). The item after a write is asked for (ReturnValues ALL_NEW, which
 * changes nothing the code reads); the item before is what the last write left, remembered here
 * (every write of the run passes through this client).
 */
class PartitionWrites {
  readonly counts = new Map<string, number>();
  readonly #indexKeys = new Map<string, string[]>();

  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        const command = context.commandName;
        if (command === 'UpdateItemCommand' && input.ReturnValues === undefined)
          input.ReturnValues = 'ALL_NEW';
        const output = await next(args);
        const result = output.output as unknown as Record<string, unknown>;
        if (command === 'PutItemCommand') this.#wrote(input.Item as AttributeMap, input.Item as AttributeMap);
        if (command === 'UpdateItemCommand')
          this.#wrote(input.Key as AttributeMap, (result.Attributes as AttributeMap | undefined) ?? {});
        if (command === 'DeleteItemCommand') this.#wrote(input.Key as AttributeMap, {});
        if (command === 'BatchWriteItemCommand') {
          // dynalite processes a whole batch (UnprocessedItems stays empty), so each request counts.
          const requests = input.RequestItems as Record<string, BatchRequest[]>;
          for (const request of Object.values(requests).flat()) {
            const put = request.PutRequest?.Item;
            if (put !== undefined) this.#wrote(put, put);
            const key = request.DeleteRequest?.Key;
            if (key !== undefined) this.#wrote(key, {});
          }
        }
        return output;
      },
      { step: 'initialize', name: 'countPartitionWrites' },
    );
  }

  #wrote(key: AttributeMap, after: AttributeMap): void {
    const item = `${text(key.pk)}|${text(key.sk)}`;
    const before = this.#indexKeys.get(item) ?? [];
    const now: string[] = [];
    for (const { name, key: attribute } of PARTITIONS.slice(1)) {
      const value = text(after[attribute]);
      if (value !== undefined) now.push(`${name} ${value}`);
    }
    this.#add(`table ${text(key.pk)}`);
    for (const partition of new Set([...before, ...now])) this.#add(partition);
    if (now.length > 0) this.#indexKeys.set(item, now);
    else this.#indexKeys.delete(item);
  }

  #add(partition: string): void {
    this.counts.set(partition, (this.counts.get(partition) ?? 0) + 1);
  }
}

/**
 * Items as this middleware sees them: plain values when the document client has not marshalled
 * them yet at this step, attribute values otherwise; keys are strings either way.
 */
type AttributeMap = Record<string, AttributeValue | string | undefined>;

function text(value: AttributeValue | string | undefined): string | undefined {
  return typeof value === 'string' ? value : value?.S;
}
interface BatchRequest {
  PutRequest?: { Item: AttributeMap };
  DeleteRequest?: { Key: AttributeMap };
}

/** Writes per partition for a discovery of TENANTS connections of TENANT_SIZE invoices each. */
async function partitionShare(): Promise<boolean> {
  const peers = await startProcess(
    'bench/support/peers-process.ts',
    ['carbonext', String(TENANT_SIZE), TABLE],
    /^(\{.*\})$/m,
  );
  try {
    const endpoints = JSON.parse(peers.match[1] ?? '{}') as Peers;
    const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const dynamo = new DynamoDBClient({ ...config, endpoint: endpoints.dynamo });
    const writes = new PartitionWrites();
    writes.attach(dynamo);
    const sns = new SNSClient({ ...config, endpoint: endpoints.sns });
    const ids = Array.from({ length: TENANTS }, (_, index) => `tenant-${String(index + 1).padStart(2, '0')}`);
    const runner = carbonextRunner(dynamo, sns, endpoints, ids);
    const started = performance.now();
    for (const id of ids) {
      const outcome = await runner.handle({ kind: 'run', connection: id }, () => Number.POSITIVE_INFINITY);
      if (outcome.kind !== 'completed') throw new Error(`${id}: walk ended ${outcome.kind}`);
    }
    const seconds = (performance.now() - started) / 1000;
    dynamo.destroy();
    sns.destroy();

    const all = [...writes.counts.values()].reduce((total, count) => total + count, 0);
    const rows = PARTITIONS.map(({ name }) => {
      const here = [...writes.counts].filter(([partition]) => partition.startsWith(`${name} `));
      const total = here.reduce((sum, [, count]) => sum + count, 0);
      const [hottest = '-', most = 0] = here.sort((a, b) => b[1] - a[1])[0] ?? [];
      return {
        where: name,
        writes: total,
        partitions: here.length,
        hottest: hottest.slice(name.length + 1),
        'hottest writes': most,
        'share of all writes': `${((most / all) * 100).toFixed(1)} %`,
        'share of its own writes': `${((most / Math.max(total, 1)) * 100).toFixed(1)} %`,
      };
    });
    const hottestShare = Math.max(...[...writes.counts.values()]) / all;
    console.log(
      `\nbench/snapshot: writes per partition for a discovery of ${TENANTS} connections × ${TENANT_SIZE} invoices (${seconds.toFixed(0)} s, one walk after another)\n`,
    );
    console.log(table(rows));
    const met = hottestShare <= 0.15;
    console.log(
      `\nthe hottest partition takes ${(hottestShare * 100).toFixed(1)} % of ${all} partition writes (target ≤ 15 %: ${met ? 'met' : 'MISSED'})`,
    );
    return met;
  } finally {
    await peers.stop();
  }
}
