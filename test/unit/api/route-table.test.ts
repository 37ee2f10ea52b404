import { describe, expect, test } from 'vitest';
import { ROUTE_DOCS } from '../../../functions/route-docs.ts';
import { docsRoutes } from '../../../functions/routes/docs.ts';
import { lookupRoutes } from '../../../functions/routes/lookup.ts';
import { readsRoutes } from '../../../functions/routes/reads.ts';
import { webhooksRoutes } from '../../../functions/routes/webhooks.ts';
import { ROUTES, routes } from '../../../functions/routes.ts';

/**
 * The route table is gathered from one file per function (functions/routes/<function>.ts) by
 * spreading them: a key repeated in two files would silently replace a route, and API Gateway, the
 * local router and the reference would all lose it. These hold the parts to the whole.
 */

const PARTS = { docs: docsRoutes, lookup: lookupRoutes, reads: readsRoutes, webhooks: webhooksRoutes };

describe('the route table', () => {
  test('is exactly its parts: no route name in two files, every route in the file of its function', () => {
    const names = Object.values(PARTS).flatMap((part) => Object.keys(part));
    expect(new Set(names).size).toBe(names.length);
    expect(names.length).toBe(ROUTES.length);
    for (const [functionName, part] of Object.entries(PARTS)) {
      for (const [name, route] of Object.entries(part)) {
        expect(route.function, name).toBe(functionName);
        expect(routes[name as keyof typeof routes]).toBe(route);
      }
    }
  });

  test('no two routes share a method and path, nor an operation id', () => {
    const endpoints = ROUTES.map((route) => `${route.method} ${route.path}`);
    expect(new Set(endpoints).size).toBe(endpoints.length);
    const operations = ROUTES.map((route) => route.operationId);
    expect(new Set(operations).size).toBe(operations.length);
  });

  test('the reference documents every route and nothing else', () => {
    expect(Object.keys(ROUTE_DOCS).sort()).toEqual(Object.keys(routes).sort());
  });
});
