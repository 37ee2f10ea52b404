import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build, type Metafile } from 'esbuild';
import { FUNCTION_CATALOG, type FunctionName } from '../functions/catalog.ts';
import { esbuildOptions, FUNCTION_NODE_OPTIONS, packageOf } from '../infra/bundling.ts';
import { stageEnvironments } from '../infra/function-environments.ts';
import { median, table } from './support/measure.ts';

/**
 * bench/cold-start: every function bundled exactly as the stack bundles it (infra/bundling.ts),
 * then, in fresh Node processes, the time to import the bundle, which reads its configuration and
 * builds its clients at module scope as a Lambda cold start does.
 *
 * The baseline is the library floor (bench/support/library-floor.ts): one DynamoDB client,
 * Powertools Logger and Metrics and a zod parse, bundled the same way (~440 KB); every function
 * builds at least that. Floor and function are imported alternately, sample by sample, and their
 * medians compared. Target (issue 10): each function's import-and-init ≤ 1.25× the floor's.
 * hello-world (an empty handler) is measured once beside them: what Node itself takes to import a
 * file, for reading the other figures; so is the floor with the provider libraries
 * (bench/support/library-floor-providers.ts): what lookup and the snapshot worker could not go
 * below without dropping a library they need.
 *
 * Processes get the dev stage's environment (references replaced by placeholders) and Lambda's
 * NODE_OPTIONS; nothing is called over the network at init. BENCH_PROFILE_DIR=<dir> writes a CPU
 * profile of one import of each bundle there (`node --cpu-prof`), to see where its time goes.
 */

const SAMPLES = 21;
const TARGET_RATIO = 1.25;
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

interface Bundle {
  file: string;
  bytes: number;
  largest: string;
}

async function bundle(entry: string, folder: string): Promise<Bundle> {
  const file = join(folder, 'index.mjs');
  const result = await build(esbuildOptions(entry, file));
  return { file, bytes: statSync(file).size, largest: largestPackages(result.metafile) };
}

/** The four packages that take most of a bundle, e.g. "@smithy/core 131, zod 83, …" (KB). */
function largestPackages(metafile: Metafile | undefined): string {
  const output = Object.values(metafile?.outputs ?? {}).find((candidate) => candidate.entryPoint);
  const byPackage = new Map<string, number>();
  for (const [path, input] of Object.entries(output?.inputs ?? {})) {
    const name = packageOf(path) ?? '(own code)';
    byPackage.set(name, (byPackage.get(name) ?? 0) + input.bytesInOutput);
  }
  return [...byPackage]
    .sort((a, b) => b[1] - a[1])
    .slice(0, 4)
    .map(([name, bytes]) => `${name} ${Math.round(bytes / 1024)}`)
    .join(', ');
}

