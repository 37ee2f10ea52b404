import { ensureTable, startDynalite } from '../../infra/local/dynamodb.ts';
import { startLoopbackFauxqs } from '../../infra/local/fauxqs.ts';
import { ensureMessaging } from '../../infra/local/messaging.ts';
import type { ProviderId } from '../../shared/providers/registry.ts';
import { SANDBOXES } from '../../shared/sandbox/sandbox-registry.ts';
import { startSandboxServer } from '../../shared/sandbox/sandbox-server.ts';

/**
 * The peers of a snapshot benchmark in a process of their own, so that the benchmark process holds
 * only the snapshot worker and its memory is the worker's: dynalite (in memory), fauxqs and one
 * sandbox provider of the given size. Prints one JSON line of endpoints; stops on SIGTERM.
 * Usage: node bench/support/peers-process.ts <provider> <size> <table>
 */
const [provider = 'carbonext', size = '1000', table = 'bench'] = process.argv.slice(2);
const dynamo = await startDynalite();
await ensureTable(dynamo.client, table);
const fauxqs = await startLoopbackFauxqs();
const messaging = await ensureMessaging(fauxqs.address);
const sandbox = await startSandboxServer(SANDBOXES[provider as ProviderId]({ size: Number(size) }));
console.log(
  JSON.stringify({
    dynamo: dynamo.endpoint,
    sns: fauxqs.address,
    topicArn: messaging.eventsTopicArn,
    sandbox: sandbox.url.href.replace(/\/$/, ''),
  }),
);
process.on('SIGTERM', () => {
  Promise.all([sandbox.close(), fauxqs.stop(), dynamo.stop()]).then(() => process.exit(0));
});
