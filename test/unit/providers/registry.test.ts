import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, test } from 'vitest';
import { defineAdapter, OPERATIONS } from '../../../shared/providers/provider.ts';
import { PROVIDER_IDS, PROVIDERS } from '../../../shared/providers/registry.ts';
import { PROVIDER_SANDBOXES } from '../../../shared/sandbox/sandbox-registry.ts';

/**
 * The steps of docs/adding-a-provider.md, checked for every provider in the registries: a folder
 * with adapter, wire formats, sandbox and fixtures, one line in each registry, and nothing of the
 * sandbox in what Lambda bundles import. (Status-table rows: status-tables.test.ts; the sandbox
 * answering its adapter over HTTP: test/integration/providers/every-provider.test.ts.)
 */

const METHODS = {
  list: 'list',
  get: 'get',
  'order-invoices': 'orderInvoices',
  document: 'document',
} as const;

describe.each(PROVIDER_IDS)('provider %s', (provider) => {
  const adapter = PROVIDERS[provider];
  const folder = join('shared/providers', provider);

  test('its folder holds adapter.ts, wire.ts, sandbox.ts and fixtures/', () => {
    for (const file of ['adapter.ts', 'wire.ts', 'sandbox.ts', 'fixtures'])
      expect(existsSync(join(folder, file)), join(folder, file)).toBe(true);
  });

  test('both registries hold it under its own id', () => {
    expect(adapter.id).toBe(provider);
    expect(PROVIDER_SANDBOXES[provider].provider).toBe(provider);
  });

  test('its operations are exactly the methods it has, and each body operation has a wire format', () => {
    const methods = OPERATIONS.filter((operation) => typeof adapter[METHODS[operation]] === 'function');
    expect(adapter.operations).toEqual(methods);
    expect(adapter.operations.length).toBeGreaterThan(0);
    for (const operation of adapter.operations) {
      if (operation !== 'document') expect(adapter.wire[operation], operation).toBeDefined();
    }
  });

  test('every fixture body has its expected result beside it', () => {
    const files = readdirSync(join(folder, 'fixtures'));
    const bodies = files.filter(
      (file) => /-(list|get|order-invoices)\.(json|xml)$/.test(file) && !file.endsWith('.expected.json'),
    );
    expect(bodies.length).toBeGreaterThan(0);
    for (const body of bodies) {
      const stem = body.replace(/\.(json|xml)$/, '');
      expect(files, body).toContain(`${stem}.expected.json`);
    }
  });

  test('its sandbox writes bodies its adapter reads', () => {
    const { operation, body } = PROVIDER_SANDBOXES[provider].statusExample('PAID');
    expect(adapter.operations).toContain(operation);
    const page = adapter.normalizeBody(operation, body, null, {
      provider,
      connection: null,
      timeZone: adapter.defaults.timeZone,
      currency: adapter.defaults.currency,
      statusMap: {},
      includeRaw: false,
    });
    expect(page.invoices).toHaveLength(1);
  });
});

describe('registries', () => {
  test('the sandbox registry names the same providers as the adapter registry, in the same order', () => {
    expect(Object.keys(PROVIDER_SANDBOXES)).toEqual(PROVIDER_IDS);
  });

  test('operations come from the methods an adapter has', () => {
    const definition = {
      id: 'sixth',
      defaults: { timeZone: 'UTC', currency: null },
      statusTable: {},
      optionsSchema: PROVIDERS.carbonext.optionsSchema,
      idPatterns: { invoice: /^x$/ },
      wire: {},
      normalizeBody: PROVIDERS.carbonext.normalizeBody,
    };
    expect(defineAdapter(definition).operations).toEqual([]);
    const withGet = defineAdapter({ ...definition, get: async () => Promise.reject(new Error('unused')) });
    expect(withGet.operations).toEqual(['get']);
  });

  test('what Lambda bundles import (the adapter registry) carries no sandbox and no fake data', async () => {
    const result = await build({
      entryPoints: ['shared/providers/registry.ts'],
      bundle: true,
      write: false,
      metafile: true,
      platform: 'node',
      format: 'esm',
      logLevel: 'silent',
    });
    const inputs = Object.keys(result.metafile.inputs);
    expect(inputs).toContain('shared/providers/carbonext/adapter.ts');
    expect(inputs.filter((input) => /sandbox|fake-data/.test(input))).toEqual([]);
  });
});
