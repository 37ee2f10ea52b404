import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../infra/local/dynamodb.ts';
import { eventId } from '../shared/events/event-envelope.ts';
import { SnsEventPublisher } from '../shared/events/event-publisher.ts';
import type { InvoiceEvent } from '../shared/events/invoice-event.ts';
import { SqsWorkQueue } from '../shared/snapshot/work-queue.ts';
import { anInvoice } from '../test/support/invoices.ts';
import { startReceiver } from '../test/support/receiver.ts';
import { median, percentile, table } from './support/measure.ts';
import { startProcess } from './support/processes.ts';

/**
 * bench/relay, with the local runtime in its own process (`npm start`'s code) and a receiver here:
 * 1. throughput: events published to the topic, fanned out, signed and POSTed through the delivery
 *    queue, against plain POSTs of the same bodies from this process to the same receiver;
 * 2. latency: a sandbox invoice marked paid until its invoice.paid webhook arrives, (a) with the
 *    snapshot schedule running every few seconds, (b) with a snapshot started at once, so that the
 *    relay's own share shows. p50 and p99.
 */

const EVENTS = 1000;
const LATENCY_SAMPLES = 20;
const INTERVAL_SECONDS = 3;

function syntheticEvent(index: number): InvoiceEvent {
  const remoteId = `bench-${index}`;
  return {
    id: eventId({
      connection: 'bench',
      remoteId,
      version: 1,
      type: 'invoice.paid',
      stateHash: remoteId,
      previousHash: null,
    }),
    type: 'invoice.paid',
    occurredAt: new Date().toISOString(),
    sequence: 1,
    connection: 'carbonext',
    provider: 'carbonext',
    invoice: anInvoice(remoteId, { status: 'PAID', providerStatus: 'Paid', total: '7700' }),
    previous: null,
  };
}

/** Plain POSTs of the same bodies, one connection at a time per slot, as fast as they go. */
async function plainPosts(url: string, bodies: string[], concurrency: number): Promise<number> {
  const started = performance.now();
  let next = 0;
  const slot = async () => {
    while (next < bodies.length) {
      const body = bodies[next++] ?? '';
      await new Promise<void>((resolve, reject) => {
        const post = request(
          url,
          { method: 'POST', headers: { 'content-type': 'application/json' } },
          (response) => {
            response.resume();
            response.on('end', resolve);
          },
        );
        post.on('error', reject);
        post.end(body);
      });
    }
  };
  await Promise.all(Array.from({ length: concurrency }, slot));
  return bodies.length / ((performance.now() - started) / 1000);
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

export async function benchRelay(): Promise<boolean> {
  const dataDir = mkdtempSync(join(tmpdir(), 'invoice-relay-bench-relay-'));
  const receiver = await startReceiver();
  const runtime = await startProcess(
    'infra/local/start.ts',
    [],
    /running at (http:\/\/\S+)[\s\S]*export KEY='([^']+)'/,
    {
      PORT: '0',
      DYNAMODB_PORT: '0',
      SNS_SQS_PORT: '0',
      DATA_DIR: dataDir,
      ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
      SNAPSHOT_INTERVAL_SECONDS: String(INTERVAL_SECONDS),
      SANDBOX_SIZE: '40',
      LOG_LEVEL: 'ERROR',
      WEBHOOK_RATE_LIMIT_PER_SECOND: '100000',
    },
  );
  const [, api = '', key = ''] = runtime.match;
  try {
    const local = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as {
      snsSqsEndpoint: string;
      eventsTopicArn: string;
      snapshotQueueUrl: string;
    };
    const peers = { endpoint: local.snsSqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
    const work = new SqsWorkQueue(new SQSClient(peers), local.snapshotQueueUrl);
    const headers = { authorization: `Bearer ${key}`, 'content-type': 'application/json' };
    const register = async (path: string, filter: unknown) =>
      fetch(`${api}/v1/webhooks`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: `${receiver.url}${path}`, filter }),
      });
    // Let the first scheduled walks discover everything before anything is measured.
    await new Promise((resolve) => setTimeout(resolve, (INTERVAL_SECONDS + 3) * 1000));

    // 1. Throughput.
    await register('/throughput', { connections: ['carbonext'] });
    const events = Array.from({ length: EVENTS }, (_, index) => syntheticEvent(index));
    const publisher = new SnsEventPublisher(new SNSClient(peers), local.eventsTopicArn);
    const arrived = () => receiver.received.filter((r) => r.path === '/throughput').length;
    const started = performance.now();
    await publisher.publish(events);
    await until(() => arrived() >= EVENTS, 300_000);
    const relayRate = EVENTS / ((performance.now() - started) / 1000);
    const plainRate = await plainPosts(
      `${receiver.url}/plain`,
      events.map((event) => JSON.stringify(event)),
      4,
    );

    // 2. Latency from "marked paid" to the webhook.
    await register('/paid', { eventTypes: ['invoice.paid'], connections: ['packcloud'] });
    const sandbox = `${api}/sandbox/packcloud`;
    const listing = (await (await fetch(`${sandbox}/invoices?limit=40`)).json()) as {
      invoices: Array<{ remoteId: string; status: string }>;
    };
    const candidates = listing.invoices
      .filter((invoice) => invoice.status !== 'paid' && invoice.status !== 'draft')
      .map((i) => i.remoteId);
    const latencies = { scheduled: [] as number[], immediate: [] as number[] };
    for (let sample = 0; sample < Math.min(LATENCY_SAMPLES, candidates.length); sample++) {
      const remoteId = candidates[sample] ?? '';
      const mode = sample % 2 === 0 ? 'scheduled' : 'immediate';
      const before = receiver.received.length;
      const markedAt = performance.now();
      await fetch(`${sandbox}/invoices/${remoteId}/status`, { method: 'POST', body: '{"status":"paid"}' });
      // Immediate: start the connection's run now, with the message the dispatcher would send.
      if (mode === 'immediate') await work.send([{ kind: 'run', connection: 'packcloud' }]);
      await until(
        () =>
          receiver.received
            .slice(before)
            .some((r) => r.path === '/paid' && r.body.includes(`"remoteId":"${remoteId}"`)),
        60_000,
      );
      const found = receiver.received
        .slice(before)
        .find((r) => r.path === '/paid' && r.body.includes(`"remoteId":"${remoteId}"`));
      latencies[mode].push((found?.at ?? performance.now()) - markedAt);
    }

    console.log(
      `\nbench/relay: the webhook relay through the local runtime (${EVENTS} events; ${LATENCY_SAMPLES} paid invoices)\n`,
    );
    console.log(
      table([
        { measure: 'deliveries/s, event published → signed POST received', value: relayRate.toFixed(0) },
        { measure: 'plain POSTs/s, same bodies, same receiver (baseline)', value: plainRate.toFixed(0) },
        { measure: 'ratio relay / plain', value: (relayRate / plainRate).toFixed(3) },
        {
          measure: `paid → webhook p50 ms, snapshot every ${INTERVAL_SECONDS} s`,
          value: median(latencies.scheduled).toFixed(0),
        },
        {
          measure: `paid → webhook p99 ms, snapshot every ${INTERVAL_SECONDS} s`,
          value: percentile(latencies.scheduled, 99).toFixed(0),
        },
        {
          measure: 'paid → webhook p50 ms, snapshot started at once',
          value: median(latencies.immediate).toFixed(0),
        },
        {
          measure: 'paid → webhook p99 ms, snapshot started at once',
          value: percentile(latencies.immediate, 99).toFixed(0),
        },
      ]),
    );
    return true;
  } finally {
    await runtime.stop();
    await receiver.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
