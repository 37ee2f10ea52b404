import { PROVIDER_IDS } from '../../shared/providers/registry.ts';
import { functionSettingsFrom } from './local-environment.ts';
import { startLocalRuntime } from './local-runtime.ts';

/**
 * `npm start`: runs the whole product locally. Settings come from the environment:
 * PORT (3000), DEV_API_KEY (generated and kept when absent), DATA_DIR (.local/data),
 * INVOICE_RELAY_CONNECTIONS (a connections file, to use real providers instead of the sandboxes),
 * SANDBOX_SIZE (300 invoices per sandbox provider), LOG_LEVEL (WARN), SNAPSHOT_INTERVAL_SECONDS (15),
 * ALLOW_PRIVATE_WEBHOOK_TARGETS (false; true lets webhooks go to a receiver on this machine).
 * Any other variable a function's environment schema reads (shared/config/*-environment.ts), such
 * as RATE_LIMIT_PER_SECOND or UPSTREAM_TIMEOUT_MS, is handed to the functions that read it.
 */

const runtime = await startLocalRuntime({
  port: process.env.PORT === undefined ? 3000 : Number(process.env.PORT),
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
  Reference:    ${url}/docs

Try:
  export KEY='${apiKey}'
  curl -s -H "Authorization: Bearer $KEY" ${url}/v1/connections
  curl -s -H "Authorization: Bearer $KEY" "${url}/v1/connections/carbonext/invoices?limit=2"
  curl -s -H "Authorization: Bearer $KEY" ${url}/v1/connections/vn-einvoice/invoices/${vn}
  curl -s -X POST -d '{"status": "Paid"}' ${url}/sandbox/carbonext/invoices/${paid}/status
`);

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    console.log('\nstopping…');
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('could not stop cleanly:', error instanceof Error ? error.message : error);
        process.exit(1);
      },
    );
  });
}
