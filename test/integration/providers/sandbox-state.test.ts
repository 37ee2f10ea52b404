import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PROVIDER_IDS, type ProviderId } from '../../../shared/providers/registry.ts';
import { SANDBOXES } from '../../../shared/sandbox/sandbox-registry.ts';
import { type RunningSandbox, startSandboxServer } from '../../../shared/sandbox/sandbox-server.ts';

/**
 * Sandboxes with a state file: changes made over HTTP to one instance are what a second instance,
 * created from the same file, answers over HTTP.
 */

let folder: string;
const running: RunningSandbox[] = [];

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
  rmSync(folder, { recursive: true, force: true });
});

async function serve(provider: ProviderId, options: { size?: number; seed?: number; stateFile: string }) {
  const server = await startSandboxServer(SANDBOXES[provider](options));
  running.push(server);
  return server.url;
}

async function control(base: URL, method: string, path: string, body?: unknown) {
  const response = await fetch(new URL(path, base), {
    method,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return {
    status: response.status,
    body: response.status === 204 ? null : ((await response.json()) as unknown),
  };
}

interface Listing {
  total: number;
  invoices: Array<{ remoteId: string; status: string }>;
}

/** The sandbox's control listing of its invoices. */
async function listing(base: URL): Promise<Listing> {
  const { status, body } = await control(base, 'GET', '/invoices?limit=10');
  expect(status).toBe(200);
  return body as Listing;
}

/** Statuses the providers' own vocabularies have, to change an invoice to. */
const NEW_STATUS: Record<ProviderId, string> = {
  pretendentas: 'PAID',
  'vn-einvoice': 'CANCELED',
  'orders-api': '4',
  packcloud: 'credited',
  carbonext: 'Canceled',
};

describe.each(PROVIDER_IDS)('%s sandbox with a state file', (provider) => {
  test('a second instance from the same file answers the changes, deletions and faults of the first', async () => {
    const stateFile = join(folder, `${provider}.json`);
    const first = await serve(provider, { size: 10, stateFile });
    const [changed, deleted] = (await listing(first)).invoices;
    expect(
      (
        await control(first, 'POST', `/invoices/${changed?.remoteId}/status`, {
          status: NEW_STATUS[provider],
        })
      ).status,
    ).toBe(204);
    expect((await control(first, 'DELETE', `/invoices/${deleted?.remoteId}`)).status).toBe(204);
    const faults = { errorRate: 0.25, errorStatus: 502, seed: 7 };
    expect((await control(first, 'PUT', '/faults', faults)).status).toBe(200);
    const answeredByFirst = await listing(first);

    const second = await serve(provider, { size: 10, stateFile });
    const answeredBySecond = await listing(second);
    expect(answeredBySecond).toEqual(answeredByFirst);
    expect(answeredBySecond.total).toBe(9);
    expect(answeredBySecond.invoices.find((i) => i.remoteId === changed?.remoteId)).toMatchObject({
      status: NEW_STATUS[provider],
    });
    expect(answeredBySecond.invoices.map((i) => i.remoteId)).not.toContain(deleted?.remoteId);
    expect((await control(second, 'GET', '/faults')).body).toMatchObject(faults);
    // Only the temporary file's rename ever writes the state: no temporary file is left behind.
    expect(readdirSync(folder)).toEqual([`${provider}.json`]);
  });
});

describe('state files', () => {
  test('the provider’s own records read the same after a restart (the change’s time is kept)', async () => {
    const stateFile = join(folder, 'packcloud.json');
    const app = SANDBOXES.packcloud({ size: 5, stateFile });
    const [draft] = app.sample(5).filter((sample) => sample.status === 'draft');
    const target = draft ?? app.sample(1)[0];
    expect(app.setStatus(target?.remoteId ?? '', 'sent')).toBe('changed');
    const read = async (created: ReturnType<typeof SANDBOXES.packcloud>) => {
      const response = await created.handle({
        baseUrl: 'http://sandbox.test',
        method: 'GET',
        path: `/v1/organizations/sandbox-org/billing/invoices/${target?.remoteId}`,
        query: new URLSearchParams(),
        headers: { authorization: 'Bearer sandbox-packcloud-token' },
        body: '',
      });
      return JSON.parse(String(response.body));
    };
    const before = await read(app);
    expect(before.updated_at).not.toBeNull();
    expect(await read(SANDBOXES.packcloud({ size: 5, stateFile }))).toEqual(before);
  });

  test('a file written for another size or seed is replaced by a fresh state', async () => {
    const stateFile = join(folder, 'carbonext.json');
    const app = SANDBOXES.carbonext({ size: 10, stateFile });
    const [sample] = app.sample(1);
    expect(app.remove(sample?.remoteId ?? '')).toBe(true);
    expect(SANDBOXES.carbonext({ size: 10, stateFile }).sample(10)).toHaveLength(9);

    const otherSize = SANDBOXES.carbonext({ size: 11, stateFile });
    expect(otherSize.sample(11)).toHaveLength(11);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ size: 11, seed: 1, removed: [] });
    // The fresh state overwrote the old one: the first size starts fresh as well now.
    expect(SANDBOXES.carbonext({ size: 10, stateFile }).sample(10)).toHaveLength(10);
    const otherSeed = SANDBOXES.carbonext({ size: 10, seed: 2, stateFile });
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({ seed: 2 });
    expect(otherSeed.sample(10)).toHaveLength(10);
  });

  test('an unreadable file is replaced by a fresh state, not an error', () => {
    const stateFile = join(folder, 'orders-api.json');
    writeFileSync(stateFile, '{"version": 1, "changes": "not a list"');
    const app = SANDBOXES['orders-api']({ size: 4, stateFile });
    expect(app.sample(4)).toHaveLength(4);
    expect(JSON.parse(readFileSync(stateFile, 'utf8'))).toMatchObject({
      provider: 'orders-api',
      changes: [],
    });
  });

  test('without a state file nothing is written and nothing survives', () => {
    const app = SANDBOXES['vn-einvoice']({ size: 3 });
    const [sample] = app.sample(1);
    app.remove(sample?.remoteId ?? '');
    expect(SANDBOXES['vn-einvoice']({ size: 3 }).sample(3)).toHaveLength(3);
    expect(readdirSync(folder)).toEqual([]);
  });
});
