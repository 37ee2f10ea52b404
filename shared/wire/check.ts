import type * as z from 'zod';

/**
 * A wire schema compiled into a plain predicate, for the fast path of reading thousands of records.
 *
 * Zod's parse builds a result object per field and a copy of every object it checks (zod 4
 * compiles object schemas, but each field still runs through `_zod.run` with a payload of its own,
 * and a loose object copies its unknown keys): on a page of 2,000 invoices that alone costs about
 * as much as `JSON.parse`. Wire schemas transform nothing, so a record that passes them parses to
 * a value equal to itself, and a predicate that answers *whether* it passes is enough. When the
 * predicate says no, the caller runs the zod schema itself for the issues to report: zod stays
 * the one definition of every shape, and the judge of every refusal.
 *
 * Only what the wire schemas use is compiled; anything else (a refinement, a transform, a default,
 * an object that strips unknown keys) throws when the schema is compiled (on first use; the
 * property test compiles every provider's schemas), so that a new construct can never be checked
 * less strictly than zod would check it. The property test also checks that the predicate and
 * `safeParse` agree.
 */

export type Check = (value: unknown) => boolean;

const compiled = new WeakMap<z.ZodType, Check>();

export function compileCheck(schema: z.ZodType): Check {
  let check = compiled.get(schema);
  if (check === undefined) {
    check = compile(schema);
    compiled.set(schema, check);
  }
  return check;
}

/** The definition fields this compiler reads, as zod 4 publishes them on `schema._zod.def`. */
interface Definition {
  type: string;
  checks?: readonly unknown[];
  fn?: (value: unknown) => unknown;
  innerType?: z.ZodType;
  element?: z.ZodType;
  options?: readonly z.ZodType[];
  shape?: Record<string, z.ZodType>;
  catchall?: z.ZodType;
  values?: readonly unknown[];
}

/**
 * Each object and array becomes a generated function whose property reads are constant
 * (`record["status"]`): a loop over field names would make every read a keyed load with a new
 * key, which V8 cannot specialise, and costs several times more. (zod 4 generates its object
 * parsers the same way.) Field checks are expressions over locals, calling the wire fields'
 * predicates directly.
 */
function compile(schema: z.ZodType): Check {
  const helpers: unknown[] = [];
  const body = `return (value) => ${expression(schema, 'value', helpers)};`;
  return generate(body, helpers) as Check;
}

function generate(body: string, helpers: readonly unknown[]): unknown {
  const names = helpers.map((_, index) => `h${index}`);
  return new Function(...names, `"use strict"; ${body}`)(...helpers);
}

function helper(helpers: unknown[], value: unknown): string {
  helpers.push(value);
  return `h${helpers.length - 1}`;
}

/** A JS expression over `value` (a local's name) that is true exactly when zod accepts it. */
function expression(schema: z.ZodType, value: string, helpers: unknown[]): string {
  const def = schema._zod.def as unknown as Definition;
  // A custom schema is its own single check; any other schema with checks has refinements.
  if (def.type !== 'custom' && def.checks !== undefined && def.checks.length > 0) {
    throw new Error(`compileCheck: a ${def.type} schema with refinements is not compiled`);
  }
  switch (def.type) {
    case 'custom': {
      const { fn } = def;
      if (fn === undefined || (def.checks?.length ?? 0) > 0)
        throw new Error('compileCheck: custom schema without a plain predicate');
      return `!!${helper(helpers, fn)}(${value})`;
    }
    case 'unknown':
    case 'any':
      return 'true';
    case 'null':
      return `${value} === null`;
    case 'literal':
      return `${helper(helpers, def.values ?? [])}.includes(${value})`;
    case 'optional':
      return `(${value} === undefined || ${expression(required(def.innerType), value, helpers)})`;
    case 'nullable':
      return `(${value} === null || ${expression(required(def.innerType), value, helpers)})`;
    case 'union':
      return `(${(def.options ?? []).map((option) => expression(option, value, helpers)).join(' || ')})`;
    case 'array':
      return `${helper(helpers, compileArray(def))}(${value})`;
    case 'object':
      return `${helper(helpers, compileObject(def))}(${value})`;
    default:
      throw new Error(`compileCheck: '${def.type}' schemas are not compiled`);
  }
}

function compileArray(def: Definition): Check {
  const helpers: unknown[] = [];
  const element = expression(required(def.element), 'item', helpers);
  return generate(
    `return (value) => {
      if (!Array.isArray(value)) return false;
      for (let index = 0; index < value.length; index++) {
        const item = value[index];
        if (!(${element})) return false;
      }
      return true;
    };`,
    helpers,
  ) as Check;
}

function compileObject(def: Definition): Check {
  const catchall = def.catchall?._zod.def.type;
  // Only a loose object returns its input's every key, so only then is "passes" the same as "equal".
  if (catchall !== 'unknown') throw new Error('compileCheck: only z.looseObject is compiled');
  const helpers: unknown[] = [];
  const fields = Object.entries(def.shape ?? {}).map(([key, schema], index) => {
    const name = JSON.stringify(key);
    const local = `field${index}`;
    // zod refuses an absent key unless its schema is optional, even when the schema accepts undefined.
    const presence = schema._zod.optin === 'optional' ? '' : `if (!(${name} in record)) return false;\n`;
    return `${presence}const ${local} = record[${name}];\nif (!(${expression(schema, local, helpers)})) return false;`;
  });
  return generate(
    `return (record) => {
      if (typeof record !== 'object' || record === null || Array.isArray(record)) return false;
      ${fields.join('\n')}
      return true;
    };`,
    helpers,
  ) as Check;
}

function required(schema: z.ZodType | undefined): z.ZodType {
  if (schema === undefined) throw new Error('compileCheck: schema without its inner type');
  return schema;
}
