import { readFileSync } from 'node:fs';
import { build, type Metafile } from 'esbuild';
import { beforeAll, describe, expect, test } from 'vitest';
import { FUNCTION_CATALOG, type FunctionName } from '../../functions/catalog.ts';
import { esbuildOptions, packageOf } from '../../infra/bundling.ts';

/**
 * Each function bundles only what it calls (issue 10). Every function is bundled with the stack's
 * own esbuild options (infra/bundling.ts), once, and its metafile read: the product's dependencies
 * it carries (package.json `dependencies`, whether imported directly or through another package)
 * must be exactly the ones the table below gives it, and its own code must not reach modules that
 * belong to other functions (provider adapters, the reference's answers, sandboxes).
 */

/** What every function carries: logging, metrics, the handler middleware and its configuration. */
const EVERY = [
  '@aws-lambda-powertools/commons',
  '@aws-lambda-powertools/logger',
  '@aws-lambda-powertools/metrics',
  '@middy/core',
  'zod',
];
/** The table (API keys, stores, event log). */
const TABLE = ['@aws-sdk/client-dynamodb', '@aws-sdk/lib-dynamodb'];
/** Secrets Manager, for provider credentials and the cursor key (loaded on first use). */
const SECRETS = ['@aws-lambda-powertools/parameters', '@aws-sdk/client-secrets-manager'];
/** Calling providers: resilient HTTP, XML bodies, zone-less timestamps, exact money. */
const CALLS_PROVIDERS = ['big.js', 'cockatiel', 'fast-xml-parser', 'temporal-polyfill'];
const QUEUES = ['@aws-sdk/client-sqs'];
const QUEUE_CONSUMER = ['@aws-lambda-powertools/batch'];
/** Webhook secrets are sealed and opened with KMS (loaded on first use). */
const SECRETS_KEY = ['@aws-sdk/client-kms'];
/** Webhook targets are checked against private and reserved addresses. */
const TARGET_CHECKS = ['ipaddr.js'];

const ALLOWED: Record<FunctionName, readonly string[]> = {
  lookup: [...EVERY, ...TABLE, ...SECRETS, ...CALLS_PROVIDERS],
  reads: [...EVERY, ...TABLE, ...SECRETS],
  // The OpenAPI document is generated here only; the reference's renderer is a packaged file.
  docs: [...EVERY, '@asteasolutions/zod-to-openapi'],
  snapshotDispatcher: [...EVERY, ...QUEUES],
  snapshotWorker: [
    ...EVERY,
    ...TABLE,
    ...SECRETS,
    ...CALLS_PROVIDERS,
    ...QUEUES,
    ...QUEUE_CONSUMER,
    '@aws-sdk/client-sns',
  ],
  webhooks: [...EVERY, ...TABLE, ...QUEUES, ...SECRETS_KEY, ...TARGET_CHECKS],
  relayFanOut: [...EVERY, ...TABLE, ...QUEUES, ...QUEUE_CONSUMER],
  relayDelivery: [
    ...EVERY,
    ...TABLE,
    ...QUEUES,
    ...QUEUE_CONSUMER,
    ...SECRETS_KEY,
    ...TARGET_CHECKS,
    '@aws-lambda-powertools/idempotency',
    'standardwebhooks',
  ],
  relayReconciler: [...EVERY, ...TABLE, ...QUEUES],
};

/** The functions that call providers; only they may carry adapters and wire formats. */
const PROVIDER_CALLERS: readonly FunctionName[] = ['lookup', 'snapshotWorker'];

/** Own modules that belong to one kind of function only, and who may carry them. */
const OWN_MODULES: ReadonlyArray<{ pattern: RegExp; what: string; allowed: readonly FunctionName[] }> = [
  {
    pattern: /^shared\/providers\/([^/]+\/adapter|registry|normalization|records)\.ts$/,
    what: 'provider adapters',
    allowed: PROVIDER_CALLERS,
  },
  // (shared/wire/json.ts is JSON parsing that cursors use too.)
  { pattern: /^shared\/wire\/(?!json\.ts)/, what: 'provider wire formats', allowed: PROVIDER_CALLERS },
  { pattern: /^shared\/invoice\/time\.ts$/, what: 'time-zone conversion', allowed: PROVIDER_CALLERS },
  {
    pattern: /^(functions\/route-docs|shared\/api\/(responses|examples|openapi))\.ts$/,
    what: 'the reference’s answers and examples',
    allowed: ['docs'],
  },
  { pattern: /sandbox|fake-data/, what: 'sandboxes', allowed: [] },
];

const DECLARED = new Set(
  Object.keys((JSON.parse(readFileSync('package.json', 'utf8')) as { dependencies: object }).dependencies),
);

interface Contents {
  /** Declared dependencies with code in the bundle. */
  packages: string[];
  /** The product's own modules with code in the bundle. */
  modules: string[];
}

/** What a bundle holds: only inputs that left code in the output count (tree-shaken ones do not). */
function contentsOf(metafile: Metafile): Contents {
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined);
  const packages = new Set<string>();
  const modules: string[] = [];
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    if (input.bytesInOutput === 0) continue;
    const name = packageOf(path);
    if (name === undefined) modules.push(path);
    else if (DECLARED.has(name)) packages.add(name);
  }
  return { packages: [...packages].sort(), modules };
}

async function bundle(entry: string): Promise<Contents> {
  const result = await build({ ...esbuildOptions(entry, 'bundle-contents/index.mjs'), write: false });
  return contentsOf(result.metafile as Metafile);
}

const names = Object.keys(FUNCTION_CATALOG) as FunctionName[];
const bundles = new Map<FunctionName, Contents>();

beforeAll(async () => {
  const built = await Promise.all(names.map((name) => bundle(FUNCTION_CATALOG[name].entry)));
  for (const [index, name] of names.entries()) bundles.set(name, built[index] as Contents);
}, 120_000);

describe.each(names)('the %s bundle', (name) => {
  test('carries exactly the packages the table gives it', () => {
    expect(bundles.get(name)?.packages).toEqual([...new Set(ALLOWED[name])].sort());
  });

  test.each(OWN_MODULES)('carries $what only if they are its own', ({ pattern, allowed }) => {
    const found = bundles.get(name)?.modules.filter((module) => pattern.test(module)) ?? [];
    // Where they belong, they are there: the pattern names real modules.
    if (allowed.includes(name)) expect(found.length).toBeGreaterThan(0);
    else expect(found).toEqual([]);
  });
});

describe('shared modules that many functions import', () => {
  test.each([
    'shared/invoice/invoice.ts',
    'shared/connections/connection-config.ts',
    'shared/webhooks/webhook.ts',
  ])('%s pulls in no time-zone code, no adapter and no parser', async (entry) => {
    const contents = await bundle(entry);
    expect(contents.packages.filter((name) => CALLS_PROVIDERS.includes(name))).toEqual([]);
    expect(
      contents.modules.filter((module) =>
        /^shared\/(providers\/[^/]+\/adapter|wire\/|invoice\/time\.ts)/.test(module),
      ),
    ).toEqual([]);
  });
});