async function importOnce(
  file: string,
  environment: Record<string, string>,
  profileDir?: string,
): Promise<number> {
  const profiling = profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`];
  const { stdout } = await run(
    process.execPath,
    [...FUNCTION_NODE_OPTIONS.split(' '), ...profiling, 'bench/support/import-once.ts', file],
    { env: { ...LAMBDA_ENVIRONMENT, ...environment } },
  );
  return (JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { ms: number }).ms;
}

export async function benchColdStart(): Promise<boolean> {
  const folder = mkdtempSync(join(tmpdir(), 'invoice-relay-cold-start-'));
  const profileDir = process.env.BENCH_PROFILE_DIR;
  try {
    const environments = stageEnvironments('dev');
    const hello = await bundle('bench/support/hello-world.ts', join(folder, 'hello-world'));
    const floor = await bundle('bench/support/library-floor.ts', join(folder, 'library-floor'));
    const providersFloor = await bundle(
      'bench/support/library-floor-providers.ts',
      join(folder, 'library-floor-providers'),
    );
    const names = Object.keys(FUNCTION_CATALOG) as FunctionName[];
    const bundles = new Map<FunctionName, Bundle>();
    for (const name of names)
      bundles.set(name, await bundle(FUNCTION_CATALOG[name].entry, join(folder, name)));

    // Warm the file cache, and write the profiles (one import each, outside the samples).
    await importOnce(hello.file, {}, profileDir && join(profileDir, 'hello-world'));
    await importOnce(floor.file, {}, profileDir && join(profileDir, 'library-floor'));
    await importOnce(providersFloor.file, {}, profileDir && join(profileDir, 'library-floor-providers'));
    for (const name of names) {
      await importOnce(
        bundles.get(name)?.file ?? '',
        environments[name],
        profileDir && join(profileDir, name),
      );
    }

    const helloSamples: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample++) helloSamples.push(await importOnce(hello.file, {}));
    const floorSamples: number[] = [];
    const rows: Array<Record<string, string | number>> = [];
    const providersBaseline: number[] = [];
    const providersSamples: number[] = [];
    for (let sample = 0; sample < SAMPLES; sample++) {
      providersBaseline.push(await importOnce(floor.file, {}));
      providersSamples.push(await importOnce(providersFloor.file, {}));
    }
    floorSamples.push(...providersBaseline);
    let met = true;
    for (const name of names) {
      const built = bundles.get(name) as Bundle;
      const baseline: number[] = [];
      const samples: number[] = [];
      for (let sample = 0; sample < SAMPLES; sample++) {
        baseline.push(await importOnce(floor.file, {}));
        samples.push(await importOnce(built.file, environments[name]));
      }
      floorSamples.push(...baseline);
      const ratio = median(samples) / median(baseline);
      met &&= ratio <= TARGET_RATIO;
      rows.push({
        function: name,
        'bundle KB': (built.bytes / 1024).toFixed(0),
        'init p50 ms': median(samples).toFixed(1),
        'floor p50 ms': median(baseline).toFixed(1),
        '× floor': ratio.toFixed(2),
        [`≤ ${TARGET_RATIO}×`]: ratio <= TARGET_RATIO ? 'yes' : 'NO',
        'largest packages (KB)': built.largest,
      });
    }
    rows.unshift(
      {
        function: '(library floor)',
        'bundle KB': (floor.bytes / 1024).toFixed(0),
        'init p50 ms': median(floorSamples).toFixed(1),
        'floor p50 ms': '',
        '× floor': '1.00',
        [`≤ ${TARGET_RATIO}×`]: '',
        'largest packages (KB)': floor.largest,
      },
      {
        function: '(floor + provider libraries)',
        'bundle KB': (providersFloor.bytes / 1024).toFixed(0),
        'init p50 ms': median(providersSamples).toFixed(1),
        'floor p50 ms': median(providersBaseline).toFixed(1),
        '× floor': (median(providersSamples) / median(providersBaseline)).toFixed(2),
        [`≤ ${TARGET_RATIO}×`]: '',
        'largest packages (KB)': providersFloor.largest,
      },
      {
        function: '(hello-world)',
        'bundle KB': (hello.bytes / 1024).toFixed(1),
        'init p50 ms': median(helloSamples).toFixed(1),
        'floor p50 ms': '',
        '× floor': (median(helloSamples) / median(floorSamples)).toFixed(2),
        [`≤ ${TARGET_RATIO}×`]: '',
        'largest packages (KB)': '',
      },
    );
    console.log(
      `\nbench/cold-start: bundle size and import-and-init in a fresh Node ${process.versions.node} process, each function alternating with the library floor (${SAMPLES} samples each, medians; target ≤ ${TARGET_RATIO}× the floor)\n`,
    );
    console.log(table(rows));
    if (profileDir !== undefined) console.log(`\nCPU profiles of one import of each bundle: ${profileDir}`);
    console.log(
      met
        ? `\ntarget met: every function within ${TARGET_RATIO}× the floor`
        : `\ntarget MISSED: see the functions marked NO`,
    );
    return met;
  } finally {
    rmSync(folder, { recursive: true, force: true });
  }
}
