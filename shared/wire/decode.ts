import type { z } from 'zod';
import { MalformedResponse } from '../errors.ts';
import { PrecisionLost } from './fields.ts';
import { parseJson, parseJsonExact } from './json.ts';
import { createXmlReader, InvalidXml } from './xml.ts';

export type BodyFormat = 'json' | 'xml';

/** How one kind of provider body is read: its schema, and how its XML flavour is unwrapped. */
export interface WireFormat<T> {
  schema: z.ZodType<T>;
  /** Element paths (`response.items.invoice`) that are lists even with a single element. */
  xmlLists?: readonly string[];
  /**
   * Turns the parsed XML document into the JSON flavour's shape (the XML flavour wraps the same
   * content in a root element). Return `undefined` when the expected root is missing.
   */
  fromXml?: (document: Record<string, unknown>) => unknown;
}

/** JSON or XML by Content-Type; without one, by the first character of the body. */
export function bodyFormat(contentType: string | null | undefined, body: string): BodyFormat {
  const type = contentType?.toLowerCase() ?? '';
  if (type.includes('xml')) return 'xml';
  if (type.includes('json')) return 'json';
  return body.trimStart().startsWith('<') ? 'xml' : 'json';
}

/**
 * Parses, validates and normalizes a provider body. Every failure is a `MalformedResponse` whose
 * detail says which field was wrong and why, never what it contained (bodies hold personal data).
 *
 * JSON is parsed with plain `JSON.parse`; if normalization meets a number a double cannot hold
 * exactly, the body is parsed again keeping numbers as their source text and normalized again.
 */
export function readBody<T, R>(
  provider: string,
  format: WireFormat<T>,
  body: string,
  contentType: string | null | undefined,
  normalize: (decoded: T) => R,
): R {
  if (bodyFormat(contentType, body) === 'xml') {
    return normalize(validate(provider, format, readXml(provider, format, body)));
  }
  let parsed: unknown;
  try {
    parsed = parseJson(body);
  } catch {
    throw new MalformedResponse(provider, 'body is not valid JSON');
  }
  try {
    return normalize(validate(provider, format, parsed));
  } catch (error: unknown) {
    if (!(error instanceof PrecisionLost)) throw error;
    return normalize(validate(provider, format, parseJsonExact(body)));
  }
}

/** Parses and validates without normalizing (for values that are used as they are). */
export function decodeBody<T>(
  provider: string,
  format: WireFormat<T>,
  body: string,
  contentType?: string | null,
): T {
  return readBody(provider, format, body, contentType, (decoded) => decoded);
}

const xmlReaders = new WeakMap<WireFormat<unknown>, (text: string) => unknown>();

function readXml<T>(provider: string, format: WireFormat<T>, body: string): unknown {
  const key = format as WireFormat<unknown>;
  let read = xmlReaders.get(key);
  if (read === undefined) {
    read = createXmlReader(format.xmlLists ?? []);
    xmlReaders.set(key, read);
  }
  let document: unknown;
  try {
    document = read(body);
  } catch (error: unknown) {
    throw new MalformedResponse(
      provider,
      error instanceof InvalidXml ? error.message : 'body is not readable XML',
    );
  }
  const unwrapped = format.fromXml ? format.fromXml(document as Record<string, unknown>) : document;
  if (unwrapped === undefined)
    throw new MalformedResponse(provider, 'XML body lacks the expected root element');
  return unwrapped;
}

function validate<T>(provider: string, format: WireFormat<T>, value: unknown): T {
  const result = format.schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const shown = issues.slice(0, 3).map((issue) => `${describePath(issue.path)}: ${issue.message}`);
  const more = issues.length > 3 ? ` (and ${issues.length - 3} more)` : '';
  throw new MalformedResponse(provider, `${shown.join('; ')}${more}`);
}

/** `items.invoice[0].status`; the body's root is "body". */
export function describePath(path: readonly PropertyKey[]): string {
  let text = 'body';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `.${String(key)}`;
  return text;
}
