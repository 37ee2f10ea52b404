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
 * an object that strips unknown keys) throws when the schema is compiled, at module load, so that
 * a new construct can never be checked less strictly than zod would check it. A property test
 * checks that the predicate and `safeParse` agree.
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

function compile(schema: z.ZodType): Check {
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
      return (value) => Boolean(fn(value));
    }
    case 'unknown':
    case 'any':
      return () => true;
    case 'null':
      return (value) => value === null;
    case 'literal': {
      const values = def.values ?? [];
      return (value) => values.includes(value);
    }
    case 'optional': {
      const inner = compile(required(def.innerType));
      return (value) => value === undefined || inner(value);
    }
    case 'nullable': {
      const inner = compile(required(def.innerType));
      return (value) => value === null || inner(value);
    }
    case 'array': {
      const element = compile(required(def.element));
      return (value) => {
        if (!Array.isArray(value)) return false;
        for (let index = 0; index < value.length; index++) if (!element(value[index])) return false;
        return true;
      };
    }
    case 'union': {
      const options = (def.options ?? []).map(compile);
      return (value) => {
        for (const option of options) if (option(value)) return true;
        return false;
      };
    }
    case 'object':
      return compileObject(def);
    default:
      throw new Error(`compileCheck: '${def.type}' schemas are not compiled`);
  }
}

function compileObject(def: Definition): Check {
  const catchall = def.catchall?._zod.def.type;
  // Only a loose object returns its input's every key, so only then is "passes" the same as "equal".
  if (catchall !== 'unknown') throw new Error('compileCheck: only z.looseObject is compiled');
  const fields = Object.entries(def.shape ?? {}).map(([key, schema]) => ({
    key,
    check: compile(schema),
    // zod refuses an absent key unless its schema is optional, even when the schema accepts undefined.
    required: schema._zod.optin !== 'optional',
  }));
  return (value) => {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
    const record = value as Record<string, unknown>;
    for (let index = 0; index < fields.length; index++) {
      const field = fields[index] as (typeof fields)[number];
      if (field.required && !(field.key in record)) return false;
      if (!field.check(record[field.key])) return false;
    }
    return true;
  };
}

function required(schema: z.ZodType | undefined): z.ZodType {
  if (schema === undefined) throw new Error('compileCheck: schema without its inner type');
  return schema;
}
