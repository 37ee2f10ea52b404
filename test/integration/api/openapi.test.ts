import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type * as z from 'zod';
import { DOCUMENTED_ROUTES, TAGS } from '../../../functions/route-docs.ts';
import { ROUTES } from '../../../functions/routes.ts';
import { buildOpenApiDocument } from '../../../shared/api/openapi.ts';
import type { DocumentedRoute } from '../../../shared/api/route.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';
import { describeProblems, lintOpenApi } from '../../support/openapi-lint.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.stop());

type Document = {
  openapi: string;
  paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
  components: { schemas: Record<string, unknown>; responses: Record<string, unknown> };
};

describe('the API describes itself', () => {
  test('GET /openapi.json is an OpenAPI 3.1 document with every route of the route table', async () => {
    const document = await api.json<Document>('/openapi.json', 200, { key: null });
    expect(document.openapi).toBe('3.1.0');
    for (const route of ROUTES) {
      const operation = document.paths[route.path]?.[route.method.toLowerCase()];
      expect(operation?.operationId, `${route.method} ${route.path}`).toBe(route.operationId);
    }
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Invoice', 'Problem', 'InvoicePage']),
    );
    const list = document.paths['/v1/connections/{connection}/invoices']?.get;
    expect(Object.keys(list?.responses ?? {})).toEqual(
      expect.arrayContaining(['200', '400', '401', '404', '429', '502', '503', '504']),
    );
  });

  test('problem responses are shared components that every operation references', async () => {
    const document = await api.json<Document>('/openapi.json', 200, { key: null });
    const list = document.paths['/v1/connections/{connection}/invoices']?.get;
    expect(list?.responses['404']).toEqual({ $ref: '#/components/responses/NotFound' });
    expect(Object.keys(document.components.responses)).toEqual(
      expect.arrayContaining(['InvalidInput', 'Unauthenticated', 'NotFound', 'Throttled', 'UpstreamTimeout']),
    );
  });

  test('what a webhook endpoint receives is documented: the signed headers and the event as the body', async () => {
    const document = await api.json<{
      webhooks: Record<
        string,
        { post: { parameters: Array<{ name: string; in: string }>; requestBody: unknown } }
      >;
    }>('/openapi.json', 200, { key: null });
    const delivery = document.webhooks.invoiceEvent?.post;
    expect(delivery?.parameters.map((parameter) => `${parameter.in} ${parameter.name}`)).toEqual([
      'header webhook-id',
      'header webhook-timestamp',
      'header webhook-signature',
    ]);
    expect(delivery?.requestBody).toMatchObject({
      content: { 'application/json': { schema: { $ref: '#/components/schemas/InvoiceEvent' } } },
    });
  });

  // Lints what the API serves. No warning remains either: redocly.yaml turns on the rules the
  // reference needs (descriptions, tags, examples valid against their schemas) as errors.
  test('the served document passes Redocly’s recommended rules and redocly.yaml with no error or warning', async () => {
    const document = await api.json('/openapi.json', 200, { key: null });
    const report = await lintOpenApi(document);
    expect(report.totals, describeProblems(report)).toEqual({ errors: 0, warnings: 0, ignored: 0 });
  }, 90_000);

  test('the linter fails a route that lacks a description or examples', async () => {
    const bare = {
      method: 'POST',
      path: '/v1/bare',
      function: 'webhooks',
      operationId: 'bare',
      summary: 'A route added without its reference entry',
      tag: 'Webhooks',
      auth: 'api-key',
      body: ROUTES.find((route) => route.operationId === 'recoverWebhook')?.body,
      responses: { 200: { description: 'Answer', schema: DOCUMENTED_ROUTES[0]?.responses[200]?.schema } },
    } as unknown as DocumentedRoute;
    const report = await lintOpenApi(
      buildOpenApiDocument([...DOCUMENTED_ROUTES, bare], { version: 't', tags: TAGS }),
    );
    const found = report.problems.map((problem) => `${problem.ruleId} ${problem.location[0]?.pointer}`);
    expect(found).toEqual(
      expect.arrayContaining([
        'operation-description #/paths/~1v1~1bare/post/description',
        'rule/json-body-has-example #/paths/~1v1~1bare/post/requestBody/content/application~1json',
        'rule/json-body-has-example #/paths/~1v1~1bare/post/responses/200/content/application~1json',
      ]),
    );
  }, 90_000);

  test('every example is one its schema accepts', () => {
    const parse = (where: string, schema: z.ZodType | undefined, example: unknown) => {
      const result = schema?.safeParse(example);
      expect(result?.success, `${where}: ${result?.error?.message}`).toBe(true);
    };
    for (const route of DOCUMENTED_ROUTES) {
      if (route.body !== undefined) parse(`${route.operationId} body`, route.body, route.bodyExample);
      for (const [status, response] of Object.entries(route.responses)) {
        if (response.schema !== undefined)
          parse(`${route.operationId} ${status}`, response.schema, response.example);
      }
    }
  });

  test('GET /docs is a page that loads the renderer and its configuration as same-origin files, with no inline script', async () => {
    const response = await api.call('/docs', { key: null });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.map((script) => script[1]?.match(/src="([^"]+)"/)?.[1])).toEqual([
      expect.stringMatching(/^docs\/assets\/scalar-api-reference\.[0-9a-f]{12}\.js$/),
      expect.stringMatching(/^docs\/assets\/reference-configuration\.[0-9a-f]{12}\.js$/),
    ]);
    for (const script of scripts) expect(script[2]?.trim()).toBe('');
    expect(html).not.toMatch(/\son[a-z]+=/i);
  });

  test('GET /health answers ok', async () => {
    expect(await api.json('/health', 200, { key: null })).toEqual({ status: 'ok', version: 'local' });
  });
});
