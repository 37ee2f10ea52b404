import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy, { type MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import type * as z from 'zod';
import type { ApiKeyAuthenticator } from '../auth/authenticator.ts';
import type { Principal } from '../auth/principal.ts';
import type { RateLimiter } from '../auth/rate-limiter.ts';
import {
  Forbidden,
  InvalidInput,
  MalformedResponse,
  NotFound,
  Throttled,
  Unauthenticated,
} from '../errors.ts';
import type { Observability } from '../observability.ts';
import { PROBLEM_CONTENT_TYPE, type Problem, toProblem } from '../problem.ts';
import { type Output, type RouteSpec, routeKey } from './route.ts';

/**
 * The HTTP side of every API function: authentication, per-key throttling, validation of path,
 * query and body against the route's zod schemas, dispatch by API Gateway route key, and one
 * mapping of every error to an RFC 9457 problem. Operations only see typed input and return data.
 */

export interface ApiRequest<R extends RouteSpec> {
  params: Output<NonNullable<R['params']>>;
  query: Output<NonNullable<R['query']>>;
  body: Output<NonNullable<R['body']>>;
  principal: R['auth'] extends 'api-key' ? Principal : Principal | null;
  method: string;
  path: string;
  correlationId: string;
}

export type ApiResult =
  | { status: number; body?: unknown; headers?: Record<string, string> }
  | { status: number; binary: Buffer; contentType: string; headers?: Record<string, string> }
  | { status: number; text: string; contentType: string; headers?: Record<string, string> };

export interface BoundOperation {
  route: RouteSpec;
  handle(request: ApiRequest<RouteSpec>): Promise<ApiResult>;
}

/** Binds an operation to its route, typing its request from the route's schemas. */
export function operation<R extends RouteSpec>(
  route: R,
  handle: (request: ApiRequest<R>) => Promise<ApiResult>,
): BoundOperation {
  return { route, handle: handle as BoundOperation['handle'] };
}

export interface ApiHandlerOptions {
  operations: readonly BoundOperation[];
  observability: Observability;
  /** Needed when any operation requires an API key. */
  authenticator?: ApiKeyAuthenticator;
  limiter?: RateLimiter;
  /** Serves route keys no operation claims (API Gateway's `$default`). */
  fallback?: (request: ApiRequest<RouteSpec>) => Promise<ApiResult>;
}

const MAX_BODY_BYTES = 256 * 1024;

/**
 * Lambda refuses responses over 6 MB; an answer this large (a provider sending an invoice with
 * endless lines) is a problem of its own, never a function error.
 */
export const MAX_RESPONSE_BYTES = 5 * 1024 * 1024;

export type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

export function createApiHandler(options: ApiHandlerOptions): ApiHandler {
  const byRouteKey = new Map(options.operations.map((bound) => [routeKey(bound.route), bound]));
  const { logger, metrics } = options.observability;

  async function serve(event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> {
    const correlationId = correlationOf(event);
    logger.appendKeys({ correlationId, routeKey: event.routeKey });
    const bound = byRouteKey.get(event.routeKey);
    const base = {
      method: event.requestContext.http.method,
      path: event.rawPath,
      correlationId,
    };
    if (bound === undefined) {
      if (options.fallback === undefined) throw new NotFound('route', event.rawPath);
      const request = { ...base, params: {}, query: {}, body: undefined, principal: null };
      return toHttp(await options.fallback(request as ApiRequest<RouteSpec>), correlationId);
    }
    const { route } = bound;
    const principal = route.auth === 'api-key' ? await authorize(event, route) : null;
    const request = {
      ...base,
      params: validate(route.params, event.pathParameters ?? {}),
      query: validate(route.query, event.queryStringParameters ?? {}),
      body: route.body === undefined ? undefined : validate(route.body, jsonBody(event), 'body'),
      principal,
    };
    return toHttp(await bound.handle(request as ApiRequest<RouteSpec>), correlationId);
  }

  async function authorize(event: APIGatewayProxyEventV2, route: RouteSpec): Promise<Principal> {
    if (options.authenticator === undefined) throw new Error('route needs an authenticator');
    const principal = await options.authenticator.authenticate(
      event.headers.authorization,
      event.requestContext.http.sourceIp,
    );
    if (principal === null) throw new Unauthenticated();
    logger.appendKeys({ keyId: principal.keyId, tenant: principal.tenant });
    if (route.scope !== undefined && !principal.scopes.includes(route.scope))
      throw new Forbidden(route.scope);
    const verdict = options.limiter?.take(principal.keyId);
    if (verdict !== undefined && !verdict.allowed) throw new Throttled(verdict.retryAfterSeconds);
    return principal;
  }

  const access: MiddlewareObj<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2> = {
    before: (request) => {
      (request.internal as Record<string, unknown>).startedAt = performance.now();
    },
    after: (request) => record(request.event, request.response, request.internal),
    onError: (request) => {
      const problem = toProblem(request.error);
      // A 500 is our bug; 501-504 are the provider's state, worth a warning, not a page.
      if (problem.status === 500) logger.error('request failed', { error: request.error as Error });
      else if (problem.status > 500)
        logger.warn('upstream problem', { problem: problem.type, detail: problem.detail });
      request.response = problemResponse(problem, correlationOf(request.event));
      record(request.event, request.response, request.internal);
    },
  };

  function record(
    event: APIGatewayProxyEventV2,
    response: APIGatewayProxyStructuredResultV2 | null | undefined,
    internal: Record<string, unknown>,
  ) {
    const status = response?.statusCode ?? 500;
    const durationMs = Math.round((performance.now() - Number(internal.startedAt ?? 0)) * 10) / 10;
    logger.info('request', { method: event.requestContext.http.method, status, durationMs });
    metrics.addMetric(
      status >= 500 ? 'ServerErrors' : status >= 400 ? 'ClientErrors' : 'Requests',
      MetricUnit.Count,
      1,
    );
  }

  return middy<APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2>()
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics))
    .use(access)
    .handler((event) => serve(event)) as unknown as ApiHandler;
}

