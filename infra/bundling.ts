import { join } from 'node:path';
import type { BuildOptions } from 'esbuild';
import type { PackagedFile } from '../shared/api/static-files.ts';

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
 * Shell commands that put a function's package files beside its bundle, gzipped (`<name>.gz`,
 * what shared/api/static-files.ts reads). `-n` keeps names and times out of the archive, so the
 * asset's hash changes only when a file does. The stack runs them after bundling (CDK command
 * hooks, locally); the docs bundle test runs the same commands.
 */
export function bundledFileCommands(
  files: readonly PackagedFile[],
  inputDir: string,
  outputDir: string,
): string[] {
  return files.map(
    (file) => `gzip -9 -n -c "${join(inputDir, file.source)}" > "${join(outputDir, `${file.name}.gz`)}"`,
  );
}
