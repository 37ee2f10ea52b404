import { NoQuery } from '../../shared/api/request-fields.ts';
import { defineRoute, type RouteSpec } from '../../shared/api/route.ts';
import type { FunctionName } from '../catalog.ts';

/**
 * Health, the OpenAPI document, the reference page and the web console: the docs function's
 * routes. Each function's handler imports only its own routes, so that it builds only its own
 * routes' request schemas; ../routes.ts gathers them all.
 */

const FUNCTION = 'docs' satisfies FunctionName;

export const docsRoutes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    function: FUNCTION,
    operationId: 'health',
    auth: 'none',
    query: NoQuery,
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    function: FUNCTION,
    operationId: 'openapi',
    auth: 'none',
    query: NoQuery,
  }),
  docs: defineRoute({
    method: 'GET',
    path: '/docs',
    function: FUNCTION,
    operationId: 'docs',
    auth: 'none',
    query: NoQuery,
  }),
  console: defineRoute({
    method: 'GET',
    path: '/console',
    function: FUNCTION,
    operationId: 'console',
    auth: 'none',
    query: NoQuery,
  }),
} satisfies Record<string, RouteSpec>;
