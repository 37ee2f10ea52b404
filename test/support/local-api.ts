import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type LocalRuntime,
  type LocalRuntimeOptions,
  startLocalRuntime,
} from '../../infra/local/local-runtime.ts';

/**
 * The local runtime for a test file: real HTTP on a free loopback port, a fresh data folder.
 * One per test file (handlers read their environment once per process, as in Lambda).
 */
export interface LocalApi {
  runtime: LocalRuntime;
  url: string;
  key: string;
  /** fetch relative to the runtime, with the dev key unless `key` says otherwise (null: none). */
  call(path: string, init?: RequestInit & { key?: string | null }): Promise<Response>;
  /** JSON body of a call that must answer `status`. */
  json<T = Record<string, unknown>>(
    path: string,
    status?: number,
    init?: RequestInit & { key?: string | null },
  ): Promise<T>;
  stop(): Promise<void>;
}

export async function startLocalApi(options: LocalRuntimeOptions = {}): Promise<LocalApi> {
  const dataDir = mkdtempSync(join(tmpdir(), 'invoice-relay-test-'));
  const runtime = await startLocalRuntime({
    port: 0,
    dataDir,
    sandboxSize: 60,
    ...options,
    // Tests fire requests back to back; only the throttling test wants the real limits.
    functionSettings: {
      RATE_LIMIT_PER_SECOND: 10_000,
      RATE_LIMIT_BURST: 10_000,
      ...options.functionSettings,
    },
  });
  const call = (path: string, init: RequestInit & { key?: string | null } = {}) => {
    const { key, ...rest } = init;
    const headers = new Headers(rest.headers);
    const presented = key === undefined ? runtime.apiKey : key;
    if (presented !== null) headers.set('authorization', `Bearer ${presented}`);
    return fetch(`${runtime.url}${path}`, { ...rest, headers, redirect: 'manual' });
  };
  return {
    runtime,
    url: runtime.url,
    key: runtime.apiKey,
    call,
    async json<T>(path: string, status = 200, init: RequestInit & { key?: string | null } = {}) {
      const response = await call(path, init);
      const text = await response.text();
      if (response.status !== status)
        throw new Error(`${path}: expected ${status}, got ${response.status}: ${text}`);
      return JSON.parse(text) as T;
    },
    async stop() {
      await runtime.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
