import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type RouteSpec, routeKey, routePattern } from '../../shared/api/route.ts';

/**
 * What API Gateway (HTTP API, payload format 2.0) does in front of the functions, done locally:
 * match the route table, build the real event shape, and write the structured result back.
 */

export interface MatchedRoute {
  routeKey: string;
  functionName: string;
  pathParameters: Record<string, string> | undefined;
}

interface CompiledRoute {
  method: string;
  pattern: RegExp;
  names: string[];
  route: RouteSpec;
}

export class RouteMatcher {
  readonly #routes: CompiledRoute[];
  readonly #fallbackFunction: string;

  /** `fallbackFunction` serves API Gateway's `$default` route (unknown paths and methods). */
  constructor(routes: readonly RouteSpec[], fallbackFunction: string) {
    this.#fallbackFunction = fallbackFunction;
    this.#routes = routes.map((route) => ({ method: route.method, ...routePattern(route.path), route }));
  }

  /** The route for a request; `null` path parameters mean a percent-encoding API Gateway would refuse. */
  match(method: string, path: string): MatchedRoute | null {
    for (const compiled of this.#routes) {
      if (compiled.method !== method) continue;
      const found = compiled.pattern.exec(path);
      if (found === null) continue;
      const pathParameters: Record<string, string> = {};
      try {
        compiled.names.forEach((name, index) => {
          pathParameters[name] = decodeURIComponent(found[index + 1] ?? '');
        });
      } catch {
        return null;
      }
      return { routeKey: routeKey(compiled.route), functionName: compiled.route.function, pathParameters };
    }
    return { routeKey: '$default', functionName: this.#fallbackFunction, pathParameters: undefined };
  }
}

const TEXT_TYPES = /^(text\/|application\/([a-z.+-]*\+)?(json|xml)|application\/x-www-form-urlencoded)/i;

/** The API Gateway v2 event for a Node request whose body has been read. */
export function toApiGatewayEvent(
  request: IncomingMessage,
  body: Buffer,
  matched: MatchedRoute,
  url: URL,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined || name === 'cookie') continue;
    headers[name] = Array.isArray(value) ? value.join(',') : value;
  }
  headers['x-forwarded-proto'] = 'http';
  headers['x-forwarded-for'] = request.socket.remoteAddress ?? '127.0.0.1';
  const query: Record<string, string> = {};
  for (const [name, value] of url.searchParams)
    query[name] = name in query ? `${query[name]},${value}` : value;
  const now = new Date();
  const textual = body.length === 0 || TEXT_TYPES.test(headers['content-type'] ?? '');
  const method = request.method ?? 'GET';
  const event: APIGatewayProxyEventV2 = {
    version: '2.0',
    routeKey: matched.routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: (headers.host ?? 'localhost').split('.')[0] ?? 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: matched.routeKey,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
    },
    isBase64Encoded: !textual,
  };
  if (request.headers.cookie !== undefined) event.cookies = request.headers.cookie.split(/;\s*/);
  if (url.searchParams.size > 0) event.queryStringParameters = query;
  if (matched.pathParameters !== undefined) event.pathParameters = matched.pathParameters;
  if (body.length > 0) event.body = textual ? body.toString('utf8') : body.toString('base64');
  return event;
}

/** Writes a structured result the way API Gateway does. */
export function writeResult(response: ServerResponse, result: APIGatewayProxyStructuredResultV2): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  if (result.cookies !== undefined && result.cookies.length > 0) headers['set-cookie'] = result.cookies;
  const body =
    result.body === undefined
      ? ''
      : result.isBase64Encoded
        ? Buffer.from(result.body, 'base64')
        : result.body;
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(body);
}