/** Validates one part of the request; the first issue becomes a 400 naming the parameter. */
function validate<S extends z.ZodType | undefined>(schema: S, value: unknown, part?: string): Output<S> {
  if (schema === undefined) return undefined as Output<S>;
  const result = schema.safeParse(value);
  if (result.success) return result.data as Output<S>;
  const issue = result.error.issues[0];
  if (issue === undefined) throw new InvalidInput(part ?? 'request', 'is invalid');
  if (issue.code === 'unrecognized_keys') {
    throw new InvalidInput(issue.keys[0] ?? 'parameter', 'is not a parameter of this operation');
  }
  // A body names the field inside it; a path or query parameter is named as it is in the URL (a
  // comma list's item is still that parameter).
  const path = part === undefined ? issue.path.slice(0, 1) : issue.path;
  const name = [part, ...path.map(String)].filter((segment) => segment !== undefined).join('.');
  const missing = issue.code === 'invalid_type' && issue.input === undefined;
  throw new InvalidInput(name || 'request', missing ? 'is required' : issue.message);
}

function jsonBody(event: APIGatewayProxyEventV2): unknown {
  if (event.body === undefined || event.body === '') return undefined;
  const text = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
  if (Buffer.byteLength(text) > MAX_BODY_BYTES)
    throw new InvalidInput('body', `is larger than ${MAX_BODY_BYTES} bytes`);
  const type = event.headers['content-type'] ?? '';
  if (!/^application\/([a-z.+-]*\+)?json\b/i.test(type)) {
    throw new InvalidInput('content-type', 'must be application/json');
  }
  try {
    return JSON.parse(text);
  } catch {
    throw new InvalidInput('body', 'is not valid JSON');
  }
}

function correlationOf(event: APIGatewayProxyEventV2): string {
  const header = event.headers['x-correlation-id'];
  return header !== undefined && /^[\w.-]{1,128}$/.test(header) ? header : event.requestContext.requestId;
}

const JSON_HEADERS = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' };

function toHttp(result: ApiResult, correlationId: string): APIGatewayProxyStructuredResultV2 {
  const headers = { 'x-correlation-id': correlationId, ...result.headers };
  if ('binary' in result) {
    return {
      statusCode: result.status,
      headers: { 'content-type': result.contentType, 'cache-control': 'no-store', ...headers },
      body: result.binary.toString('base64'),
      isBase64Encoded: true,
    };
  }
  if ('text' in result) {
    return {
      statusCode: result.status,
      headers: { 'content-type': result.contentType, ...headers },
      body: result.text,
    };
  }
  if (result.body === undefined) return { statusCode: result.status, headers, body: '' };
  const body = JSON.stringify(result.body);
  if (body.length > MAX_RESPONSE_BYTES / 3 && Buffer.byteLength(body) > MAX_RESPONSE_BYTES) {
    throw new MalformedResponse(
      'the provider',
      `its answer is larger than ${MAX_RESPONSE_BYTES} bytes once normalized; ask for a smaller limit`,
    );
  }
  return { statusCode: result.status, headers: { ...JSON_HEADERS, ...headers }, body };
}

/** The HTTP form of a problem, with the headers its status calls for. */
export function problemResponse(problem: Problem, correlationId: string): APIGatewayProxyStructuredResultV2 {
  const headers: Record<string, string> = {
    'content-type': PROBLEM_CONTENT_TYPE,
    'cache-control': 'no-store',
    'x-correlation-id': correlationId,
  };
  if (problem.retryAfterSeconds !== undefined) headers['retry-after'] = String(problem.retryAfterSeconds);
  if (problem.status === 401) headers['www-authenticate'] = 'Bearer';
  if (problem.allowedMethods !== undefined) headers.allow = problem.allowedMethods.join(', ');
  return { statusCode: problem.status, headers, body: JSON.stringify(problem) };
}
