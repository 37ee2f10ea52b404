import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import { DOCUMENTED_ROUTES, TAGS } from '../../functions/route-docs.ts';
import { buildOpenApiDocument } from '../../shared/api/openapi.ts';

/**
 * Writes the console's API types (console/src/api/openapi.d.ts, git-ignored) from the OpenAPI
 * document the product builds, by openapi-typescript. The document is built here from the route
 * table, the same way the docs function builds it, so a route or schema change reaches the console
 * at its next type-check (`npm run typecheck` generates first), not at run time.
 */

export const API_TYPES_FILE = fileURLToPath(new URL('../src/api/openapi.d.ts', import.meta.url));

export async function generateApiTypes(target = API_TYPES_FILE): Promise<string> {
  const document = buildOpenApiDocument(DOCUMENTED_ROUTES, { version: 'console', tags: TAGS });
  // openapi-typescript's own types of a document are stricter than the generator's output type.
  const ast = await openapiTS(document as unknown as Parameters<typeof openapiTS>[0], { silent: true });
  const source = `// Generated from the route table by console/scripts/generate-api-types.ts: do not edit.\n\n${astToString(ast)}`;
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, source);
  return target;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await generateApiTypes();
