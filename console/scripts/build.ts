import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

/**
 * `npm run console:build`: builds the console into console/dist with Vite, unless its sources are
 * the ones the last build was made from (their hash is kept in console/dist/.source-hash; hidden
 * files are never served). `npm ci` (prepare), `npm start` (prestart) and the CDK asset (the docs
 * function's bundling) all run it, so a checkout is never served a stale console and an unchanged
 * one costs nothing. `--force` builds anyway. The build is written beside console/dist and then
 * swapped in, so a server reading the folder never meets a half-written one.
 */

const CONSOLE = fileURLToPath(new URL('..', import.meta.url));
const DIST = join(CONSOLE, 'dist');
const STAMP = '.source-hash';
/** Types only: erased by the build, so they cannot change what it writes. */
const GENERATED_TYPES = join('src', 'api', 'openapi.d.ts');

function filesUnder(folder: string): string[] {
  return readdirSync(join(CONSOLE, folder), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(CONSOLE, join(entry.parentPath, entry.name)));
}

/** What the build reads: the sources, its configuration and the locked versions of its packages. */
function sourceHash(): string {
  const inputs = ['index.html', 'vite.config.ts', 'package.json', ...filesUnder('src')]
    .filter((file) => file !== GENERATED_TYPES)
    .sort();
  const hash = createHash('sha256');
  for (const file of inputs) hash.update(`${file}\0`).update(readFileSync(join(CONSOLE, file)));
  hash.update(readFileSync(join(CONSOLE, '..', 'package-lock.json')));
  return hash.digest('hex');
}

const hash = sourceHash();
const stamp = join(DIST, STAMP);
if (!process.argv.includes('--force') && existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) {
  process.exit(0);
}

// Always the production build, whoever runs it: Vite takes NODE_ENV from the environment, and a
// test runner's `test` (npm start from a test) would otherwise build another bundle.
process.env.NODE_ENV = 'production';
const started = performance.now();
const fresh = join(CONSOLE, `.dist-${process.pid}`);
const replaced = join(CONSOLE, `.dist-replaced-${process.pid}`);
try {
  await build({
    configFile: join(CONSOLE, 'vite.config.ts'),
    mode: 'production',
    build: { outDir: fresh },
    logLevel: 'warn',
  });
  writeFileSync(join(fresh, STAMP), hash);
  if (existsSync(DIST)) renameSync(DIST, replaced);
  renameSync(fresh, DIST);
} finally {
  rmSync(fresh, { recursive: true, force: true });
  rmSync(replaced, { recursive: true, force: true });
}
console.error(
  `console built into ${relative(process.cwd(), DIST) || DIST} in ${Math.round(performance.now() - started)} ms`,
);
