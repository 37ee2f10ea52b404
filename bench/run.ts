import { benchApi } from './api.ts';
import { benchColdStart } from './cold-start.ts';
import { benchNormalize } from './normalize.ts';
import { benchReads } from './reads.ts';
import { benchRelay } from './relay.ts';
import { benchSnapshot } from './snapshot.ts';

/**
 * `npm run bench [name...]`: runs the benchmarks and prints their ratios. Benchmarks report,
 * they do not fail builds: the exit code is 0 even when a target is missed, and the table says so.
 */

const benches: Record<string, () => Promise<boolean>> = {
  normalize: benchNormalize,
  api: benchApi,
  snapshot: benchSnapshot,
  reads: benchReads,
  relay: benchRelay,
  'cold-start': benchColdStart,
};

const chosen = process.argv.slice(2);
for (const name of chosen.length > 0 ? chosen : Object.keys(benches)) {
  const bench = benches[name];
  if (bench === undefined) {
    console.error(`unknown benchmark '${name}'; choose from: ${Object.keys(benches).join(', ')}`);
    process.exitCode = 2;
    break;
  }
  await bench();
}
