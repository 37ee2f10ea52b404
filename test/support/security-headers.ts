import { expect } from 'vitest';

/**
 * What every answer of a function serving pages must carry (shared/api/security-headers.ts): a
 * policy that runs only same-origin script files, talks only to its own origin, cannot be framed
 * or re-based, and headers that keep the URL and the content type to themselves.
 */
export function expectSecurityHeaders(response: Response, what: string): void {
  const policy = response.headers.get('content-security-policy') ?? '';
  const directives = new Map(
    policy.split(';').map((directive) => {
      const [name = '', ...values] = directive.trim().split(/\s+/);
      return [name, values] as const;
    }),
  );
  expect(directives.get('default-src'), what).toEqual(["'none'"]);
  expect(directives.get('script-src'), what).toEqual(["'self'"]);
  expect(directives.get('connect-src'), what).toEqual(["'self'"]);
  expect(directives.get('frame-ancestors'), what).toEqual(["'none'"]);
  expect(directives.get('base-uri'), what).toEqual(["'none'"]);
  expect(directives.get('form-action'), what).toEqual(["'none'"]);
  expect(response.headers.get('referrer-policy'), what).toBe('no-referrer');
  expect(response.headers.get('x-content-type-options'), what).toBe('nosniff');
  expect(response.headers.get('cross-origin-opener-policy'), what).toBe('same-origin');
}

/** Asks for each `[path, init, status]` without a key: the status it expects, and the headers above. */
export async function expectSecurityHeadersOnEvery(
  call: (path: string, init: RequestInit & { key: null }) => Promise<Response>,
  requests: ReadonlyArray<readonly [string, RequestInit, number]>,
): Promise<void> {
  for (const [path, init, status] of requests) {
    const response = await call(path, { ...init, key: null });
    const what = `${init.method ?? 'GET'} ${path}`;
    expect(response.status, what).toBe(status);
    expectSecurityHeaders(response, what);
    await response.arrayBuffer();
  }
}
