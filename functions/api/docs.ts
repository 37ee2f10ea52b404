import { createApiHandler, operation } from '../../shared/api/api-handler.ts';
import { CONSOLE } from '../../shared/api/console-page.ts';
import { DOCS_ASSETS, renderDocsPage } from '../../shared/api/docs-page.ts';
import { buildOpenApiDocument } from '../../shared/api/openapi.ts';
import { routePattern } from '../../shared/api/route.ts';
import { withSecurityHeaders } from '../../shared/api/security-headers.ts';
import { DocsEnvironment } from '../../shared/config/docs-environment.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { MethodNotAllowed, NotFound } from '../../shared/errors.ts';
import { createObservability } from '../../shared/observability.ts';
import { DOCUMENTED_ROUTES, TAGS } from '../route-docs.ts';
import { ROUTES, routes } from '../routes.ts';

/**
 * Health, the OpenAPI document, the reference page and its files, the web console and its files,
 * `GET /` (to the reference), and the answer to every unknown route. Every answer carries the
 * security headers.
 */

const environment = loadEnvironment(DocsEnvironment);
// Built on first use and kept: it never changes while the function lives.
let openApi: ReturnType<typeof buildOpenApiDocument> | undefined;
const document = () => {
  openApi ??= buildOpenApiDocument(DOCUMENTED_ROUTES, { version: environment.APP_VERSION, tags: TAGS });
  return openApi;
};

/** Route templates as patterns, to tell an unknown path (404) from a wrong method (405). */
const templates = ROUTES.map((route) => ({
  method: route.method,
  pattern: routePattern(route.path).pattern,
}));

export const handler = withSecurityHeaders(
  createApiHandler({
    observability: createObservability('docs'),
    operations: [
      operation(routes.health, async () => ({
        status: 200,
        body: { status: 'ok', version: environment.APP_VERSION },
      })),
      operation(routes.openapi, async () => ({ status: 200, body: document() })),
      operation(routes.docs, async () => ({
        status: 200,
        text: renderDocsPage(),
        contentType: 'text/html; charset=utf-8',
        headers: { 'cache-control': 'no-cache' },
      })),
      operation(routes.console, async () => CONSOLE.page()),
    ],
    // API Gateway's `$default`: the root, the reference's and the console's files, and everything unknown.
    fallback: async ({ method, path }) => {
      if (method === 'GET' && path === '/') return { status: 302, headers: { location: 'docs' } };
      const file = method === 'GET' ? (DOCS_ASSETS.serve(path) ?? CONSOLE.serve(path)) : null;
      if (file !== null) return file;
      const allowed = templates
        .filter((template) => template.pattern.test(path))
        .map((template) => template.method);
      if (allowed.length > 0 && !allowed.includes(method as never)) throw new MethodNotAllowed(allowed);
      throw new NotFound('route', path);
    },
  }),
);
