import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';

/**
 * `npm start` as a newcomer meets it: a real process that prints a URL, a key and curl examples
 * that work when pasted, keeps its data across a restart, and stops cleanly on Ctrl-C.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'invoice-relay-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn('npm', ['start', '--silent'], {
    env: { ...process.env, PORT: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so that Ctrl-C can be sent the way a terminal sends it: to the group.
    detached: true,
  });
  let output = '';
  child.stdout?.on('data', (chunk) => {
    output += String(chunk);
  });
  child.stderr?.on('data', (chunk) => {
    output += String(chunk);
  });
  const deadline = Date.now() + 60_000;
  while (!output.includes('curl -s -X POST')) {
    if (Date.now() > deadline || child.exitCode !== null) throw new Error(`did not start:\n${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, output: () => output };
}

/**
 * Ctrl-C: SIGINT to the whole process group (npm, its shell and the runtime), as a terminal sends
 * it. npm itself dies of the signal; the runtime's clean stop shows in what it leaves behind.
 */
async function stop(child: ChildProcess): Promise<void> {
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  process.kill(-(child.pid ?? 0), 'SIGINT');
  await exited;
  const deadline = Date.now() + 15_000;
  while (existsSync(join(dataDir, 'runtime.json')) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('npm start', () => {
  test('prints curl examples that work as pasted, and stops cleanly on Ctrl-C', async () => {
    const { child, output } = await start({ DEV_API_KEY: 'ir_dev_chosen_by_the_developer' });
    try {
      const banner = output();
      expect(banner).toContain('ir_dev_chosen_by_the_developer');
      const lines = banner.split('\n').map((line) => line.trim());
      const exportLine = lines.find((line) => line.startsWith('export KEY='));
      const curls = lines.filter((line) => line.startsWith('curl '));
      expect(curls.length).toBeGreaterThanOrEqual(3);
      for (const curl of curls) {
        const script = `${exportLine}\n${curl.replace('curl -s', 'curl -s -f -o /dev/null -w "%{http_code}"')}`;
        const status = execFileSync('bash', ['-c', script], { encoding: 'utf8' });
        expect(Number(status), curl).toBeLessThan(300);
      }
    } finally {
      await stop(child);
    }
    // The runtime ran its shutdown (which removes its runtime file) and its port is closed.
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
    expect(output()).toContain('stopping…');
    const url = /running at (http:\/\/\S+)/.exec(output())?.[1];
    await expect(fetch(`${url}/health`)).rejects.toThrow();
  });

  test('a restart keeps the data: the generated key still works', async () => {
    const first = await start();
    const key = /export KEY='([^']+)'/.exec(first.output())?.[1];
    await stop(first.child);
    const second = await start();
    try {
      expect(/export KEY='([^']+)'/.exec(second.output())?.[1]).toBe(key);
      const url = /running at (http:\/\/\S+)/.exec(second.output())?.[1];
      const response = await fetch(`${url}/v1/connections`, { headers: { authorization: `Bearer ${key}` } });
      expect(response.status).toBe(200);
    } finally {
      await stop(second.child);
    }
  });

  test('the README walk-through: a local listener receives a verified invoice.paid webhook', async () => {
    const { child, output } = await start({
      ALLOW_PRIVATE_WEBHOOK_TARGETS: 'true',
      SNAPSHOT_INTERVAL_SECONDS: '2',
    });
    let listener: ChildProcess | undefined;
    try {
      const banner = output();
      const url = /running at (http:\/\/\S+)/.exec(banner)?.[1] ?? '';
      const key = /export KEY='([^']+)'/.exec(banner)?.[1] ?? '';
      const markPaid = banner
        .split('\n')
        .map((line) => line.trim())
        .find((line) => line.startsWith('curl -s -X POST'));
      const remoteId = /invoices\/([^/]+)\/status/.exec(markPaid ?? '')?.[1] ?? '';
      const authorization = { authorization: `Bearer ${key}` };
      // 1. Register the listener's URL for paid invoices (README: POST /v1/webhooks).
      const port = await freePort();
      const registered = await fetch(`${url}/v1/webhooks`, {
        method: 'POST',
        headers: { ...authorization, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: `http://127.0.0.1:${port}/hooks`,
          filter: { eventTypes: ['invoice.paid'] },
        }),
      });
      expect(registered.status).toBe(201);
      const { secret } = (await registered.json()) as { secret: string };
      // 2. Start the listener with the secret (README: npx invoice-relay listen).
      listener = spawn(
        process.execPath,
        ['bin/invoice-relay.ts', 'listen', '--port', String(port), '--secret', secret],
        {
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let heard = '';
      listener.stdout?.on('data', (chunk) => {
        heard += String(chunk);
      });
      await until(
        () => heard.includes('listening at'),
        15_000,
        () => heard,
      );
      // 3. Wait until the snapshot has seen the invoice, then mark it paid with the printed curl.
      await until(
        async () => {
          const history = await fetch(`${url}/v1/connections/carbonext/invoices/${remoteId}/history`, {
            headers: authorization,
          });
          return (
            history.status === 200 && ((await history.json()) as { events: unknown[] }).events.length > 0
          );
        },
        60_000,
        () => 'the invoice was never snapshotted',
      );
      execFileSync('bash', ['-c', markPaid ?? 'false']);
      // 4. Within a snapshot round the listener prints a verified invoice.paid for that invoice.
      // Bounded generously: on a loaded machine the discovery's events go through the fan-out first.
      await until(
        () => heard.includes('verified invoice.paid'),
        100_000,
        () => heard,
      );
      expect(heard).toMatch(new RegExp(`verified invoice\\.paid \\S+ carbonext/${remoteId} status PAID`));
      expect(heard).not.toContain('refused');
    } finally {
      listener?.kill('SIGTERM');
      await stop(child);
    }
  }, 200_000);
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

async function until(
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
  explain: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${explain()}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
