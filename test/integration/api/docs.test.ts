import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { REPOSITORY_ROOT } from '../../../infra/paths.ts';
import { REFERENCE_RENDERER } from '../../../shared/api/docs-page.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';
import { expectSecurityHeadersOnEvery } from '../../support/security-headers.ts';

/** The docs function over real HTTP: the reference page, its files, the root, and its headers. */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ snapshotIntervalSeconds: 0 });
});
afterAll(() => api.stop());

/** The script paths the page loads, relative to the API's root. */
async function pageScripts(): Promise<string[]> {
  const html = await (await api.call('/docs', { key: null })).text();
  return [...html.matchAll(/<script src="([^"]+)"/g)].map((match) => `/${match[1]}`);
}

describe('the reference page and its files', () => {
  test('GET / redirects to the reference', async () => {
    const response = await api.call('/', { key: null });
    expect(response.status).toBe(302);
    const location = new URL(response.headers.get('location') ?? '', `${api.url}/`);
    expect(location.href).toBe(`${api.url}/docs`);
    const followed = await fetch(`${api.url}/`);
    expect(followed.url).toBe(`${api.url}/docs`);
    expect(followed.headers.get('content-type')).toMatch(/^text\/html/);
  });

  test('the renderer is the package’s own file, gzipped and cacheable for a year under a hashed name', async () => {
    const [renderer] = await pageScripts();
    const response = await api.call(renderer ?? '', { key: null, headers: { 'accept-encoding': 'gzip' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(response.headers.get('content-encoding')).toBe('gzip');
    expect(response.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // fetch undoes the gzip: what arrives is the package's file, byte for byte.
    const body = Buffer.from(await response.arrayBuffer());
    expect(body.equals(readFileSync(join(REPOSITORY_ROOT, REFERENCE_RENDERER.source)))).toBe(true);
  });

  test('the configuration script points the renderer at the document and turns every outside service off', async () => {
    const [, configuration] = await pageScripts();
    const script = await (await api.call(configuration ?? '', { key: null })).text();
    const options = JSON.parse(/createApiReference\('#reference', (.*)\);/.exec(script)?.[1] ?? 'null');
    expect(options).toMatchObject({
      url: 'openapi.json',
      withDefaultFonts: false,
      telemetry: false,
      agent: { disabled: true },
      mcp: { disabled: true },
    });
  });

  test('a file name with another hash is a 404 problem', async () => {
    const response = await api.call('/docs/assets/scalar-api-reference.000000000000.js', { key: null });
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });
});

describe('security headers', () => {
  test('every kind of answer of the docs function carries them', async () => {
    const scripts = await pageScripts();
    const requests: Array<[string, RequestInit, number]> = [
      ['/docs', {}, 200],
      ...scripts.map((path): [string, RequestInit, number] => [path, {}, 200]),
      ['/openapi.json', {}, 200],
      ['/health', {}, 200],
      ['/', {}, 302],
      ['/no-such-page', {}, 404],
      ['/health', { method: 'POST' }, 405],
      ['/health?verbose=1', {}, 400],
    ];
    await expectSecurityHeadersOnEvery(api.call, requests);
  });
});
