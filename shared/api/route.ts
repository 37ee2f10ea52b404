import type * as z from 'zod';
import type { Scope } from '../auth/principal.ts';

/**
 * One HTTP route of the API, described once. The same description drives API Gateway (infra/),
 * the local runtime, request validation in the handlers and the OpenAPI document.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export interface ResponseSpec {
  description: string;
  /** JSON body schema; absent for empty or binary bodies. */
  schema?: z.ZodType;
  /** Content type when not JSON (a PDF, HTML). */
  contentType?: string;
  /** Headers worth documenting (Location on a redirect). */
  headers?: Record<string, string>;
}

type AnyObject = z.ZodObject<z.ZodRawShape>;

export interface RouteSpec<
  P extends AnyObject | undefined = AnyObject | undefined,
  Q extends AnyObject | undefined = AnyObject | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
  A extends 'api-key' | 'none' = 'api-key' | 'none',
> {
  method: HttpMethod;
  /** API Gateway path syntax: `/v1/connections/{connection}/invoices`. */
  path: string;
  /** The Lambda function that serves it (one per concern, see functions/). */
  function: string;
  operationId: string;
  summary: string;
  description?: string;
  tag: string;
  /** `api-key`: `Authorization: Bearer <key>` with `scope`; `none`: public. */
  auth: A;
  scope?: Scope;
  params?: P;
  query?: Q;
  body?: B;
  responses: Record<number, ResponseSpec>;
}

/** Keeps each schema's type, so that handlers see typed params, query and body. */
export function defineRoute<
  A extends 'api-key' | 'none',
  P extends AnyObject | undefined = undefined,
  Q extends AnyObject | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(spec: RouteSpec<P, Q, B, A>): RouteSpec<P, Q, B, A> {
  return spec;
}

/** `GET /v1/connections`: API Gateway's route key. */
export function routeKey(route: Pick<RouteSpec, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

/** What a schema slot of a route yields: its output type, or never when the route has none. */
/**
 * A route's path as a pattern matching concrete paths, `{name}` matching one segment; the names
 * in the order the captures come. Literal parts are escaped (`/openapi.json` does not match
 * `/openapiXjson`).
 */
export function routePattern(path: string): { pattern: RegExp; names: string[] } {
  const names: string[] = [];
  const source = path
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const name = /^\{([^}]+)\}$/.exec(part)?.[1];
      if (name === undefined) return part.replace(/[.*+?^$()|[\]\\]/g, '\\$&');
      names.push(name);
      return '([^/]+)';
    })
    .join('');
  return { pattern: new RegExp(`^${source}$`), names };
}

export type Output<S> = S extends z.ZodType ? z.output<S> : never;
