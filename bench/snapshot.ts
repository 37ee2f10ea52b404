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
import { type RunStats, SnapshotRunner } from '../shared/snapshot/snapshot-runner.ts';
import { Table } from '../shared/storage/dynamo.ts';
import { DynamoWatchStore } from '../shared/watches/dynamo-watch-store.ts';
import { table } from './support/measure.ts';
import { startProcess } from './support/processes.ts';

/**
 * bench/snapshot: a carbonext connection of N sandbox invoices, walked once to discover them and
 * again after 1% of them were paid. For the second walk: run time, DynamoDB requests against the
 * minimum the design needs, SNS calls and the worker's peak heap, at 10,000 and 100,000 invoices
 * so that memory growth shows. Peers run in another process; this process is the worker alone.
 *
 * The minimum for a walk of N invoices with C changes making E events: N/100 batched reads, one
 * conditional write per change (state and outbox together) and one to mark it published,
 * E/25 batched log writes, the gone-detection query (about 20,000 keys a page) and four
 * lease/outbox bookkeeping requests. Targets: requests within 10% of that, memory flat.
 */

/** BENCH_SNAPSHOT_SIZES=2000,5000 for a quick look; the figure is 100,000. */
const SIZES = (process.env.BENCH_SNAPSHOT_SIZES ?? '10000,100000').split(',').map(Number);
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

async function measureWalk(
  runner: SnapshotRunner,
  counts: { dynamo: Map<string, number>; sns: Map<string, number> },
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
  const outcome = await runner.handle(
    { kind: 'run', connection: 'carbonext' },
    () => Number.POSITIVE_INFINITY,
  );
  const seconds = (performance.now() - started) / 1000;
  clearInterval(sampler);
  peak = Math.max(peak, process.memoryUsage().heapUsed);
  if (outcome.kind !== 'completed') throw new Error(`walk ended ${outcome.kind}`);
  return { seconds, stats: outcome.stats, peakHeapMb: (peak - baseline) / 1024 / 1024 };
}

/**
 * The design's minimum: a batched read per 100 invoices, a conditional write per change (state
 * and outbox) and one to mark it published, a batched log write per 25 events, the gone-detection
 * query (DynamoDB reads 1 MB of items per page, so about invoices × item size / 1 MB pages) and
 * four bookkeeping requests (lease, outbox sweep, run end).
 */
function minimumRequests(invoices: number, stats: RunStats, itemBytes: number): number {
  const sweepPages = Math.ceil((invoices * itemBytes) / (1024 * 1024));
  return Math.ceil(invoices / 100) + 2 * stats.changed + Math.ceil(stats.events / 25) + sweepPages + 4;
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
      const endpoints = JSON.parse(peers.match[1] ?? '{}') as {
        dynamo: string;
        sns: string;
        topicArn: string;
        sandbox: string;
      };
      const config = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
      const counts = { dynamo: new Map<string, number>(), sns: new Map<string, number>() };
      const dynamo = counted(new DynamoDBClient({ ...config, endpoint: endpoints.dynamo }), counts.dynamo);
      const sns = counted(new SNSClient({ ...config, endpoint: endpoints.sns }), counts.sns);
      process.env.BENCH_CARBONEXT_TOKEN = SANDBOX_CONNECTIONS.carbonext.token;
      const runner = new SnapshotRunner({
        connections: new ConfiguredConnections(
          [
            {
              id: 'carbonext',
              provider: 'carbonext',
              baseUrl: endpoints.sandbox,
              statusMap: {},
              options: {},
              credentials: { environment: 'BENCH_CARBONEXT_TOKEN' },
            },
          ],
          { get: async () => SANDBOX_CONNECTIONS.carbonext.token },
          { timeoutMs: 30_000 },
        ),
        snapshots: new DynamoSnapshotStore(new Table(dynamo, TABLE)),
        runs: new DynamoRunStateStore(new Table(dynamo, TABLE)),
        watches: new DynamoWatchStore(new Table(dynamo, TABLE)),
        log: new DynamoEventLog(new Table(dynamo, TABLE), { retentionDays: 30 }),
        publisher: new SnsEventPublisher(sns, endpoints.topicArn),
      });

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
      const minimum = minimumRequests(size, change.stats, itemBytes);
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
  return met;
}
