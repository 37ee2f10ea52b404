#!/usr/bin/env node
import { text } from 'node:stream/consumers';

/**
 * `npx invoice-relay <command>`: a thin entry point; each command's logic lives in shared/cli/.
 * A command's module is imported only when it runs (the keys and migrate commands bring the AWS
 * SDK, listen brings an HTTP server): a call loads what it uses and starts quickly.
 */

interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const COMMANDS = {
  normalize: async (rest: string[]) =>
    (await import('../shared/cli/normalize-command.ts')).runNormalize(rest, await text(process.stdin)),
  keys: async (rest: string[]) => (await import('../shared/cli/keys-command.ts')).runKeys(rest),
  migrate: async (rest: string[]) => (await import('../shared/cli/migrate-command.ts')).runMigrate(rest),
} satisfies Record<string, (rest: string[]) => Promise<CommandResult>>;

async function usage(): Promise<string> {
  const [normalize, keys, listen, migrate] = await Promise.all([
    import('../shared/cli/normalize-command.ts'),
    import('../shared/cli/keys-command.ts'),
    import('../shared/cli/listen-command.ts'),
    import('../shared/cli/migrate-command.ts'),
  ]);
  return `usage: invoice-relay <command>

commands:
  normalize   print a provider response body (stdin) as canonical invoices
  keys        create, list and revoke API keys
  listen      receive webhooks on this machine and verify their signatures
  migrate     bring a table written by invoice-relay 0.1 to this version

${normalize.NORMALIZE_USAGE}

${keys.KEYS_USAGE}

${listen.LISTEN_USAGE}

${migrate.MIGRATE_USAGE}
`;
}

const [command, ...rest] = process.argv.slice(2);

if (command === 'listen') {
  const { parseListenArguments, startListener } = await import('../shared/cli/listen-command.ts');
  const options = parseListenArguments(rest);
  if (typeof options === 'string') {
    process.stderr.write(`${options}\n`);
    process.exit(2);
  }
  const listener = await startListener({ ...options, print: (line) => console.log(line) });
  console.log(`listening at ${listener.url} (Ctrl-C to stop); register this URL with POST /v1/webhooks`);
  process.on('SIGINT', () => listener.close().then(() => process.exit(0)));
  process.on('SIGTERM', () => listener.close().then(() => process.exit(0)));
} else if (command !== undefined && Object.hasOwn(COMMANDS, command)) {
  const result = await COMMANDS[command as keyof typeof COMMANDS](rest);
  process.stdout.write(result.stdout);
  process.stderr.write(result.stderr);
  process.exitCode = result.exitCode;
} else if (command === undefined || command === '--help' || command === 'help') {
  process.stdout.write(await usage());
} else {
  process.stderr.write(`unknown command '${command}'\n\n${await usage()}`);
  process.exitCode = 2;
}
