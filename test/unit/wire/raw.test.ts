import { describe, expect, test } from 'vitest';
import { MalformedResponse } from '../../../shared/errors.ts';
import type { BodyOperation } from '../../../shared/providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../../../shared/providers/registry.ts';
import { RAW_MAX_DEPTH } from '../../../shared/wire/raw.ts';
import { contextFor } from '../../support/contexts.ts';

/**
 * Hostile records and `raw`: whatever a provider nests or inflates, normalizing either works or
 * is a clean MalformedResponse, and what it returns can always be serialized.
 */

const DEEP = 100_000;
const deepJson = `${'['.repeat(DEEP)}${']'.repeat(DEEP)}`;
const deepXml = `${'<n>'.repeat(DEEP)}${'</n>'.repeat(DEEP)}`;
const nestedJson = (levels: number) => `${'{"n":'.repeat(levels)}1${'}'.repeat(levels)}`;
const FIVE_MB = 'x'.repeat(5 * 1024 * 1024);

const carbonextRecord = (extra: string) =>
  `{"id": "x", "status": "Paid", "totalPrice": 1, "currency": "BRL", "orders": [], "extra": ${extra}}`;

function outcome(provider: ProviderId, operation: BodyOperation, body: string, includeRaw: boolean) {
  try {
    const page = PROVIDERS[provider].normalizeBody(
      operation,
      body,
      null,
      contextFor(provider, { includeRaw }),
    );
    // The API and the CLI serialize what normalization returns: that must never overflow.
    JSON.stringify(page);
    return { page };
  } catch (error: unknown) {
    if (error instanceof MalformedResponse) return { detail: error.detail };
    throw error;
  }
}

describe('raw is bounded in depth and size', () => {
  test('a JSON record nested 100,000 levels deep normalizes without raw, and is refused with it', () => {
    const body = carbonextRecord(deepJson);
    expect(outcome('carbonext', 'get', body, false).page?.invoices[0]?.remoteId).toBe('x');
    expect(outcome('carbonext', 'get', body, true)).toEqual({
      detail: `body: cannot be carried as raw: nested deeper than ${RAW_MAX_DEPTH} levels`,
    });
  });

  test('nesting up to the bound is carried whole; one level more is refused', () => {
    // The record is level 1 and `extra` opens the next one: 31 more levels inside it is the limit.
    const fits = outcome('carbonext', 'get', carbonextRecord(nestedJson(RAW_MAX_DEPTH - 1)), true);
    expect(JSON.stringify(fits.page?.invoices[0]?.raw)).toContain(nestedJson(RAW_MAX_DEPTH - 1));
    expect(outcome('carbonext', 'get', carbonextRecord(nestedJson(RAW_MAX_DEPTH)), true)).toHaveProperty(
      'detail',
    );
  });

  test('a record carrying a 5 MB string normalizes without raw, and is refused with it', () => {
    const body = carbonextRecord(JSON.stringify(FIVE_MB));
    expect(outcome('carbonext', 'get', body, false).page?.invoices).toHaveLength(1);
    expect(outcome('carbonext', 'get', body, true)).toEqual({
      detail: 'body: cannot be carried as raw: larger than 256 KiB as JSON',
    });
  });

  test('in a list with raw, the record that cannot be carried is quarantined and the others kept', () => {
    const ok = carbonextRecord('null').replace('"x"', '"ok"');
    const body = `{"items": [${ok}, ${carbonextRecord(deepJson)}], "hasNextPage": false}`;
    const { page } = outcome('carbonext', 'list', body, true);
    expect(page?.invoices.map((invoice) => invoice.remoteId)).toEqual(['ok']);
    expect(page?.quarantined).toEqual([
      {
        position: 'items[1]',
        remoteId: 'x',
        reason: expect.stringMatching(/^record: cannot be carried as raw/),
      },
    ]);
  });

  test('XML nested 100,000 elements deep is a MalformedResponse for the body, with or without raw', () => {
    const body = `<response><success>true</success><message/><items><invoice><id>x</id><status>PAID</status><extra>${deepXml}</extra></invoice></items></response>`;
    for (const includeRaw of [false, true]) {
      expect(outcome('pretendentas', 'list', body, includeRaw)).toEqual({
        detail: 'elements nested deeper than 64 levels',
      });
    }
  });

  test('XML nested within the parser bound but past the raw bound is refused only as raw', () => {
    const nested = `${'<n>'.repeat(40)}1${'</n>'.repeat(40)}`;
    const body = `<response><success>true</success><message/><items><invoice><id>x</id><status>PAID</status><extra>${nested}</extra></invoice></items></response>`;
    expect(outcome('pretendentas', 'list', body, false).page?.invoices).toHaveLength(1);
    expect(outcome('pretendentas', 'list', body, true).page?.quarantined).toEqual([
      { position: 'items.invoice[0]', remoteId: 'x', reason: expect.stringMatching(/nested deeper than 32/) },
    ]);
  });

  test('an XML record with a 5 MB text is refused only as raw', () => {
    const body = `<response><success>true</success><message/><items><invoice><id>x</id><status>PAID</status><extra>${FIVE_MB}</extra></invoice></items></response>`;
    expect(outcome('pretendentas', 'list', body, false).page?.invoices).toHaveLength(1);
    expect(outcome('pretendentas', 'list', body, true).page?.quarantined[0]?.reason).toMatch(/256 KiB/);
  });
});
