import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type * as z from 'zod';
import { PROVIDER_IDS, PROVIDERS } from '../../shared/providers/registry.ts';
import { compileCheck } from '../../shared/wire/check.ts';
import type { PageFormat, RecordFormat } from '../../shared/wire/decode.ts';

/**
 * The compiled wire checks are only a faster way of asking zod: for any value, the predicate
 * passes exactly when `safeParse` does, and then zod's output equals the value itself (so using
 * the value unparsed changes nothing, `raw` included).
 */

type Format = PageFormat<unknown, unknown> | RecordFormat<unknown>;

const schemas: Array<[string, z.ZodType]> = PROVIDER_IDS.flatMap((provider) =>
  Object.entries(PROVIDERS[provider].wire).flatMap(([operation, format]) => {
    const f = format as Format;
    return 'envelope' in f
      ? ([
          [`${provider} ${operation} envelope`, f.envelope],
          [`${provider} ${operation} record`, f.record.schema],
        ] as Array<[string, z.ZodType]>)
      : ([[`${provider} ${operation} record`, f.schema]] as Array<[string, z.ZodType]>);
  }),
);

/** Every object in the fixture bodies: real records, their nested parts, their envelopes. */
function fixtureObjects(): unknown[] {
  const objects: unknown[] = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    objects.push(node);
    for (const child of Object.values(node)) walk(child);
  };
  for (const provider of PROVIDER_IDS) {
    const folder = join('shared/providers', provider, 'fixtures');
    for (const file of readdirSync(folder)) {
      if (file.endsWith('.json') && !file.endsWith('.expected.json'))
        walk(JSON.parse(readFileSync(join(folder, file), 'utf8')));
    }
  }
  return objects;
}

/** A deep copy with one slot (at any depth) replaced by `value`, or removed when `value` is undefined. */
function mutate(original: unknown, pick: number, value: unknown): unknown {
  const copy = structuredClone(original);
  const slots: Array<[Record<string, unknown>, string]> = [];
  const walk = (node: unknown) => {
    if (node === null || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      slots.push([node as Record<string, unknown>, key]);
      walk(child);
    }
  };
  walk(copy);
  const slot = slots[pick % Math.max(1, slots.length)];
  if (slot === undefined) return value;
  const [target, key] = slot;
  if (value === undefined) delete target[key];
  else target[key] = value;
  return copy;
}

const wireValues = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom(
    '',
    ' 12.50 ',
    '1e400',
    '-0',
    'TRUE',
    ' false ',
    'x',
    '00042',
    Number.POSITIVE_INFINITY,
    Number.NaN,
  ),
  fc.constant(undefined),
  fc.double(),
);

describe('compiled wire checks agree with zod', () => {
  const samples = fixtureObjects();

  test.each(schemas)('%s', (_name, schema) => {
    const check = compileCheck(schema);
    fc.assert(
      fc.property(fc.constantFrom(...samples), fc.nat(), wireValues, (sample, pick, value) => {
        for (const candidate of [mutate(sample, pick, value), value]) {
          const parsed = schema.safeParse(candidate);
          expect(check(candidate)).toBe(parsed.success);
          if (parsed.success) expect(parsed.data).toEqual(candidate);
        }
      }),
      { numRuns: 400 },
    );
  });

  test('every real fixture record passes both ways', () => {
    const recordSchemas = schemas.filter(([name]) => name.endsWith('record'));
    let passed = 0;
    for (const sample of samples) {
      for (const [, schema] of recordSchemas) {
        const success = schema.safeParse(sample).success;
        expect(compileCheck(schema)(sample)).toBe(success);
        if (success) passed++;
      }
    }
    expect(passed).toBeGreaterThan(5);
  });
});
