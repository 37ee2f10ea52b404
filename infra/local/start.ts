import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROVIDER_IDS } from '../../shared/providers/registry.ts';
import { startActivityView } from './activity-view.ts';
import { LOCAL_REGION } from './dynamodb.ts';
import { functionSettingsFrom } from './local-environment.ts';
import { PortInUse, startLocalRuntime } from './local-runtime.ts';

/**
 * `npm start [-- --reset] [-- --quiet]`: runs the whole product locally. Settings come from the
 * environment: PORT (3000), DYNAMODB_PORT (8000), SNS_SQS_PORT (4566), DEV_API_KEY (generated and
 * kept when absent), DATA_DIR (.local/data), INVOICE_RELAY_CONNECTIONS (a connections file, to use
 * real providers instead of the sandboxes), SANDBOX_SIZE (300 invoices per sandbox provider),
 * LOG_LEVEL (WARN: the functions' structured logs), SNAPSHOT_INTERVAL_SECONDS (15),
 * ALLOW_PRIVATE_WEBHOOK_TARGETS (false; true lets webhooks go to a receiver on this machine),
 * POWERTOOLS_METRICS_DISABLED (true; false prints the functions' EMF metric lines), and
 * any setting a function reads in AWS (e.g. RATE_LIMIT_PER_SECOND, WEBHOOK_RETRY_SCHEDULE_SECONDS).
 */

const USAGE = `usage: npm start [-- --reset] [-- --quiet]
  --reset   start over: delete the data folder's DynamoDB data, queues, sandbox changes and keys
  --quiet   print the banner only, not what happens (snapshot rounds, events, webhook attempts)`;

let flags: { reset?: boolean; quiet?: boolean; help?: boolean };
try {
  flags = parseArgs({
    options: { reset: { type: 'boolean' }, quiet: { type: 'boolean' }, help: { type: 'boolean' } },
  }).values;
} catch (error: unknown) {
  console.error(`${error instanceof Error ? error.message : error}\n${USAGE}`);
  process.exit(2);
}
if (flags.help === true) {
  console.log(USAGE);
  process.exit(0);
}

const port = (name: string, fallback: number) =>
  process.env[name] === undefined ? fallback : Number(process.env[name]);

let runtime: Awaited<ReturnType<typeof startLocalRuntime>>;
try {
  runtime = await startLocalRuntime({
    port: port('PORT', 3000),
    dynamoPort: port('DYNAMODB_PORT', 8000),
    snsSqsPort: port('SNS_SQS_PORT', 4566),
    reset: flags.reset === true,
    ...(process.env.DATA_DIR ? { dataDir: process.env.DATA_DIR } : {}),
    ...(process.env.DEV_API_KEY ? { devApiKey: process.env.DEV_API_KEY } : {}),
    ...(process.env.INVOICE_RELAY_CONNECTIONS
      ? { connectionsFile: process.env.INVOICE_RELAY_CONNECTIONS }
      : {}),
    ...(process.env.SANDBOX_SIZE ? { sandboxSize: Number(process.env.SANDBOX_SIZE) } : {}),
    ...(process.env.LOG_LEVEL ? { logLevel: process.env.LOG_LEVEL } : {}),
    ...(process.env.SNAPSHOT_INTERVAL_SECONDS
      ? { snapshotIntervalSeconds: Number(process.env.SNAPSHOT_INTERVAL_SECONDS) }
      : {}),
    allowPrivateWebhookTargets: process.env.ALLOW_PRIVATE_WEBHOOK_TARGETS === 'true',
    functionSettings: functionSettingsFrom(process.env),
  });
} catch (error: unknown) {
  // What a user can act on, without a stack trace: a busy port, a data folder in use.
  console.error(`npm start: ${error instanceof PortInUse || error instanceof Error ? error.message : error}`);
  process.exit(1);
}

const { url, apiKey } = runtime;
const vn = runtime.sandboxes.get('vn-einvoice')?.sample(1)[0]?.remoteId ?? '<invoice uuid>';
const paid = runtime.sandboxes
  .get('carbonext')
  ?.sample(50)
  .find((invoice) => invoice.status === 'Pending')?.remoteId;

console.log(`
invoice-relay is running at ${url}   (Ctrl-C to stop)

  API key (full access, local only):  ${apiKey}
  Connections:  ${process.env.INVOICE_RELAY_CONNECTIONS ? 'from the connections file' : `${PROVIDER_IDS.join(', ')} (sandboxes under ${url}/sandbox/<provider>)`}
  Console:      ${url}/console   (sign in with the key above)
  Reference:    ${url}/docs
  Data:         ${runtime.dataDir}   (kept across restarts; \`npm start -- --reset\` starts over)

Local AWS endpoints (region ${LOCAL_REGION}, any credentials; also in ${join(runtime.dataDir, 'runtime.json')}):
  DynamoDB:     ${runtime.dynamo.endpoint}   table ${runtime.tableName}
  SNS and SQS:  ${runtime.fauxqs.address}
  Events topic: ${runtime.messaging.eventsTopicArn}

Try:
  export KEY='${apiKey}'
  curl -s -H "Authorization: Bearer $KEY" ${url}/v1/connections
  curl -s -H "Authorization: Bearer $KEY" "${url}/v1/connections/carbonext/invoices?limit=2"
  curl -s -H "Authorization: Bearer $KEY" ${url}/v1/connections/vn-einvoice/invoices/${vn}
  curl -s -X POST -d '{"status": "Paid"}' ${url}/sandbox/carbonext/invoices/${paid}/status
`);

const view =
  flags.quiet === true
    ? undefined
    : startActivityView((line) => console.log(line), {
        colour: process.stdout.isTTY === true && process.env.NO_COLOR === undefined,
      });

let stopping = false;
function shutdown() {
  if (stopping) return;
  stopping = true;
  view?.stop();
  console.log('\nstopping…');
  runtime.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('could not stop cleanly:', error instanceof Error ? error.message : error);
      process.exit(1);
    },
  );
}
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, shutdown);
// `npm start` runs this under npm (and a shell): when npm is killed without passing the signal
// on, this process is handed to another parent. Stop then instead of running on, orphaned.
const parent = process.ppid;
setInterval(() => {
  if (process.ppid !== parent) shutdown();
}, 1000).unref();
