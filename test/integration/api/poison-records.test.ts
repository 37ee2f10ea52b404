import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { InvoicePage, Problem } from '../../../shared/api/responses.ts';
import { createCarbonextSandbox } from '../../../shared/providers/carbonext/sandbox.ts';
import { createVnEinvoiceSandbox } from '../../../shared/providers/vn-einvoice/sandbox.ts';
import { hostileSandbox, isProviderCall } from '../../support/hostile-sandbox.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * One record a provider sends that cannot be read (the audit's `totalPrice: 1e400`, a watched
 * invoice whose body is garbage) must not hide the others: the snapshot walks on, discovers every
 * good invoice, reports the bad one (outcome, run status, never its values), and the lookup API
 * answers the page's good invoices with a `skipped` count, or a 502 for that invoice alone.
 * Through the local runtime over HTTP, its sandboxes rewritten to misbehave.
 */

const SIZE = 30;
let api: LocalApi;
let poisonId = '';
let deepId = '';
/** A field nested 100,000 levels deep: JSON.parse reads it, JSON.stringify of it overflows. */
const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
let garbageId = '';
let goodWatchedId = '';
/** The watched vn-einvoice invoice starts answering garbage once the test says so. */
let garbageOn = false;

/** Lines the functions wrote: their structured logs (warnings on stderr) and EMF metrics. */
const printed: string[] = [];
const streams = [process.stdout, process.stderr] as const;
const writes = streams.map((stream) => stream.write.bind(stream));

beforeAll(async () => {
  // The functions' metrics on stdout, as CloudWatch receives them (npm start keeps them off).
  process.env.POWERTOOLS_METRICS_DISABLED = 'false';
  streams.forEach((stream, index) => {
    stream.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
      printed.push(...String(chunk).split('\n'));
      return writes[index]?.(chunk, ...rest) ?? true;
    }) as typeof stream.write;
  });
  const carbonext = createCarbonextSandbox({ size: SIZE });
  poisonId = carbonext.sample(3)[1]?.remoteId ?? '';
  deepId = carbonext.sample(3)[2]?.remoteId ?? '';
  // Its total as JSON numbers cannot carry it: 1e400 is Infinity once parsed.
  const poison = (body: string) =>
    body.replace(
      new RegExp(`("id":"${poisonId}"[^}]*?"totalPrice":)[^,}]+`),
      (_, prefix: string) => `${prefix}1e400`,
    );
  const vn = createVnEinvoiceSandbox({ size: SIZE });
  [garbageId = '', goodWatchedId = ''] = vn.sample(2).map((invoice) => invoice.remoteId);
  api = await startLocalApi({
    snapshotIntervalSeconds: 0,
    sandboxSize: SIZE,
    sandboxes: {
      carbonext: hostileSandbox(carbonext, {
        response: (request, response) => {
          if (!isProviderCall(request)) return response;
          if (request.path.endsWith(`/invoices/${deepId}`))
            return { ...response, body: response.body.replace(/^\{/, `{"extra": ${DEEP}, `) };
          return { ...response, body: poison(response.body) };
        },
      }),
      'vn-einvoice': hostileSandbox(vn, {
        response: (request, response) =>
          garbageOn && isProviderCall(request) && request.path.endsWith(garbageId)
            ? { ...response, body: '{"unexpected": "shape"}' }
            : response,
      }),
    },
  });
}, 120_000);
afterAll(async () => {
  await api.stop();
  streams.forEach((stream, index) => {
    stream.write = writes[index] as typeof stream.write;
  });
  delete process.env.POWERTOOLS_METRICS_DISABLED;
});

/** The JSON lines printed so far that match. */
function printedJson(match: (line: Record<string, unknown>) => boolean): Array<Record<string, unknown>> {
  return printed
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter(match);
}

