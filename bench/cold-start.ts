import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { FUNCTION_CATALOG, type FunctionName } from '../functions/catalog.ts';
import { esbuildOptions, FUNCTION_NODE_OPTIONS } from '../infra/bundling.ts';
import { stageEnvironments } from '../infra/function-environments.ts';
import { median, table } from './support/measure.ts';

/**
 * bench/cold-start: every function bundled exactly as the stack bundles it (infra/bundling.ts),
 * then, in fresh Node processes, the time to import the bundle, which reads its configuration and
 * builds its clients at module scope as a Lambda cold start does. A hello-world handler bundled the
 * same way is measured in the same run, alternating with each function, as the baseline.
 * Targets (issue 6): each bundle under 250 KB minified with its SDK clients; import-and-init
 * within 2× hello-world + 50 ms. Processes get the dev stage's environment (references replaced by
 * placeholders) and Lambda's NODE_OPTIONS; nothing is called over the network at init.
 */

const SAMPLES = 15;
const SIZE_TARGET_BYTES = 250 * 1024;
const run = promisify(execFile);

/** Environment of a Lambda process besides the function's own variables. */
const LAMBDA_ENVIRONMENT = {
  AWS_REGION: 'eu-west-1',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_LAMBDA_FUNCTION_NAME: 'cold-start-bench',
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: '512',
  AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SESSION_TOKEN: 'bench',
  PATH: process.env.PATH ?? '',
};

async function bundle(
  entry: string,
  folder: string,
): Promise<{ file: string; bytes: number; largest: string }> {
  const file = join(folder, 'index.mjs');
  const result = await build(esbuildOptions(entry, file));
  return { file, bytes: statSync(file).size, largest: largestPackages(result.metafile) };
}

/** The three packages that take most of a bundle, e.g. "@smithy/core 131 KB". */
function largestPackages(metafile: Metafile | undefined): string {
  const output = Object.entries(metafile?.outputs ?? {}).find(([path]) => path.endsWith('.mjs'))?.[1];
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const name = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? '(own code)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 3)
    .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)}`)
    .join(', ');
}

async function importOnce(file: string, environment: Record<string, string>): Promise<number> {
  const { stdout } = await run(
    process.execPath,
    [...FUNCTION_NODE_OPTIONS.split(' '), 'bench/support/import-once.ts', file],
    { env: { ...LAMBDA_ENVIRONMENT, ...environment } },
  );
  return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ms: number }).ms;
}

export async function benchColdStart(): Promise<boolean> {
  const folder = mkdtempSync(join(tmpdir(), 'invoice-relay-cold-start-'));
  try {
    const environments = stageEnvironments('dev');
    const hello = await bundle('bench/support/hello-world.ts', join(folder, 'hello-world'));
    const floor = await bundle('bench/support/library-floor.ts', join(folder, 'library-floor'));
    const entries: Array<[string, string, Record<string, string>]> = [
      ['(library floor)', floor.file, {}],
      ...(Object.keys(FUNCTION_CATALOG) as FunctionName[]).map(
        (name): [string, string, Record<string, string>] => [
          name,
          FUNCTION_CATALOG[name].entry,
          environments[name],
        ],
      ),
    ];
    const rows: Array<Record<string, string | number>> = [];
    const helloSamples: number[] = [];
    let met = true;
    for (const [name, entry, environment] of entries) {
      const built = entry === floor.file ? floor : await bundle(entry, join(folder, name));
      const samples: number[] = [];
      const baseline: number[] = [];
      await importOnce(built.file, environment); // warm the file cache
      for (let sample = 0; sample < SAMPLES; sample++) {
        baseline.push(await importOnce(hello.file, {}));
        samples.push(await importOnce(built.file, environment));
      }
      helloSamples.push(...baseline);
      const limit = 2 * median(baseline) + 50;
      const sizeMet = built.bytes <= SIZE_TARGET_BYTES;
      const timeMet = median(samples) <= limit;
      if (built !== floor) met &&= sizeMet && timeMet;
      rows.push({
        function: name,
        'bundle KB': (built.bytes / 1024).toFixed(0),
        '≤ 250 KB': sizeMet ? 'yes' : 'NO',
        'init p50 ms': median(samples).toFixed(1),
        'hello p50 ms': median(baseline).toFixed(1),
        'limit ms': limit.toFixed(1),
        'within limit': timeMet ? 'yes' : 'NO',
        'largest packages (KB)': built.largest,
      });
    }
    console.log(
      `\nbench/cold-start: bundle size and import-and-init in a fresh Node ${process.versions.node} process (${SAMPLES} samples each, medians; hello-world ${(hello.bytes / 1024).toFixed(1)} KB, p50 ${median(helloSamples).toFixed(1)} ms over the run)\n`,
    );
    console.log(table(rows));
    return met;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
