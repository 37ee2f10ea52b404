import { PROVIDER_IDS } from '../../shared/providers/registry.ts';
import { SANDBOXES } from '../../shared/sandbox/sandbox-registry.ts';
import { startSandboxServer } from '../../shared/sandbox/sandbox-server.ts';

/**
 * One sandbox provider in a process of its own (`node bench/support/sandbox-process.ts <provider>
 * [size]`), so that a benchmark can call it directly and through the API without both sharing
 * the API's event loop. Prints its URL on the first line; stops on SIGTERM.
 */
const [provider = 'carbonext', size = '300'] = process.argv.slice(2);
if (!(PROVIDER_IDS as string[]).includes(provider)) throw new Error(`unknown provider ${provider}`);
const server = await startSandboxServer(SANDBOXES[provider as 'carbonext']({ size: Number(size) }));
console.log(server.url.href.replace(/\/$/, ''));
process.on('SIGTERM', () => {
  server.close().then(() => process.exit(0));
});
