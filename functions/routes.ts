import type { RouteSpec } from '../shared/api/route.ts';
import type { FunctionName } from './catalog.ts';
import { docsRoutes } from './routes/docs.ts';
import { lookupRoutes } from './routes/lookup.ts';
import { readsRoutes } from './routes/reads.ts';
import { webhooksRoutes } from './routes/webhooks.ts';

/**
 * The route table: every route of the HTTP API, once, with what it accepts. API Gateway routes
 * (infra/), the local runtime's router and the docs function read it whole; each API function's
 * handler reads only its own part (routes/<function>.ts, where `function` names the Lambda that
 * serves each route), so that it builds only its own request schemas.
 *
 * What the reference says of each route (summary, description, tag, its answers with examples)
 * is route-docs.ts's, under the same key: the answers' schemas and examples are built only by the
 * docs function and the tests, never at a handler's cold start. The OpenAPI test lints the
 * document and fails on a route without them.
 */

/** The functions that serve routes (see catalog.ts). */
export const FUNCTIONS = {
  lookup: 'lookup',
  reads: 'reads',
  webhooks: 'webhooks',
  docs: 'docs',
} as const satisfies Record<string, FunctionName>;

export const routes = { ...docsRoutes, ...lookupRoutes, ...readsRoutes, ...webhooksRoutes };

export type RouteName = keyof typeof routes;

export const ROUTES: readonly RouteSpec[] = Object.values(routes);

/** Routes served by one function. */
export function routesOf(functionName: string): RouteSpec[] {
  return ROUTES.filter((route) => route.function === functionName);
}
