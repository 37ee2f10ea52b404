import { OpenAPIRegistry, OpenApiGeneratorV31 } from '@asteasolutions/zod-to-openapi';
import * as z from 'zod';
import {
  Forbidden,
  InvalidInput,
  MalformedResponse,
  NotFound,
  OperationNotSupported,
  ProviderAuthFailed,
  ProviderRejected,
  RateLimited,
  Throttled,
  Unauthenticated,
  UpstreamTimeout,
  UpstreamUnavailable,
} from '../errors.ts';
import { InvoiceEvent } from '../events/invoice-event.ts';
import { PROBLEM_CONTENT_TYPE, toProblem } from '../problem.ts';
import { examplePaidEvent } from './examples.ts';
import { Problem } from './responses.ts';
import type { DocumentedRoute, ResponseSpec, RouteSpec } from './route.ts';

/**
 * The OpenAPI 3.1 document, generated from the route table and the same zod schemas that validate
 * requests and responses: nothing in it is written by hand. Descriptions and examples come from
 * the route docs (functions/route-docs.ts), problem examples from the one mapping of errors to problems
 * (shared/problem.ts), so an example cannot say something the API would not.
 */

export type OpenApiDocument = ReturnType<OpenApiGeneratorV31['generateDocument']>;

export interface DocumentOptions {
  version: string;
  /** A description for every tag the routes use, in the order the reference lists them. */
  tags: Readonly<Record<string, string>>;
}

interface SharedProblem {
  /** The name under `components.responses`. */
  name: string;
  description: string;
  /** One example per way this status happens, each the problem the API really sends. */
  examples: Record<string, { summary: string; error: Error }>;
  headers?: Record<string, string>;
}

/** Every problem status an operation may answer, described once and referenced by each operation. */
const PROBLEMS: Record<number, SharedProblem> = {
  400: {
    name: 'InvalidInput',
    description: 'Invalid input: the problem names the parameter and says what is wrong with it',
    examples: {
      query: {
        summary: 'A query parameter out of range',
        error: new InvalidInput('limit', 'must be a whole number from 1 to 100'),
      },
      body: { summary: 'A body field missing', error: new InvalidInput('body.url', 'is required') },
    },
  },
  401: {
    name: 'Unauthenticated',
    description: 'Missing, unknown or revoked API key',
    examples: { missing: { summary: 'No usable API key', error: new Unauthenticated() } },
    headers: { 'WWW-Authenticate': 'Always `Bearer`' },
  },
  403: {
    name: 'Forbidden',
    description: 'The API key lacks the scope this operation needs',
    examples: { scope: { summary: 'A scope missing', error: new Forbidden('webhooks:write') } },
  },
  404: {
    name: 'NotFound',
    description:
      'Unknown connection (or one this key may not use: the answer is the same), invoice, order, webhook or delivery',
    examples: {
      connection: { summary: 'An unknown connection', error: new NotFound('connection', 'acme-billing') },
    },
  },
  429: {
    name: 'Throttled',
    description: 'Too many requests from this key; wait as long as `Retry-After` says',
    examples: { throttled: { summary: 'Over the key’s rate', error: new Throttled(1) } },
    headers: { 'Retry-After': 'Seconds to wait before the next request' },
  },
  501: {
    name: 'OperationNotSupported',
    description: 'The provider does not offer this operation; the problem lists what it offers',
    examples: {
      unsupported: {
        summary: 'A provider without a list endpoint',
        error: new OperationNotSupported('vn-einvoice', 'list', ['get']),
      },
    },
  },
  502: {
    name: 'UpstreamFailed',
    description: 'The provider answered something unusable, or refused our credentials or the request',
    examples: {
      malformed: {
        summary: 'An answer that is not what the provider documents',
        error: new MalformedResponse('packcloud', 'invoices[3].total: must be a decimal number'),
      },
      credentials: {
        summary: 'The connection’s credentials refused',
        error: new ProviderAuthFailed('carbonext', 'unauthorized'),
      },
      rejected: {
        summary: 'The request refused',
        error: new ProviderRejected('pretendentas', 422, null),
      },
    },
  },
  503: {
    name: 'UpstreamUnavailable',
    description: 'The provider is unavailable, rate limiting us, or its circuit is open',
    examples: {
      unavailable: {
        summary: 'The provider is down',
        error: new UpstreamUnavailable('orders-api', 'circuit open after repeated failures', 30),
      },
      rateLimited: {
        summary: 'The provider keeps throttling us',
        error: new RateLimited('carbonext', 20),
      },
    },
    headers: { 'Retry-After': 'Seconds to wait, when the provider said' },
  },
  504: {
    name: 'UpstreamTimeout',
    description: 'The provider did not answer in time',
    examples: { timeout: { summary: 'No answer in time', error: new UpstreamTimeout('packcloud', 5000) } },
  },
};

/** What a webhook endpoint receives (OpenAPI 3.1 `webhooks`): the headers and body of a delivery. */
const DeliveryHeaders = z.object({
  'webhook-id': z
    .string()
    .describe('The event id, the same on every retry of this event: deduplicate on it')
    .meta({ examples: [examplePaidEvent.id] }),
  'webhook-timestamp': z
    .string()
    .describe('When this attempt was sent, in Unix seconds; verifiers refuse stale ones')
    .meta({ examples: ['1774024901'] }),
  'webhook-signature': z
    .string()
    .describe('`v1,<base64 HMAC-SHA256>` per signing secret, space-separated (two during a rotation)')
    .meta({ examples: ['v1,K5oZfzN95Z9UVu1EsfQmfVNQhnkZ2pj9o9NDN/H/pI4='] }),
});

