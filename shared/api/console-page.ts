import { type BuiltFolder, StaticFolder } from './static-files.ts';

/**
 * GET /console: the web console (console/ at the repository root), a Preact app built by Vite
 * into static files and served by the docs function like the reference's renderer: from the
 * gzipped files beside its bundle when deployed, from the build in the repository locally. It is
 * only a client of the public API (same origin, the key as `Authorization: Bearer`); no handler
 * imports any of it.
 */

/** The page's URL path; its files are under `/console/assets/`. */
export const CONSOLE_PATH = '/console';

/** The console's build, carried beside the docs function's bundle (functions/catalog.ts). */
export const CONSOLE_BUILD: BuiltFolder = {
  name: 'console',
  folder: 'console/dist',
  build: 'npm run --silent console:build',
};

export const CONSOLE = new StaticFolder(CONSOLE_PATH, CONSOLE_BUILD);
