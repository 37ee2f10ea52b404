import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { SANDBOX_CONNECTIONS } from '../shared/sandbox/sandbox-registry.ts';
import { median, percentile, table } from './support/measure.ts';
import { startProcess } from './support/processes.ts';

/**
 * bench/api: the same lookups through the local API and directly against the sandbox provider,
 * side by side in one run. The sandbox runs in its own process; the local runtime (the real
 * handlers behind its API Gateway emulation) in another, its carbonext connection pointed at that
 * sandbox through the connections-file switch; autocannon loads from this process.
 *
 * Latency is measured with requests one after another (no queueing, so p50/p99 are the cost of
 * a request); throughput with autocannon and 16 connections. Rounds alternate direct and API; medians are reported.
 * Targets: added p50 < 1 ms, throughput ≥ 80 % of direct.
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
      CARBONEXT_TOKEN: SANDBOX_CONNECTIONS.carbonext.token,
      LOG_LEVEL: 'ERROR',
      // The benchmark key must not be throttled: the per-key limit would cap the API, not its cost.
      RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_BURST: '1000000',
    },
  );
  const [, apiUrl = '', key = ''] = runtime.match;
  try {
    const listing = (await (await fetch(`${sandboxUrl}/invoices?limit=1`)).json()) as {
      invoices: Array<{ remoteId: string }>;
    };
    const invoiceId = listing.invoices[0]?.remoteId ?? '';
    const direct = {
      url: `${sandboxUrl}/v1/invoices/${invoiceId}`,
      headers: { authorization: `Bearer ${SANDBOX_CONNECTIONS.carbonext.token}` },
    };
    const viaApi = {
      url: `${apiUrl}/v1/connections/carbonext/invoices/${invoiceId}`,
      headers: { authorization: `Bearer ${key}` },
    };
    for (const target of [direct, viaApi]) {
      const warm = await fetch(target.url, { headers: target.headers });
      if (warm.status !== 200) throw new Error(`${target.url} answered ${warm.status}`);
      await load(target.url, target.headers, 4); // warm-up, discarded
    }
    const runs = {
      direct: { latency: [] as Run[], throughput: [] as Run[] },
      api: { latency: [] as Run[], throughput: [] as Run[] },
    };
    for (let round = 0; round < ROUNDS; round++) {
      runs.direct.latency.push(await sequential(direct.url, direct.headers));
      runs.api.latency.push(await sequential(viaApi.url, viaApi.headers));
      runs.direct.throughput.push(await load(direct.url, direct.headers, 16));
      runs.api.throughput.push(await load(viaApi.url, viaApi.headers, 16));
    }
    const m = (list: Run[], field: keyof Run) => median(list.map((run) => run[field]));
    const addedP50 = m(runs.api.latency, 'p50') - m(runs.direct.latency, 'p50');
    const addedP99 = m(runs.api.latency, 'p99') - m(runs.direct.latency, 'p99');
    const throughputRatio =
      m(runs.api.throughput, 'requestsPerSecond') / m(runs.direct.throughput, 'requestsPerSecond');
    const errors = [
      ...runs.api.latency,
      ...runs.api.throughput,
      ...runs.direct.latency,
      ...runs.direct.throughput,
    ].reduce((total, run) => total + run.errors, 0);
    console.log(
      `\nbench/api: GET one carbonext invoice, direct from the sandbox vs through the local API (${ROUNDS} alternating rounds of ${SECONDS} s, medians)\n`,
    );
    console.log(
      table([
        {
          path: 'direct',
          'p50 ms (sequential)': m(runs.direct.latency, 'p50').toFixed(3),
          'p99 ms (sequential)': m(runs.direct.latency, 'p99').toFixed(3),
          'req/s (16 conns)': Math.round(m(runs.direct.throughput, 'requestsPerSecond')),
        },
        {
          path: 'through the API',
          'p50 ms (sequential)': m(runs.api.latency, 'p50').toFixed(3),
          'p99 ms (sequential)': m(runs.api.latency, 'p99').toFixed(3),
          'req/s (16 conns)': Math.round(m(runs.api.throughput, 'requestsPerSecond')),
        },
      ]),
    );
    const latencyMet = addedP50 < 1;
    const throughputMet = throughputRatio >= 0.8;
    console.log(
      `\nadded p50: ${addedP50.toFixed(2)} ms (target < 1: ${latencyMet ? 'met' : 'MISSED'}), added p99: ${addedP99.toFixed(2)} ms, throughput ratio: ${(throughputRatio * 100).toFixed(0)} % (target ≥ 80 %: ${throughputMet ? 'met' : 'MISSED'}), errors: ${errors}`,
    );
    return latencyMet && throughputMet && errors === 0;
  } finally {
    await runtime.stop();
    await sandbox.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
