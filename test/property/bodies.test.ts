import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { MalformedResponse, ProviderRejected } from '../../shared/errors.ts';
import { Invoice } from '../../shared/invoice/invoice.ts';
import type { BodyOperation } from '../../shared/providers/provider.ts';
import { PROVIDER_IDS, PROVIDERS, type ProviderId } from '../../shared/providers/registry.ts';
import { SANDBOX_CONNECTIONS, SANDBOXES } from '../../shared/sandbox/sandbox-registry.ts';
import type { PageFormat } from '../../shared/wire/decode.ts';
import { contextFor } from '../support/contexts.ts';

/**
 * Whatever bytes a provider sends, normalization either returns canonical invoices or throws a
 * typed error: never a TypeError, never a silently shorter page.
 */

interface Sample {
  provider: ProviderId;
  operation: BodyOperation;
  body: string;
}

function outcome(provider: ProviderId, operation: BodyOperation, body: string, contentType: string | null) {
  try {
    const page = PROVIDERS[provider].normalizeBody(operation, body, contentType, contextFor(provider));
    for (const invoice of page.invoices) {
      const checked = Invoice.safeParse(invoice);
      if (!checked.success) throw new Error(`invalid canonical invoice: ${checked.error.message}`);
    }
    return { kind: 'page' as const, count: page.invoices.length };
  } catch (error: unknown) {
    if (error instanceof MalformedResponse || error instanceof ProviderRejected)
      return { kind: 'typed-error' as const };
    throw error;
  }
}

function fixtureSamples(): Sample[] {
  return PROVIDER_IDS.flatMap((provider) => {
    const folder = join('shared/providers', provider, 'fixtures');
    return readdirSync(folder).flatMap((file) => {
      const match = /-(list|get|order-invoices)\.(json|xml)$/.exec(file);
      if (match === null || file.endsWith('.expected.json')) return [];
      return [
        { provider, operation: match[1] as BodyOperation, body: readFileSync(join(folder, file), 'utf8') },
      ];
    });
  });
}

/** Real bodies from each sandbox, JSON and (where offered) XML. */
async function sandboxSamples(): Promise<Sample[]> {
  const requests: Array<[ProviderId, BodyOperation, string, string, string]> = [
    ['pretendentas', 'list', 'GET', '/v1/invoices?api_key=sandbox-pretendentas-key', 'application/json'],
    ['pretendentas', 'list', 'GET', '/v1/invoices?api_key=sandbox-pretendentas-key', 'application/xml'],
    ['orders-api', 'order-invoices', 'GET', '/v1/Orders/5001/Invoices', 'application/json'],
    ['orders-api', 'order-invoices', 'GET', '/v1/Orders/5001/Invoices', 'application/xml'],
    ['packcloud', 'list', 'GET', '/v1/organizations/sandbox-org/billing/invoices', 'application/json'],
    ['carbonext', 'list', 'GET', '/v1/invoices', 'application/json'],
  ];
  const samples: Sample[] = [];
  for (const [provider, operation, method, target, accept] of requests) {
    const app = SANDBOXES[provider]({ size: 12 });
    const url = new URL(target, 'http://sandbox.test');
    const response = await app.handle({
      baseUrl: 'http://sandbox.test',
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: { accept, authorization: `Bearer ${SANDBOX_CONNECTIONS[provider].token}` },
      body: '',
    });
    expect(response.status).toBe(200);
    samples.push({ provider, operation, body: String(response.body) });
  }
  return samples;
}

const operations: Array<[ProviderId, BodyOperation]> = PROVIDER_IDS.flatMap((provider) =>
  PROVIDERS[provider].operations
    .filter((op) => op !== 'document')
    .map((op) => [provider, op as BodyOperation]),
);

describe('any body yields canonical invoices or a typed error', () => {
  test('random text, as JSON, XML or unlabelled', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...operations),
        fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.json(), fc.constant('<response>')),
        fc.constantFrom('application/json', 'application/xml', null),
        ([provider, operation], body, contentType) => {
          outcome(provider, operation, body, contentType);
        },
      ),
      { numRuns: 2000 },
    );
  });

  test('random JSON values in place of any field of a real record', async () => {
    const samples = [...fixtureSamples(), ...(await sandboxSamples())].filter(
      (s) => s.body.trimStart()[0] !== '<',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.jsonValue(),
        fc.nat(),
        ({ provider, operation, body }, value, pick) => {
          const document = JSON.parse(body);
          const slots: Array<[Record<string, unknown>, string]> = [];
          const walk = (node: unknown) => {
            if (node === null || typeof node !== 'object') return;
            for (const [key, child] of Object.entries(node)) {
              slots.push([node as Record<string, unknown>, key]);
              walk(child);
            }
          };
          walk(document);
          const [target, key] = slots[pick % slots.length] ?? [document, 'x'];
          target[key] = value;
          outcome(provider, operation, JSON.stringify(document), 'application/json');
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('a damaged record is quarantined, never silently dropped: every record is an invoice or reported', async () => {
    const samples = [...fixtureSamples(), ...(await sandboxSamples())].filter(
      (s) => s.operation !== 'get' && s.body.trimStart()[0] !== '<',
    );
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.nat(),
        fc.nat(),
        fc.jsonValue(),
        ({ provider, operation, body }, recordPick, slotPick, value) => {
          const format = PROVIDERS[provider].wire[operation] as PageFormat<unknown, unknown>;
          const document = JSON.parse(body);
          const records = format.records(document).items as unknown[];
          if (records.length === 0) return;
          const index = recordPick % records.length;
          const slots: Array<[Record<string, unknown>, string]> = [];
          const walk = (node: unknown) => {
            if (node === null || typeof node !== 'object') return;
            for (const [key, child] of Object.entries(node)) {
              slots.push([node as Record<string, unknown>, key]);
              walk(child);
            }
          };
          walk(records[index]);
          const [target, key] = slots[slotPick % Math.max(1, slots.length)] ?? [{}, 'x'];
          // A marked string, so that a reason quoting the body would show.
          target[key] = typeof value === 'string' ? `SECRET-${value}` : value;
          const page = PROVIDERS[provider].normalizeBody(
            operation,
            JSON.stringify(document),
            null,
            contextFor(provider),
          );
          expect(page.invoices.length + page.quarantined.length).toBe(records.length);
          for (const record of page.quarantined) {
            expect(record.position).toMatch(/\[\d+\]$/);
            expect(record.reason).not.toContain('SECRET-');
          }
        },
      ),
      { numRuns: 1500 },
    );
  });

  test('a truncated body is always an error, never a shorter page', async () => {
    const samples = [...fixtureSamples(), ...(await sandboxSamples())];
    fc.assert(
      fc.property(
        fc.constantFrom(...samples),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (sample, fraction) => {
          const meaningful = sample.body.trimEnd().length;
          const cut = sample.body.slice(0, Math.min(meaningful - 1, Math.floor(fraction * meaningful)));
          expect(outcome(sample.provider, sample.operation, cut, null)).toEqual({ kind: 'typed-error' });
        },
      ),
      { numRuns: 1500 },
    );
  });
});
