#!/usr/bin/env node
import { text } from 'node:stream/consumers';
import { KEYS_USAGE, runKeys } from '../shared/cli/keys-command.ts';
import { NORMALIZE_USAGE, runNormalize } from '../shared/cli/normalize-command.ts';

/** `npx invoice-relay <command>`: a thin entry point; each command's logic lives in shared/cli/. */

const USAGE = `usage: invoice-relay <command>

commands:
  normalize   print a provider response body (stdin) as canonical invoices
  keys        create, list and revoke API keys

${NORMALIZE_USAGE}

${KEYS_USAGE}`;

const [command, ...rest] = process.argv.slice(2);

const result =
  command === 'normalize'
    ? runNormalize(rest, await text(process.stdin))
    : command === 'keys'
      ? await runKeys(rest)
      : undefined;
if (result !== undefined) {
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
} else {
  process.stderr.write(`${USAGE}\n`);
  process.exitCode = command === undefined || command === '--help' || command === 'help' ? 0 : 2;
}
