import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { FUNCTION_CATALOG } from '../../../functions/catalog.ts';
import { bundledFileCommands, esbuildOptions, FUNCTION_NODE_OPTIONS } from '../../../infra/bundling.ts';
import { REPOSITORY_ROOT } from '../../../infra/paths.ts';
import { CONSOLE_BUILD } from '../../../shared/api/console-page.ts';
import { REFERENCE_RENDERER } from '../../../shared/api/docs-page.ts';

/**
 * The docs function as Lambda runs it: bundled with the stack's options, its package files put
 * beside the bundle by the same commands the stack runs after bundling, then imported in a fresh
 * Node process with no node_modules in reach, and invoked with API Gateway events.
 */

const run = promisify(execFile);
/** Lambda's limit for a synchronous invocation's response. */
const LAMBDA_RESPONSE_LIMIT = 6 * 1024 * 1024;

let folder: string;
beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'invoice-relay-docs-bundle-'));
  const bundle = join(folder, 'function', 'index.mjs');
  await build(esbuildOptions(join(REPOSITORY_ROOT, FUNCTION_CATALOG.docs.entry), bundle));
  for (const command of bundledFileCommands(
    FUNCTION_CATALOG.docs.files,
    REPOSITORY_ROOT,
    join(folder, 'function'),
  )) {
    await run('bash', ['-c', command], { timeout: 60_000 });
  }
}, 120_000);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Invokes the bundled handler once per path, in one process, and returns the raw results. */
async function invoke(
  paths: string[],
): Promise<
  Array<{ statusCode: number; headers: Record<string, string>; body: string; isBase64Encoded?: boolean }>
> {
  const script = join(folder, 'invoke.mjs');
  writeFileSync(
    script,
    `const { handler } = await import(${JSON.stringify(join(folder, 'function', 'index.mjs'))});
const results = [];
for (const rawPath of JSON.parse(process.argv[2])) {
  const event = { version: '2.0', routeKey: ['/docs', '/console'].includes(rawPath) ? \`GET \${rawPath}\` : '$default', rawPath, rawQueryString: '', headers: {},
    requestContext: { http: { method: 'GET', path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' }, requestId: 'test', routeKey: '$default', stage: '$default', accountId: '0', apiId: 'test', domainName: 'test', domainPrefix: 'test', time: '', timeEpoch: 0 },
    isBase64Encoded: false };
  results.push(await handler(event, { functionName: 'docs', awsRequestId: 'test', getRemainingTimeInMillis: () => 10000 }));
}
process.stdout.write(JSON.stringify(results));`,
  );
  const { stdout } = await run(
    process.execPath,
    [...FUNCTION_NODE_OPTIONS.split(' '), script, JSON.stringify(paths)],
    {
      cwd: folder,
      timeout: 60_000,
      maxBuffer: 64 * 1024 * 1024,
      env: {
        PATH: process.env.PATH ?? '',
        APP_VERSION: 'bundle-test',
        POWERTOOLS_METRICS_DISABLED: 'true',
        POWERTOOLS_LOG_LEVEL: 'ERROR',
        AWS_REGION: 'eu-west-1',
      },
    },
  );
  return JSON.parse(stdout);
}

describe('the bundled docs function', () => {
  test('serves the renderer from the gzipped file beside its bundle, within Lambda’s response limit', async () => {
    const [page] = await invoke(['/docs']);
    expect(page?.statusCode).toBe(200);
    const renderer = /<script src="(docs\/assets\/scalar-api-reference\.[0-9a-f]{12}\.js)"/.exec(
      page?.body ?? '',
    )?.[1];
    expect(renderer).toBeDefined();

    const [file] = await invoke([`/${renderer}`]);
    expect(file?.statusCode).toBe(200);
    expect(file?.isBase64Encoded).toBe(true);
    expect(file?.headers['content-encoding']).toBe('gzip');
    expect(JSON.stringify(file).length).toBeLessThan(LAMBDA_RESPONSE_LIMIT);
    const served = gunzipSync(Buffer.from(file?.body ?? '', 'base64'));
    expect(served.equals(readFileSync(join(REPOSITORY_ROOT, REFERENCE_RENDERER.source)))).toBe(true);
  }, 90_000);

  test('serves the console’s build from the gzipped files beside its bundle, never from the bundle itself', async () => {
    const [page] = await invoke(['/console']);
    expect(page?.statusCode).toBe(200);
    expect(page?.headers['content-encoding']).toBe('gzip');
    const html = gunzipSync(Buffer.from(page?.body ?? '', 'base64')).toString('utf8');
    expect(html).toBe(readFileSync(join(REPOSITORY_ROOT, CONSOLE_BUILD.folder, 'index.html'), 'utf8'));
    const files = [...html.matchAll(/(?:src|href)="(console\/assets\/[^"]+)"/g)].map(
      (match) => `/${match[1]}`,
    );
    expect(files.length).toBeGreaterThanOrEqual(2);
    const answers = await invoke(files);
    files.forEach((file, index) => {
      const answer = answers[index];
      expect(answer?.statusCode, file).toBe(200);
      const served = gunzipSync(Buffer.from(answer?.body ?? '', 'base64'));
      const source = readFileSync(
        join(REPOSITORY_ROOT, CONSOLE_BUILD.folder, file.slice('/console/'.length)),
      );
      expect(served.equals(source), file).toBe(true);
    });
    // The handler reads the files; none of the console's code is in its bundle.
    const bundle = readFileSync(join(folder, 'function', 'index.mjs'), 'utf8');
    expect(bundle).not.toContain('preact');
    expect(bundle).not.toContain('openapi-fetch');
  }, 90_000);
});
