import { createApiHandler, operation } from '../../shared/api/api-handler.ts';
import { renderDocsPage } from '../../shared/api/docs-page.ts';
import { buildOpenApiDocument } from '../../shared/api/openapi.ts';
import { routePattern } from '../../shared/api/route.ts';
import { DocsEnvironment } from '../../shared/config/api-environment.ts';
import { loadEnvironment } from '../../shared/config/environment.ts';
import { MethodNotAllowed, NotFound } from '../../shared/errors.ts';
import { createObservability } from '../../shared/observability.ts';
import { ROUTES, routes } from '../routes.ts';

/** Health, the OpenAPI document, its readable page, and the answer to every unknown route. */

const environment = loadEnvironment(DocsEnvironment);
// Built on first use and kept: they never change while the function lives.
let openApi: ReturnType<typeof buildOpenApiDocument> | undefined;
const document = () => {
  openApi ??= buildOpenApiDocument(ROUTES, { version: environment.APP_VERSION });
  return openApi;
};
let html: string | undefined;
const page = () => {
  html ??= renderDocsPage(document() as unknown as Record<string, unknown>);
  return html;
};

/** Route templates as patterns, to tell an unknown path (404) from a wrong method (405). */
const templates = ROUTES.map((route) => ({
  method: route.method,
  pattern: routePattern(route.path).pattern,
}));

export const handler = createApiHandler({
  observability: createObservability('docs'),
  operations: [
    operation(routes.health, async () => ({
      status: 200,
      body: { status: 'ok', version: environment.APP_VERSION },
    })),
    operation(routes.openapi, async () => ({ status: 200, body: document() })),
    operation(routes.docs, async () => ({
      status: 200,
      text: page(),
      contentType: 'text/html; charset=utf-8',
    })),
  ],
  fallback: async ({ method, path }) => {
    const allowed = templates
      .filter((template) => template.pattern.test(path))
      .map((template) => template.method);
    if (allowed.length > 0 && !allowed.includes(method as never)) throw new MethodNotAllowed(allowed);
    throw new NotFound('route', path);
  },
});
