import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A real `npm start` for a test: its own data folder and a free port, started as a newcomer
 * starts it (the npm script, so `prestart` runs too) and stopped as Ctrl-C stops it. Every wait
 * is bounded; a process that will not stop is killed with its whole group.
 */
export interface RunningProduct {
  url: string;
  /** The development key the banner printed. */
  key: string;
  dataDir: string;
  /** Everything it printed so far. */
  output(): string;
  stop(): Promise<void>;
}

export async function startProduct(
  env: Record<string, string> = {},
  timeoutMs = 90_000,
): Promise<RunningProduct> {
  const dataDir = mkdtempSync(join(tmpdir(), 'invoice-relay-product-'));
  const child = spawn('npm', ['start', '--silent'], {
    // Free ports, not npm start's fixed 8000 and 4566: tests (and a developer's npm start) run side by side.
    env: { ...process.env, PORT: '0', DYNAMODB_PORT: '0', SNS_SQS_PORT: '0', DATA_DIR: dataDir, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C goes to the group, as a terminal sends it.
    detached: true,
  });
  let output = '';
  const collect = (chunk: unknown) => {
    output += String(chunk);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stop = () => stopGroup(child, dataDir);
  const deadline = Date.now() + timeoutMs;
  while (!/export KEY='[^']+'/.test(output)) {
    if (Date.now() > deadline || child.exitCode !== null) {
      await stop();
      throw new Error(`npm start did not start:\n${output}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url: /running at (http:\/\/\S+)/.exec(output)?.[1] ?? '',
    key: /export KEY='([^']+)'/.exec(output)?.[1] ?? '',
    dataDir,
    output: () => output,
    stop,
  };
}

async function stopGroup(child: ChildProcess, dataDir: string): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child, 'SIGINT');
    const stopped = await Promise.race([
      exited.then(() => true),
      new Promise<boolean>((resolve) => setTimeout(() => resolve(false), 15_000)),
    ]);
    if (!stopped) signalGroup(child, 'SIGKILL');
  }
  // The runtime removes its runtime file when it has shut down; give it a bounded moment.
  const deadline = Date.now() + 15_000;
  while (existsSync(join(dataDir, 'runtime.json')) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // Whatever of the group is still there did not stop on Ctrl-C.
  if (existsSync(join(dataDir, 'runtime.json'))) signalGroup(child, 'SIGKILL');
  rmSync(dataDir, { recursive: true, force: true });
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid ?? 0), signal);
  } catch {
    // already gone
  }
}
