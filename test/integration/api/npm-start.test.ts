import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { freePort } from '../../support/ports.ts';

/**
 * `npm start` as a newcomer meets it: a real process that prints a URL, a key and curl examples
 * that work when pasted, keeps its data across a restart, and stops cleanly on Ctrl-C.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'invoice-relay-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/**
 * The ports: fixed for this file, as `npm start` fixes 3000, 8000 and 4566. (A sandbox's document
 * links name the address it is served at, so a restart on another port changes those invoices.)
 */
let ports: Record<string, string> | undefined;

async function start(
  env: Record<string, string> = {},
  args: string[] = [],
): Promise<{ child: ChildProcess; output: () => string }> {
  ports ??= {
    PORT: String(await freePort()),
    DYNAMODB_PORT: String(await freePort()),
    SNS_SQS_PORT: String(await freePort()),
  };
  const child = spawn('npm', ['start', '--silent', ...(args.length > 0 ? ['--', ...args] : [])], {
    env: { ...process.env, DATA_DIR: dataDir, ...ports, ...env },
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

  test('a restart finds the sandboxes as it left them (no event for three rounds); --reset starts over', async () => {
    const env = { SNAPSHOT_INTERVAL_SECONDS: '1', SANDBOX_SIZE: '20' };
    const listed = ['pretendentas', 'packcloud', 'carbonext'];
    const rounds = (output: string, connection: string) =>
      output.match(new RegExp(`snapshot ${connection}: \\d+ invoices`, 'g'))?.length ?? 0;
    const endpoints = (output: string) =>
      output.split('\n').filter((line) => /^\s+(DynamoDB|SNS and SQS|Events topic):/.test(line));

    // 1. A first start (of its own: earlier tests left other sandbox sizes in the folder) discovers
    // the sandboxes; one invoice is paid, another deleted upstream.
    const first = await start(env, ['--reset']);
    let paidId = '';
    let after = '';
    let firstKey = '';
    try {
      const { url, key } = bannerOf(first.output());
      firstKey = key;
      await until(
        () => listed.every((connection) => rounds(first.output(), connection) >= 1),
        60_000,
        first.output,
      );
      const [paid, deleted] = (await sandboxList(url)).filter((invoice) => invoice.status === 'Pending');
      paidId = paid?.remoteId ?? '';
      await sandboxCall(url, `/invoices/${paidId}/status`, 'POST', '{"status":"Paid"}');
      await sandboxCall(url, `/invoices/${deleted?.remoteId}`, 'DELETE');
      await until(
        async () => (await allEvents(url, key)).events.some((event) => event.type === 'invoice.voided'),
        60_000,
        () => 'the deletion was never seen',
      );
      // Past the log's settle window, so that the position is after everything this start logged.
      await new Promise((resolve) => setTimeout(resolve, 2500));
      after = (await allEvents(url, key)).next;
    } finally {
      await stop(first.child);
    }

    // 2. The same data folder: the providers are as they were, so three rounds change nothing.
    const second = await start(env);
    try {
      const { url, key } = bannerOf(second.output());
      expect(key).toBe(firstKey);
      expect(endpoints(second.output())).toEqual(endpoints(first.output()));
      expect(endpoints(second.output())).toHaveLength(3);
      // A run the first start was stopped in the middle of, and could not hand over in its grace
      // period on a busy machine, holds its connection's lease until it runs out (60 s): those
      // rounds are skipped, not counted. Three rounds of every connection come within a lease.
      await until(
        () => listed.every((connection) => rounds(second.output(), connection) >= 3),
        100_000,
        second.output,
      );
      await new Promise((resolve) => setTimeout(resolve, 2500));
      expect((await allEvents(url, key, after)).events).toEqual([]);
      const live = await fetch(`${url}/v1/connections/carbonext/invoices/${paidId}`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(((await live.json()) as { status: string }).status).toBe('PAID');
    } finally {
      await stop(second.child);
    }

    // 3. --reset: a new key, fresh sandboxes, and a fresh discovery of every invoice.
    const third = await start(env, ['--reset']);
    try {
      const { url, key } = bannerOf(third.output());
      expect(key).not.toBe(firstKey);
      await until(
        () => listed.every((connection) => rounds(third.output(), connection) >= 1),
        60_000,
        third.output,
      );
      // The log shows an event once it is a moment old (its settle window): wait for all of them.
      let events: LoggedEvent[] = [];
      await until(
        async () => {
          events = (await allEvents(url, key)).events;
          return events.length >= listed.length * 20;
        },
        30_000,
        () => `${events.length} events`,
      );
      const discovered = events.filter((event) => event.type === 'invoice.discovered');
      expect(discovered).toHaveLength(listed.length * 20);
      expect(events.filter((event) => event.type !== 'invoice.discovered')).toEqual([]);
      const again = discovered.find((event) => event.invoice.remoteId === paidId);
      expect(again?.invoice.status).toBe('OPEN');
    } finally {
      await stop(third.child);
    }
  }, 330_000);

  test('--quiet prints the banner and no activity, while the snapshots run as ever', async () => {
    const quiet = await start({ SNAPSHOT_INTERVAL_SECONDS: '1', SANDBOX_SIZE: '20' }, ['--reset', '--quiet']);
    try {
      const { url, key } = bannerOf(quiet.output());
      const completed = async (connection: string) => {
        const response = await fetch(`${url}/v1/connections/${connection}/snapshot`, {
          headers: { authorization: `Bearer ${key}` },
        });
        const status = (await response.json()) as { lastRun?: { outcome?: string } };
        return status.lastRun?.outcome === 'completed';
      };
      // A completed round of every listed connection: without --quiet, each prints its line.
      for (const connection of ['pretendentas', 'packcloud', 'carbonext'])
        await until(() => completed(connection), 60_000, quiet.output);
      expect(quiet.output()).toContain('curl -s -X POST');
      expect(quiet.output()).not.toMatch(/snapshot (pretendentas|packcloud|carbonext): \d+ invoices/);
      expect(quiet.output()).not.toMatch(/invoice\.discovered/);
    } finally {
      await stop(quiet.child);
    }
  });

  test('SIGTERM in the middle of a long discovery stops npm start by itself, cleanly', async () => {
    const env = { SANDBOX_SIZE: '20000', SNAPSHOT_INTERVAL_SECONDS: '1' };
    const { child, output } = await start(env, ['--reset']);
    const { pid } = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as { pid: number };
    await until(() => /walking, \d+ pages/.test(output()), 60_000, output);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    process.kill(pid, 'SIGTERM');
    // Bounded, not timed: the runtime must stop by itself well before a kill -9 would be needed.
    await until(
      () => child.exitCode !== null || child.signalCode !== null,
      15_000,
      () => `still running after SIGTERM:\n${output().slice(-2000)}`,
    );
    await exited;
    expect(output()).toContain('stopping…');
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
  }, 120_000);

  test('a script that waits for /health can call the API at once: nothing answers before it is ready', async () => {
    const key = 'ir_dev_waiting_for_health';
    const port = await freePort();
    const elsewhere = mkdtempSync(join(tmpdir(), 'invoice-relay-health-'));
    const child = spawn(process.execPath, ['infra/local/start.ts', '--quiet'], {
      env: {
        ...process.env,
        DATA_DIR: elsewhere,
        PORT: String(port),
        DYNAMODB_PORT: '0',
        SNS_SQS_PORT: '0',
        DEV_API_KEY: key,
      },
      stdio: ['ignore', 'ignore', 'ignore'],
    });
    try {
      // Poll from the moment the process starts, as `until curl -sf …/health; do sleep 0.1; done` would.
      let healthy = false;
      await until(
        async () => {
          healthy = await fetch(`http://127.0.0.1:${port}/health`).then(
            (response) => response.status === 200,
            () => false,
          );
          return healthy;
        },
        60_000,
        () => 'never healthy',
      );
      const response = await fetch(`http://127.0.0.1:${port}/v1/connections`, {
        headers: { authorization: `Bearer ${key}` },
      });
      expect(response.status).toBe(200);
    } finally {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('a busy port gets one line saying which setting moves it, not a stack trace', async () => {
    const busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    const elsewhere = mkdtempSync(join(tmpdir(), 'invoice-relay-busy-'));
    try {
      const result = await new Promise<{ code: number | null; output: string }>((resolve) => {
        const child = spawn(process.execPath, ['infra/local/start.ts'], {
          env: {
            ...process.env,
            DATA_DIR: elsewhere,
            PORT: '0',
            DYNAMODB_PORT: String(port),
            SNS_SQS_PORT: '0',
          },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout?.on('data', (chunk) => (output += String(chunk)));
        child.stderr?.on('data', (chunk) => (output += String(chunk)));
        child.once('exit', (code) => resolve({ code, output }));
      });
      expect(result.code).toBe(1);
      expect(result.output.trim()).toBe(
        `npm start: port ${port} is in use (another npm start, or another program): stop it, or set DYNAMODB_PORT to a free port`,
      );
    } finally {
      busy.close();
      rmSync(elsewhere, { recursive: true, force: true });
    }
  });

  test('killing npm alone does not leave the runtime running, orphaned', async () => {
    const { child } = await start();
    const { pid } = JSON.parse(readFileSync(join(dataDir, 'runtime.json'), 'utf8')) as { pid: number };
    expect(pid).not.toBe(child.pid);
    process.kill(child.pid ?? 0, 'SIGKILL');
    const alive = () => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until(
      () => !alive(),
      20_000,
      () => `runtime ${pid} still running`,
    );
    expect(existsSync(join(dataDir, 'runtime.json'))).toBe(false);
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
      // 5. The terminal of npm start shows the round, the events and the delivery, one line each.
      await until(() => /webhook wh_\w+ → /.test(output()), 30_000, output);
      const activity = output();
      expect(activity).toMatch(/snapshot carbonext: \d+ invoices, 1 changed, 2 events \(\d+\.\d s\)/);
      expect(activity).toContain(`event invoice.status_changed carbonext/${remoteId} OPEN → PAID`);
      expect(activity).toContain(`event invoice.paid carbonext/${remoteId} OPEN → PAID`);
      expect(activity).toMatch(
        new RegExp(
          `webhook wh_[0-9a-f]{16} → http://127\\.0\\.0\\.1:${port}/hooks invoice\\.paid attempt 1: 204 in \\d+ ms\\n`,
        ),
      );
      // Piped, not a terminal: no colour codes.
      expect(activity).not.toContain('\u001b[');
    } finally {
      listener?.kill('SIGTERM');
      await stop(child);
    }
  }, 200_000);
});

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

function bannerOf(output: string): { url: string; key: string } {
  return {
    url: /running at (http:\/\/\S+)/.exec(output)?.[1] ?? '',
    key: /export KEY='([^']+)'/.exec(output)?.[1] ?? '',
  };
}

async function sandboxList(url: string): Promise<Array<{ remoteId: string; status: string }>> {
  const response = await fetch(`${url}/sandbox/carbonext/invoices?limit=20`);
  return ((await response.json()) as { invoices: Array<{ remoteId: string; status: string }> }).invoices;
}

async function sandboxCall(url: string, path: string, method: string, body?: string): Promise<void> {
  const response = await fetch(`${url}/sandbox/carbonext${path}`, { method, ...(body ? { body } : {}) });
  expect(response.status, await response.text()).toBe(204);
}

interface LoggedEvent {
  type: string;
  invoice: { remoteId: string; status: string };
}

/** Every event after `after` (from the oldest retained one without it), read to the end. */
async function allEvents(
  url: string,
  key: string,
  after?: string,
): Promise<{ events: LoggedEvent[]; next: string }> {
  const events: LoggedEvent[] = [];
  let position = after;
  for (;;) {
    const query = new URLSearchParams({
      limit: '500',
      ...(position === undefined ? {} : { after: position }),
    });
    const response = await fetch(`${url}/v1/events?${query}`, {
      headers: { authorization: `Bearer ${key}` },
    });
    const page = (await response.json()) as { events: LoggedEvent[]; next: string; caughtUp: boolean };
    events.push(...page.events);
    position = page.next;
    if (page.caughtUp) return { events, next: page.next };
  }
}
