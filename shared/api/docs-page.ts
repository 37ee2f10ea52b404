import { type PackagedFile, StaticFiles } from './static-files.ts';

/**
 * GET /docs: the OpenAPI document rendered by Scalar's API reference
 * (@scalar/api-reference, its standalone browser build), served from the package by the docs
 * function itself: no CDN, no font service, no telemetry, so it works offline and under a strict
 * content security policy. The page holds no inline script: the renderer and its configuration
 * are same-origin files.
 */

/** Where the page's files are; `GET /docs/assets/<hashed name>`. */
export const DOCS_ASSETS_PREFIX = '/docs/assets/';

/** The renderer, as the package ships it: the file the bundle carries (functions/catalog.ts). */
export const REFERENCE_RENDERER: PackagedFile = {
  name: 'scalar-api-reference.js',
  source: 'node_modules/@scalar/api-reference/dist/browser/standalone.js',
  contentType: 'text/javascript; charset=utf-8',
};

/**
 * Scalar's configuration (see @scalar/types, ApiReferenceConfiguration). Everything that would
 * reach a Scalar service is off: fonts, telemetry, the AI agent, the MCP button. The document's
 * URL is relative, so the page works wherever the API is mounted.
 */
export const REFERENCE_CONFIGURATION = {
  url: 'openapi.json',
  title: 'invoice-relay API reference',
  withDefaultFonts: false,
  telemetry: false,
  agent: { disabled: true },
  mcp: { disabled: true },
  showDeveloperTools: 'never',
  hideDarkModeToggle: false,
  documentDownloadType: 'json',
  defaultHttpClient: { targetKey: 'shell', clientKey: 'curl' },
  authentication: { preferredSecurityScheme: 'apiKey' },
  orderRequiredPropertiesFirst: true,
  // The sidebar is the table of contents: every operation in it from the start.
  defaultOpenAllTags: true,
} as const;

const CONFIGURATION_SCRIPT = {
  name: 'reference-configuration.js',
  content: `Scalar.createApiReference('#reference', ${JSON.stringify(REFERENCE_CONFIGURATION)});\n`,
  contentType: 'text/javascript; charset=utf-8',
};

export const DOCS_ASSETS = new StaticFiles(DOCS_ASSETS_PREFIX, [REFERENCE_RENDERER, CONFIGURATION_SCRIPT]);

/** Paths relative to the page (GET /docs), so that a base path in front of the API keeps working. */
const relative = (name: string) => DOCS_ASSETS.pathOf(name).slice(1);

let page: string | undefined;

/** The page: a mount point, then the renderer and its configuration, in that order. */
export function renderDocsPage(): string {
  page ??= `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>invoice-relay API reference</title>
<link rel="icon" href="data:,">
</head>
<body>
<noscript>This reference needs JavaScript. The same content is in the OpenAPI document: <a href="openapi.json">/openapi.json</a>.</noscript>
<div id="reference"></div>
<script src="${relative(REFERENCE_RENDERER.name)}"></script>
<script src="${relative(CONFIGURATION_SCRIPT.name)}"></script>
</body>
</html>
`;
  return page;
}
