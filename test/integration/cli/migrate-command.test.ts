import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/** `npx invoice-relay migrate --local`, as the README's upgrade steps run it. */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.stop());

function migrate(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['bin/invoice-relay.ts', 'migrate', ...args],
      { encoding: 'utf8' },
      (error, stdout, stderr) => resolve({ code: error === null ? 0 : Number(error.code), stdout, stderr }),
    );
  });
}

describe('invoice-relay migrate', () => {
  test('runs against the running local runtime and reports what it moved; a second run moves nothing', async () => {
    const first = await migrate('--local', '--data-dir', api.runtime.dataDir);
    expect(first).toMatchObject({ code: 0, stderr: '' });
    const report = JSON.parse(first.stdout) as Record<string, number>;
    expect(Object.keys(report).sort()).toEqual(['deliveries', 'endpoints', 'events', 'snapshots', 'watches']);
    const again = await migrate('--local', '--data-dir', api.runtime.dataDir);
    expect(JSON.parse(again.stdout)).toEqual({
      snapshots: 0,
      events: 0,
      watches: 0,
      endpoints: 0,
      deliveries: 0,
    });
  });

  test('without a running runtime it says how to start one, with usage, exit code 2', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'invoice-relay-migrate-'));
    try {
      const result = await migrate('--local', '--data-dir', empty);
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('npm start');
      expect(result.stderr).toContain('usage: invoice-relay migrate');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  test('--table without --secrets-key names the stack output to pass', async () => {
    const result = await migrate('--table', 'invoice-relay-prod');
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('WebhookSecretsKeyArn');
  });
});
