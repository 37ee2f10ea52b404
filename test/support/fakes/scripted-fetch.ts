import { vi } from 'vitest';

/**
 * A provider answering `fetch` in memory: each call takes the next scripted answer (a status with
 * headers and a body) and is recorded; once the script is spent, calls fail like a refused
 * connection. Installed over the global `fetch` for one test (`vi.unstubAllGlobals` restores it).
 */

export interface ScriptedAnswer {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export function scriptFetch(...answers: ScriptedAnswer[]): { calls: string[] } {
  const calls: string[] = [];
  const fetch = async (input: string | URL | Request): Promise<Response> => {
    calls.push(String(input));
    const next = answers.shift();
    if (next === undefined) throw new TypeError('fetch failed');
    return new Response(next.body ?? null, { status: next.status, headers: next.headers ?? {} });
  };
  vi.stubGlobal('fetch', fetch);
  return { calls };
}
