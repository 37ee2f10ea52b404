import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SANDBOX_CONNECTIONS } from '../shared/sandbox/sandbox-registry.ts';
import { median, percentile, table } from './support/measure.ts';
import { startProcess } from './support/processes.ts';

/**
 * bench/api: the same lookup through the local API and through the floor proxy, side by side in
 * one run, and directly against the provider for reference. The provider (a sandbox) runs in its
 * own process; the floor proxy (bench/support/floor-proxy.ts: node:http, fetch, JSON parse and
 * serialize, nothing else) in another; the local runtime (the real handlers behind its API Gateway
 * emulation) in a third, its carbonext connection pointed at that sandbox through the
 * connections-file switch. autocannon loads from this process.
 *
 * Latency is measured with requests one after another (no queueing, so p50/p99 are the cost of a
 * request); throughput with autocannon and 16 connections. Rounds alternate direct, floor and API;
 * medians are reported, and what each path adds to the direct p50 and p99.
 * Target (issue 10): the API's throughput ≥ 0.6× the floor proxy's.
 */

const ROUNDS = 3;
const SECONDS = 5;

interface Run {
  p50: number;
  p99: number;
  requestsPerSecond: number;
  errors: number;
}

/** Throughput under load (autocannon; its latencies are whole milliseconds, too coarse here). */
async function load(url: string, headers: Record<string, string>, connections: number): Promise<Run> {
  const result = await autocannon({ url, headers, connections, duration: SECONDS });
  return {
    p50: result.latency.p50,
    p99: result.latency.p99,
    requestsPerSecond: result.requests.average,
    errors: result.errors + result.non2xx,
  };
}

/** Latency of requests one after another on a kept-alive connection, in microsecond resolution. */
async function sequential(url: string, headers: Record<string, string>): Promise<Run> {
  const latencies: number[] = [];
  let errors = 0;
  const until = performance.now() + SECONDS * 1000;
  while (performance.now() < until) {
    const started = performance.now();
    const response = await fetch(url, { headers });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    if (response.status !== 200) errors++;
  }
  return {
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    requestsPerSecond: latencies.length / SECONDS,
    errors,
  };
}

export async function benchApi(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'invoice-relay-bench-api-'));
  const sandbox = await startProcess(
    'bench/support/sandbox-process.ts',
    ['carbonext', '300'],
    /^(http:\/\/\S+)$/m,
  );
  const sandboxUrl = sandbox.match[1] ?? '';
  const token = SANDBOX_CONNECTIONS.carbonext.token;
  const floorProxy = await startProcess(
    'bench/support/floor-proxy.ts',
    [sandboxUrl, token],
    /^(http:\/\/\S+)$/m,
  );
  const floorUrl = floorProxy.match[1] ?? '';
  const connectionsFile = join(dataDir, 'connections.json');
  writeFileSync(
    connectionsFile,
    JSON.stringify([
      {
        id: 'carbonext',
        provider: 'carbonext',
        baseUrl: sandboxUrl,
        credentials: { environment: 'CARBONEXT_TOKEN' },
      },
    ]),
  );
  const runtime = await startProcess(
    'infra/local/start.ts',
    [],
    /running at (http:\/\/\S+)[\s\S]*export KEY='([^']+)'/,
    {
      PORT: '0',
      DYNAMODB_PORT: '0',
      SNS_SQS_PORT: '0',
      DATA_DIR: dataDir,
      INVOICE_RELAY_CONNECTIONS: connectionsFile,
      CARBONEXT_TOKEN: token,
      LOG_LEVEL: 'ERROR',
      // The benchmark key must not be throttled: the per-key limit would cap the API, not its cost.
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
      // In AWS the lookup function has its process to itself; here the snapshot schedule would walk
      // the same provider on the same event loop while the API is measured.
      SNAPSHOT_INTERVAL_SECONDS: '0',
    },
  );
  const [, apiUrl = '', key = ''] = runtime.match;
  try {
    const listing = (await (await fetch(`${sandboxUrl}/invoices?limit=1`)).json()) as {
      invoices: Array<{ remoteId: string }>;
    };
    const invoiceId = listing.invoices[0]?.remoteId ?? '';
    const targets = {
      direct: {
        label: 'direct (provider)',
        url: `${sandboxUrl}/v1/invoices/${invoiceId}`,
        headers: { authorization: `Bearer ${token}` },
      },
      floor: { label: 'floor proxy', url: `${floorUrl}/v1/invoices/${invoiceId}`, headers: {} },
      api: {
        label: 'through the API',
        url: `${apiUrl}/v1/connections/carbonext/invoices/${invoiceId}`,
        headers: { authorization: `Bearer ${key}` },
      },
    };
    type Path = keyof typeof targets;
    const paths = Object.keys(targets) as Path[];
    for (const path of paths) {
      const target = targets[path];
      const warm = await fetch(target.url, { headers: target.headers });
      if (warm.status !== 200) throw new Error(`${target.url} answered ${warm.status}`);
      await load(target.url, target.headers, 4); // warm-up, discarded
    }
    const runs = Object.fromEntries(
      paths.map((path) => [path, { latency: [] as Run[], throughput: [] as Run[] }]),
    ) as Record<Path, { latency: Run[]; throughput: Run[] }>;
    for (let round = 0; round < ROUNDS; round++) {
      for (const path of paths)
        runs[path].latency.push(await sequential(targets[path].url, targets[path].headers));
      for (const path of paths)
        runs[path].throughput.push(await load(targets[path].url, targets[path].headers, 16));
    }
    const m = (path: Path, kind: 'latency' | 'throughput', field: keyof Run) =>
      median(runs[path][kind].map((run) => run[field]));
    const added = (path: Path, field: 'p50' | 'p99') =>
      m(path, 'latency', field) - m('direct', 'latency', field);
    const throughput = (path: Path) => m(path, 'throughput', 'requestsPerSecond');
    const throughputRatio = throughput('api') / throughput('floor');
    const errors = paths
      .flatMap((path) => [...runs[path].latency, ...runs[path].throughput])
      .reduce((total, run) => total + run.errors, 0);
    console.log(
      `\nbench/api: GET one carbonext invoice directly from the sandbox, through the floor proxy and through the local API, each in its own process (${ROUNDS} alternating rounds of ${SECONDS} s, medians)\n`,
    );
    console.log(
      table(
        paths.map((path) => ({
          path: targets[path].label,
          'p50 ms (sequential)': m(path, 'latency', 'p50').toFixed(3),
          'p99 ms (sequential)': m(path, 'latency', 'p99').toFixed(3),
          'added p50 ms': path === 'direct' ? '' : added(path, 'p50').toFixed(3),
          'added p99 ms': path === 'direct' ? '' : added(path, 'p99').toFixed(3),
          'req/s (16 conns)': Math.round(throughput(path)),
          '× floor req/s': (throughput(path) / throughput('floor')).toFixed(2),
        })),
      ),
    );
    const throughputMet = throughputRatio >= 0.6;
    console.log(
      `\nAPI throughput ${throughputRatio.toFixed(2)}× the floor proxy's (target ≥ 0.6: ${throughputMet ? 'met' : 'MISSED'}); the API adds ${added('api', 'p50').toFixed(2)} ms at p50 and ${added('api', 'p99').toFixed(2)} ms at p99 to the direct call (the floor proxy ${added('floor', 'p50').toFixed(2)} and ${added('floor', 'p99').toFixed(2)}); errors: ${errors}`,
    );
    return throughputMet && errors === 0;
  } finally {
    await runtime.stop();
    await floorProxy.stop();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
