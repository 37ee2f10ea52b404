import type * as z from 'zod';
import type { Scope } from '../auth/principal.ts';

/**
 * One HTTP route of the API, described once: what it accepts (`RouteSpec`, functions/routes.ts),
 * which drives API Gateway (infra/), the local runtime and request validation in the handlers; and
 * what the reference says of it (`RouteDocs`, functions/route-docs.ts): its words, its answers'
 * schemas and examples, which only the docs function (the OpenAPI document) and the tests build.
 */

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * A JSON answer: its schema and an example of it. Write it with `jsonResponse()`, which types the
 * example by the schema; the tests also parse every example with its schema and lint the document.
 */
export interface JsonResponseSpec<S extends z.ZodType = z.ZodType> {
  description: string;
  schema: S;
  /** What the reference shows for this answer. */
  example: z.output<S>;
  /** Headers worth documenting, by name. */
  headers?: Record<string, string>;
}

/** An answer without a JSON body: empty (204, 302) or not JSON (a PDF, HTML). */
export interface OtherResponseSpec {
  description: string;
  schema?: undefined;
  example?: undefined;
  /** Content type when there is a body that is not JSON. */
  contentType?: string;
  /** Headers worth documenting (Location on a redirect). */
  headers?: Record<string, string>;
}

export type ResponseSpec = JsonResponseSpec | OtherResponseSpec;

/** A JSON response whose example is checked against its schema by the type checker. */
export function jsonResponse<S extends z.ZodType>(
  description: string,
  schema: S,
  example: z.output<S>,
  headers?: Record<string, string>,
): JsonResponseSpec<S> {
  return { description, schema, example, ...(headers === undefined ? {} : { headers }) };
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
  /** `api-key`: `Authorization: Bearer <key>` with `scope`; `none`: public. */
  auth: A;
  scope?: Scope;
  params?: P;
  query?: Q;
  body?: B;
}

/** What the reference says of a route. */
export interface RouteDocs {
  /** One line: the operation's name in the reference's table of contents. */
  summary: string;
  /** What a caller needs to know beyond the summary (markdown); every route has one. */
  description: string;
  /** The reference groups operations by tag; every tag has a description (see `TAGS` in route-docs.ts). */
  tag: string;
  /** An example request body; every route with a body has one. */
  bodyExample?: unknown;
  /** Every success answer; problems (4xx/5xx) are added to the document from `auth` and `path`. */
  responses: Record<number, ResponseSpec>;
}

/** The docs of route `R`, its body example typed by its body schema. */
export type RouteDocsOf<R extends RouteSpec> = Omit<RouteDocs, 'bodyExample'> & {
  bodyExample?: BodyInput<R['body']>;
};
type BodyInput<B> = B extends z.ZodType ? z.input<B> : never;

/** A route with its docs: what the OpenAPI document is built from. */
export type DocumentedRoute = RouteSpec & RouteDocs;

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

/** What a schema slot of a route yields: its output type, or never when the route has none. */
export type Output<S> = S extends z.ZodType ? z.output<S> : never;
