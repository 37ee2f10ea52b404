import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { ROUTES } from '../../../functions/routes.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.stop());

describe('the API describes itself', () => {
  test('GET /openapi.json is an OpenAPI 3.1 document with every route of the route table', async () => {
    const document = await api.json<{
      openapi: string;
      paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>>;
      components: { schemas: Record<string, unknown> };
    }>('/openapi.json', 200, { key: null });
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

  test('GET /docs is a readable page naming every operation', async () => {
    const response = await api.call('/docs', { key: null });
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    for (const route of ROUTES) expect(html).toContain(route.path);
    expect(html).not.toMatch(/<script/);
  });

  test('GET /health answers ok', async () => {
    expect(await api.json('/health', 200, { key: null })).toEqual({ status: 'ok', version: 'local' });
  });
});
