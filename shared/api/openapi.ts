import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import { PROBLEM_CONTENT_TYPE, Problem } from '../problem.ts';
import type { RouteSpec } from './route.ts';

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that validate
 * requests and responses: nothing in it is written by hand.
 */

type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

const PROBLEMS: Record<number, string> = {
  400: 'Invalid input: the problem names the parameter and why',
  401: 'Missing, unknown or revoked API key',
  403: 'The API key lacks the scope this operation needs',
  404: 'Unknown connection (or one this key may not use), invoice or order',
  429: 'Too many requests from this key; see Retry-After',
  501: 'The provider does not offer this operation; the problem lists what it offers',
  502: 'The provider answered something unusable, or refused our credentials',
  503: 'The provider is unavailable, rate limiting us, or its circuit is open',
  504: 'The provider did not answer in time',
};

function problemsFor(route: RouteSpec): number[] {
  if (route.auth === 'none') return [400];
  const upstream = route.path.startsWith('/v1/connections/') ? [501, 502, 503, 504] : [];
  return [400, 401, 403, 404, 429, ...upstream];
}

export function buildOpenApiDocument(
  routes: readonly RouteSpec[],
  info: { version: string },
): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'An invoice-relay API key: `Authorization: Bearer <key>`',
  });

  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.headers === undefined
          ? {}
          : {
              headers: Object.fromEntries(
                Object.entries(response.headers).map(([name, description]) => [
                  name,
                  { description, schema: { type: 'string' } },
                ]),
              ),
            }),
        ...(response.schema !== undefined
          ? { content: { 'application/json': { schema: response.schema } } }
          : response.contentType !== undefined
            ? { content: { [response.contentType]: { schema: { type: 'string' } } } }
            : {}),
      };
    }
    for (const status of problemsFor(route)) {
      responses[String(status)] = {
        description: PROBLEMS[status] ?? 'Problem',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } },
      };
    }
    registry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: [route.tag],
      security: route.auth === 'api-key' ? [{ [bearer.name]: [] }] : [],
      request: {
        ...(route.params === undefined ? {} : { params: route.params }),
        ...(route.query === undefined ? {} : { query: route.query }),
        ...(route.body === undefined
          ? {}
          : { body: { required: true, content: { 'application/json': { schema: route.body } } } }),
      },
      responses: responses as never,
    });
  }

  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'invoice-relay',
      version: info.version,
      description:
        'One API over many invoice providers. Errors are RFC 9457 problem documents (`application/problem+json`).',
    },
  });
}
