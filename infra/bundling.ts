import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { BundledFile } from '../shared/api/static-files.ts';

/**
 * How every function is bundled, written once: the function construct hands these to CDK's
 * NodejsFunction (local esbuild, never Docker) and bench/cold-start builds with the same options,
 * so the sizes and start times it reports are the deployed ones.
 */
export const FUNCTION_BUNDLING = {
  /** Lambda's Node.js 24 runtime. */
  target: 'node24',
  format: 'esm',
  minify: true,
  sourcemap: true,
  /** Maps point at the sources; shipping the sources inside them would only add bytes. */
  sourcesContent: false,
  /** Prefer packages' ES module builds: they tree-shake (the AWS SDK and Powertools ship both). */
  mainFields: ['module', 'main'],
  /**
   * CommonJS dependencies bundled into an ES module may still call `require` for Node
   * built-ins; an ES module has none unless it makes one.
   */
  banner:
    "import{createRequire as __createRequire}from'node:module';const require=__createRequire(import.meta.url);",
} as const;

/** Lambda loads source maps only with this flag; set on every function. */
export const FUNCTION_NODE_OPTIONS = '--enable-source-maps';

/** The same options in esbuild's own terms (bench/cold-start builds with esbuild directly). */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
  return {
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    target: FUNCTION_BUNDLING.target,
    format: FUNCTION_BUNDLING.format,
    minify: FUNCTION_BUNDLING.minify,
    sourcemap: FUNCTION_BUNDLING.sourcemap,
    sourcesContent: FUNCTION_BUNDLING.sourcesContent,
    mainFields: [...FUNCTION_BUNDLING.mainFields],
    banner: { js: FUNCTION_BUNDLING.banner },
    metafile: true,
    logLevel: 'error',
  };
}

/**
 * The npm package a bundle's input file comes from (`@smithy/core`, `zod`), or undefined for the
 * product's own code: how bench/cold-start and the bundle-contents test read esbuild's metafile.
 */
export function packageOf(inputPath: string): string | undefined {
  return /(?:^|\/)node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(inputPath)?.[1];
}

/**
 * Shell commands that put a function's files beside its bundle, gzipped: a package file as
 * `<name>.gz`, each file of a built folder as `<name>/<path>.gz` (what shared/api/static-files.ts
 * reads). `-n` keeps names and times out of the archive, so the asset's hash changes only when a
 * file does. The stack runs them after bundling (CDK command hooks, locally); the docs bundle test
 * runs the same commands.
 */
export function bundledFileCommands(
  files: readonly BundledFile[],
  inputDir: string,
  outputDir: string,
): string[] {
  return files.map((file) => {
    if ('source' in file) {
      return `gzip -9 -n -c "${join(inputDir, file.source)}" > "${join(outputDir, `${file.name}.gz`)}"`;
    }
    const from = join(inputDir, file.folder);
    const to = join(outputDir, file.name);
    // Hidden files (the build's stamp) stay behind, as the function never serves them.
    return [
      `test -f "${from}/index.html" || { echo "${file.folder} is not built: run ${file.build}" >&2; exit 1; }`,
      `(cd "${from}" && find . -type f ! -path '*/.*' | while read -r path; do mkdir -p "${to}/$(dirname "$path")" && gzip -9 -n -c "$path" > "${to}/$path.gz" || exit 1; done)`,
    ].join(' && ');
  });
}

/**
 * Shell commands that build a function's built folders before it is bundled (the console's
 * build skips itself when its sources have not changed), so a deployed stage never carries a
 * stale build.
 */
export function bundledBuildCommands(files: readonly BundledFile[], inputDir: string): string[] {
  return files.flatMap((file) => ('build' in file ? [`(cd "${inputDir}" && ${file.build})`] : []));
}
