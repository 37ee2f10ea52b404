import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { Invoice } from '../../../shared/invoice/invoice.ts';
import type { BodyOperation } from '../../../shared/providers/provider.ts';
import { PROVIDER_IDS, PROVIDERS } from '../../../shared/providers/registry.ts';
import { contextFor } from '../../support/contexts.ts';

/**
 * Every example body of the seed documents, verbatim in `shared/providers/<id>/fixtures/`,
 * normalizes to its committed `<name>.expected.json`. The JSON and XML flavours of one example
 * share one expected file, so they must agree.
 */

const cases = PROVIDER_IDS.flatMap((provider) => {
  const folder = join('shared/providers', provider, 'fixtures');
  return readdirSync(folder)
    .map((file) => /^(?<stem>.+-(?<operation>list|get|order-invoices))\.(json|xml)$/.exec(file))
    .filter((match) => match !== null && !match[0].endsWith('.expected.json'))
    .map((match) => ({
      provider,
      file: join(folder, match?.[0] ?? ''),
      expected: join(folder, `${match?.groups?.stem}.expected.json`),
      operation: match?.groups?.operation as BodyOperation,
    }));
});

describe('seed examples', () => {
  test('every provider has at least one example body', () => {
    expect(new Set(cases.map((c) => c.provider))).toEqual(new Set(PROVIDER_IDS));
  });

  test.each(cases)('$file normalizes to its expected result', ({ provider, file, expected, operation }) => {
    const page = PROVIDERS[provider].normalizeBody(
      operation,
      readFileSync(file, 'utf8'),
      null,
      contextFor(provider),
    );
    expect(page.quarantined).toEqual([]);
    expect({ invoices: page.invoices, next: page.next }).toEqual(JSON.parse(readFileSync(expected, 'utf8')));
    for (const invoice of page.invoices) expect(Invoice.safeParse(invoice).success).toBe(true);
  });
});