function registerDelivery(registry: OpenAPIRegistry): void {
  registry.registerWebhook({
    method: 'post',
    path: 'invoiceEvent',
    operationId: 'invoiceEventDelivery',
    summary: 'An invoice event, delivered to your endpoint',
    description: [
      'What each registered endpoint receives for every event its filter matches: a POST with the event as its body (the same envelope as `GET /v1/events`), signed per [Standard Webhooks](https://www.standardwebhooks.com/).',
      '',
      'Verify the signature on the raw body with the endpoint’s `whsec_` secret before trusting it, for instance with the `standardwebhooks` package. Answer 2xx to accept; anything else is retried with backoff for about a day and a half (redirects are never followed). A `webhook.test` event (from `POST /v1/webhooks/{webhookId}/test`) has the body `{ id, type, occurredAt, webhook: { id } }`.',
    ].join('\n'),
    tags: ['Webhooks'],
    // The signature is the receiver's proof of origin; the delivery carries no credentials.
    security: [],
    request: {
      headers: DeliveryHeaders,
      body: {
        required: true,
        content: { 'application/json': { schema: InvoiceEvent, example: examplePaidEvent } },
      },
    },
    responses: {
      '2XX': { description: 'Accepted: the delivery is done' },
      '410': { description: 'Gone: the endpoint is disabled and receives nothing more' },
    },
  });
}

/** Which problems a route may answer: every route validates, keyed routes also authenticate. */
export function problemsFor(route: Pick<RouteSpec, 'auth' | 'path'>): number[] {
  if (route.auth === 'none') return [400];
  const upstream = route.path.startsWith('/v1/connections/') ? [501, 502, 503, 504] : [];
  return [400, 401, 403, 404, 429, ...upstream];
}

function headersObject(headers: Record<string, string> | undefined) {
  if (headers === undefined) return {};
  return {
    headers: Object.fromEntries(
      Object.entries(headers).map(([name, description]) => [
        name,
        { description, schema: { type: 'string' } },
      ]),
    ),
  };
}

function successResponse(response: ResponseSpec) {
  const content =
    response.schema !== undefined
      ? { content: { 'application/json': { schema: response.schema, example: response.example } } }
      : response.contentType !== undefined
        ? { content: { [response.contentType]: { schema: { type: 'string' } } } }
        : {};
  return { description: response.description, ...headersObject(response.headers), ...content };
}

export function buildOpenApiDocument(
  routes: readonly DocumentedRoute[],
  options: DocumentOptions,
): OpenApiDocument {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'apiKey', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An invoice-relay API key, sent as `Authorization: Bearer <key>`. Create one with `npx invoice-relay keys create`; it is shown once.',
  });
  // Component responses are copied into the document as they are (no zod in them), so they point
  // at the Problem schema, which the generator is handed as a definition of its own below.
  const problemSchema = { $ref: '#/components/schemas/Problem' };
  const problems = new Map<number, { $ref: string }>();
  for (const [status, problem] of Object.entries(PROBLEMS)) {
    const component = registry.registerComponent('responses', problem.name, {
      description: problem.description,
      ...headersObject(problem.headers),
      content: {
        [PROBLEM_CONTENT_TYPE]: {
          schema: problemSchema,
          examples: Object.fromEntries(
            Object.entries(problem.examples).map(([name, example]) => [
              name,
              { summary: example.summary, value: toProblem(example.error) },
            ]),
          ),
        },
      },
    } as never);
    problems.set(Number(status), { $ref: component.ref.$ref });
  }

  for (const route of routes) {
    const tag = options.tags[route.tag];
    if (tag === undefined) throw new Error(`${route.operationId}: tag "${route.tag}" has no description`);
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = successResponse(response);
    }
    for (const status of problemsFor(route)) {
      const problem = problems.get(status);
      if (problem === undefined) throw new Error(`no shared response for problem status ${status}`);
      responses[String(status)] = problem;
    }
    registry.registerPath({
      method: route.method.toLowerCase() as 'get',
      path: route.path,
      operationId: route.operationId,
      summary: route.summary,
      description: route.description,
      tags: [route.tag],
      security: route.auth === 'api-key' ? [{ [bearer.name]: [] }] : [],
      request: {
        ...(route.params === undefined ? {} : { params: route.params }),
        ...(route.query === undefined ? {} : { query: route.query }),
        ...(route.body === undefined
          ? {}
          : {
              body: {
                required: true,
                content: { 'application/json': { schema: route.body, example: route.bodyExample } },
              },
            }),
      },
      responses: responses as never,
    });
  }

  registerDelivery(registry);

  return new OpenApiGeneratorV31([
    ...registry.definitions,
    { type: 'schema', schema: Problem },
  ]).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'invoice-relay',
      version: options.version,
      description: [
        'One canonical invoice over many providers: look invoices up live, follow their changes in the event log, and receive them as signed webhooks.',
        '',
        'Every `/v1` call needs `Authorization: Bearer <key>`; a key belongs to a tenant and lists the connections and scopes it may use. A connection the key may not use answers 404, like one that does not exist.',
        '',
        'Errors are RFC 9457 problem documents (`application/problem+json`) that say what to fix. Lists are paged with opaque, signed cursors: pass `next` back until it is null.',
        '',
        'The machine-readable document is [/openapi.json](/openapi.json).',
      ].join('\n'),
      // The project publishes no licence: the API is offered under its operator's own terms.
      license: { name: 'Proprietary', identifier: 'LicenseRef-Proprietary' },
      contact: { name: 'invoice-relay maintainers' },
    },
    // Relative: the document describes the deployment that serves it (OpenAPI 3.1, §4.8.5.1).
    servers: [{ url: '/', description: 'This deployment' }],
    tags: Object.entries(options.tags).map(([name, description]) => ({ name, description })),
  });
}
