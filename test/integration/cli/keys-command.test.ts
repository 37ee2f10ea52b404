import { execFile } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/** `npx invoice-relay keys …` against a running local runtime, as the README shows it. */

let api: LocalApi;
let dataDir: string;
beforeAll(async () => {
  api = await startLocalApi({ functionSettings: { API_KEY_CACHE_SECONDS: 0 } });
  dataDir = api.runtime.dataDir;
});
afterAll(() => api.stop());

/** Runs the CLI without blocking: the runtime it talks to lives in this test's process. */
function keys(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return keysIn(dataDir, ...args);
}

function keysIn(
  folder: string,
  ...args: string[]
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/invoice-relay.ts', 'keys', ...args],
      { encoding: 'utf8', env: { ...process.env, DATA_DIR: folder } },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

describe('invoice-relay keys', () => {
  test('create prints a key once; it works for its connections only; revoke ends it', async () => {
    const created = await keys(
      'create',
      '--tenant',
      'acme',
      '--connections',
      'carbonext',
      '--scopes',
      'invoices:read',
    );
    expect(created.code).toBe(0);
    expect(created.stderr).toMatch(/cannot be shown again/);
    const { key, keyId } = JSON.parse(created.stdout) as { key: string; keyId: string };

    expect((await api.call('/v1/connections/carbonext/invoices', { key })).status).toBe(200);
    expect((await api.call('/v1/connections/packcloud/invoices', { key })).status).toBe(404);

    const listed = await keys('list');
    expect(listed.code).toBe(0);
    expect(listed.stdout).toContain(keyId);
    expect(listed.stdout).not.toContain(key);

    expect(await keys('revoke', keyId)).toMatchObject({ code: 0 });
    expect((await api.call('/v1/connections/carbonext/invoices', { key })).status).toBe(401);
  });

  test('wrong arguments are problems naming the argument', async () => {
    const noTenant = await keys('create');
    expect(noTenant.code).toBe(2);
    expect(JSON.parse(noTenant.stderr.slice(0, noTenant.stderr.indexOf('\n}\n') + 2))).toMatchObject({
      status: 400,
      parameter: '--tenant',
    });
    const badScope = await keys('create', '--tenant', 'acme', '--scopes', 'everything');
    expect(badScope.stderr).toContain('--scopes');
    expect((await keys('revoke', 'key_ffffffffffff')).code).toBe(2);
  });

  test('a DATA_DIR with no runtime says which folder it looked in and how to point at another', async () => {
    const elsewhere = `${dataDir}-not-started`;
    const missing = await keysIn(elsewhere, 'list');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`no local runtime is running with its data in ${elsewhere}`);
    expect(missing.stderr).toContain('--data-dir');
    // The running runtime's own folder, given as --data-dir, is found whatever DATA_DIR says.
    const found = await keysIn(elsewhere, 'list', '--data-dir', dataDir);
    expect(found.code).toBe(0);
  });
});
