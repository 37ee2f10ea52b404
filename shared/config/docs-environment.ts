import * as z from 'zod';

/** Health, OpenAPI and the reference page need nothing but the version they report. */
export const DocsEnvironment = z.object({ APP_VERSION: z.string().default('dev') });
