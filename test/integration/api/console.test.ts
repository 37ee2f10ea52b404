import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROUTES } from '../../../functions/routes.ts';
import { REPOSITORY_ROOT } from '../../../infra/paths.ts';
import { CONSOLE_BUILD } from '../../../shared/api/console-page.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';
import { expectSecurityHeadersOnEvery } from '../../support/security-headers.ts';

/**
 * The web console as the docs function serves it over real HTTP: the page at /console, the
 * build's files under /console/assets/, their caching, and the security headers on every answer.
 */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi({ snapshotIntervalSeconds: 0 });
});
afterAll(() => api.stop());

const built = (path: string) => readFileSync(join(REPOSITORY_ROOT, CONSOLE_BUILD.folder, path));

/** The files the page names, as paths from the API's root. */
async function pageFiles(): Promise<string[]> {
  const html = await (await api.call('/console', { key: null })).text();
  return [...html.matchAll(/(?:src|href)="(console\/assets\/[^"]+)"/g)].map((match) => `/${match[1]}`);
}

describe('the console page', () => {
  test('GET /console is the build’s page, revalidated on every load, with no inline script', async () => {
    const response = await api.call('/console', { key: null });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    expect(html).toBe(built('index.html').toString('utf8'));
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, content] of scripts) {
      expect(attributes).toMatch(/\bsrc="console\/assets\//);
      expect(content?.trim()).toBe('');
    }
    expect(html).not.toMatch(/\sstyle=|\son[a-z]+=/i);
  });

  test('its files are the build’s, gzipped and cacheable for a year under their hashed names', async () => {
    const files = await pageFiles();
    expect(files.some((file) => file.endsWith('.js'))).toBe(true);
    expect(files.some((file) => file.endsWith('.css'))).toBe(true);
    for (const file of files) {
      const response = await api.call(file, { key: null, headers: { 'accept-encoding': 'gzip' } });
      expect(response.status, file).toBe(200);
      expect(response.headers.get('content-type'), file).toMatch(
        file.endsWith('.js') ? /^text\/javascript/ : /^text\/css/,
      );
      expect(response.headers.get('content-encoding'), file).toBe('gzip');
      expect(response.headers.get('cache-control'), file).toBe('public, max-age=31536000, immutable');
      // fetch undoes the gzip: what arrives is the build's file, byte for byte.
      const body = Buffer.from(await response.arrayBuffer());
      expect(body.equals(built(file.slice('/console/'.length))), file).toBe(true);
    }
  });

  test('the page lives at /console only: /console/ redirects there, and a file that is not built is a 404 problem', async () => {
    const slash = await api.call('/console/', { key: null });
    expect(slash.status).toBe(302);
    expect(new URL(slash.headers.get('location') ?? '', `${api.url}/console/`).href).toBe(
      `${api.url}/console`,
    );
    for (const path of [
      '/console/assets/index-00000000.js',
      '/console/.source-hash',
      '/console/index.html.gz',
    ]) {
      const response = await api.call(path, { key: null });
      expect(response.status, path).toBe(404);
      expect(response.headers.get('content-type'), path).toBe('application/problem+json');
    }
  });

  test('the console has no route of its own beyond its page: GET /console, served by the docs function', () => {
    const consoleRoutes = ROUTES.filter((route) => route.path.startsWith('/console'));
    expect(consoleRoutes.map((route) => `${route.method} ${route.path} ${route.function}`)).toEqual([
      'GET /console docs',
    ]);
  });
});

describe('security headers on the console', () => {
  test('every kind of answer for the console carries them', async () => {
    const files = await pageFiles();
    const requests: Array<[string, RequestInit, number]> = [
      ['/console', {}, 200],
      ...files.map((path): [string, RequestInit, number] => [path, {}, 200]),
      ['/console/', {}, 302],
      ['/console/assets/missing.js', {}, 404],
      ['/console', { method: 'POST' }, 405],
      ['/console?key=ir_dev_x', {}, 400],
    ];
    await expectSecurityHeadersOnEvery(api.call, requests);
  });
});