describe('a record the product cannot read', () => {
  test('the poisoned page’s snapshot goes on: every other invoice is discovered, the bad one reported', async () => {
    expect(poisonId).not.toBe('');
    await api.runtime.snapshotNow();
    const status = await api.json<{ lastRun: Record<string, unknown> }>('/v1/connections/carbonext/snapshot');
    expect(status.lastRun).toMatchObject({
      outcome: 'completed',
      stats: { invoices: SIZE - 1, quarantined: 1 },
      // A walk with a record whose id it read still decides what is gone.
      goneDetection: 'ran',
    });
    // Past the reads' settle window.
    await new Promise((resolve) => setTimeout(resolve, 2100));
    const stored = InvoicePage.parse(
      await api.json('/v1/connections/carbonext/invoices?source=snapshot&limit=100'),
    );
    expect(stored.invoices).toHaveLength(SIZE - 1);
    expect(stored.invoices.map((invoice) => invoice.remoteId)).not.toContain(poisonId);

    // Logged once with where and why, never the record's values.
    const logged = printedJson((line) => line.message === 'quarantined a provider record');
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 'WARN', connection: 'carbonext', remoteId: poisonId });
    expect(JSON.stringify(logged[0])).toContain('totalPrice');
    expect(JSON.stringify(logged[0])).not.toContain('1e400');
    // Counted in a metric of its connection (EMF: the line CloudWatch turns into the metric).
    const metrics = printedJson((line) => 'QuarantinedRecords' in line);
    expect(metrics).toHaveLength(1);
    expect(metrics[0]).toMatchObject({ connection: 'carbonext', QuarantinedRecords: 1 });
    type Emf = { CloudWatchMetrics: Array<{ Dimensions: string[][]; Metrics: unknown[] }> };
    const emf = (metrics[0]?._aws as Emf | undefined)?.CloudWatchMetrics[0];
    expect(emf?.Dimensions.flat()).toContain('connection');
    expect(emf?.Metrics).toContainEqual({ Name: 'QuarantinedRecords', Unit: 'Count' });
  });

  test('a live page answers its good invoices and counts the one it skipped', async () => {
    const page = InvoicePage.parse(await api.json('/v1/connections/carbonext/invoices?limit=5'));
    expect(page.skipped).toBe(1);
    expect(page.invoices).toHaveLength(4);
    expect(page.invoices.map((invoice) => invoice.remoteId)).not.toContain(poisonId);
  });

  test('reading the bad invoice alone is a 502 that names the field, never its value', async () => {
    const response = await api.call(`/v1/connections/carbonext/invoices/${poisonId}`);
    expect(response.status).toBe(502);
    const problem = Problem.parse(await response.json());
    expect(problem.detail).toContain('totalPrice');
    expect(problem.detail).not.toContain('1e400');
  });

  test('a watched invoice that starts answering garbage is skipped; the other watched invoice is snapshotted', async () => {
    for (const id of [garbageId, goodWatchedId]) {
      const watched = await api.call(`/v1/connections/vn-einvoice/watches/${id}`, { method: 'PUT' });
      expect(watched.status, await watched.text()).toBeLessThan(300);
    }
    await api.runtime.snapshotNow();
    garbageOn = true;
    await api.runtime.snapshotNow();
    const status = await api.json<{ lastRun: Record<string, unknown> }>(
      '/v1/connections/vn-einvoice/snapshot',
    );
    expect(status.lastRun).toMatchObject({ outcome: 'completed', stats: { invoices: 1, quarantined: 1 } });
    const stored = await api.call(`/v1/connections/vn-einvoice/invoices/${goodWatchedId}?source=snapshot`);
    expect(stored.status).toBe(200);
    // Not found upstream is an answer; unreadable is not: the garbage one keeps its stored state.
    const kept = await api.call(`/v1/connections/vn-einvoice/invoices/${garbageId}?source=snapshot`);
    expect(kept.status).toBe(200);
    expect(((await kept.json()) as { snapshot?: { gone: boolean } }).snapshot?.gone).toBe(false);
  });

  test('a record too deep to carry as raw is a 502 with include=raw, and reads normally without it', async () => {
    const raw = await api.call(`/v1/connections/carbonext/invoices/${deepId}?include=raw`);
    expect(raw.status).toBe(502);
    expect(Problem.parse(await raw.json()).detail).toMatch(/nested deeper than 32 levels/);
    const plain = await api.call(`/v1/connections/carbonext/invoices/${deepId}`);
    expect(plain.status).toBe(200);
  });
});
