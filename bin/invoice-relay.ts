#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { KEYS_USAGE, runKeys } from '../shared/cli/keys-command.ts';
import { LISTEN_USAGE, parseListenArguments, startListener } from '../shared/cli/listen-command.ts';
import { MIGRATE_USAGE, runMigrate } from '../shared/cli/migrate-command.ts';
import { NORMALIZE_USAGE, runNormalize } from '../shared/cli/normalize-command.ts';

/** `npx invoice-relay <command>`: a thin entry point; each command's logic lives in shared/cli/. */

const USAGE = `usage: invoice-relay <command>

commands:
  normalize   print a provider response body (stdin) as canonical invoices
  keys        create, list and revoke API keys
  listen      receive webhooks on this machine and verify their signatures
  migrate     bring a table written by invoice-relay 0.1 to this version

${NORMALIZE_USAGE}

${KEYS_USAGE}

${LISTEN_USAGE}

${MIGRATE_USAGE}`;

const [command, ...rest] = process.argv.slice(2);

if (command === 'listen') {
  const options = parseListenArguments(rest);
  if (typeof options === 'string') {
    process.stderr.write(`${options}\n`);
    process.exit(2);
  }
  const listener = await startListener({ ...options, print: (line) => console.log(line) });
  console.log(`listening at ${listener.url} (Ctrl-C to stop); register this URL with POST /v1/webhooks`);
  process.on('SIGINT', () => listener.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => listener.close().then(() => process.exit(0)));
} else {
  const result =
    command === 'normalize'
      ? runNormalize(rest, await text(process.stdin))
      : command === 'keys'
        ? await runKeys(rest)
        : command === 'migrate'
          ? await runMigrate(rest)
          : undefined;
  if (result !== undefined) {
    process.stdout.write(result.stdout);
    process.stderr.write(result.stderr);
    process.exitCode = result.exitCode;
  } else {
    process.stderr.write(`${USAGE}\n`);
    process.exitCode = command === undefined || command === '--help' || command === 'help' ? 0 : 2;
  }
}
