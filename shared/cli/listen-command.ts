import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * `invoice-relay listen`: a webhook receiver for trying the relay on a laptop. It verifies every
 * delivery with the official `standardwebhooks` verifier and the endpoint's secret, prints one
 * line per delivery and answers 204 (verified) or 400 (refused, with the reason). It listens on
 * loopback only; register it with the local runtime started with ALLOW_PRIVATE_WEBHOOK_TARGETS=true.
 */

export const LISTEN_USAGE = `usage: invoice-relay listen [--secret-file <file> | --secret <whsec_…>] [--port <port>] [--host <loopback address>]
  the secret: the file's first line, else WEBHOOK_SECRET, else --secret (which other users of this machine can see in ps)
  --port defaults to 4000, --host to 127.0.0.1`;

export interface Listener {
  url: string;
  close(): Promise<void>;
}

export async function startListener(options: {
  secret: string;
  port: number;
  host: string;
  print: (line: string) => void;
}): Promise<Listener> {
  const verifier = new Webhook(options.secret);
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const headers = Object.fromEntries(
        Object.entries(request.headers).map(([name, value]) => [name, String(value ?? '')]),
      );
      try {
        const event = verifier.verify(body, headers) as Record<string, unknown>;
        options.print(`verified ${describe(event)} (webhook-id ${headers['webhook-id']})`);
        response.writeHead(204).end();
      } catch (error: unknown) {
        const reason = error instanceof Error ? error.message : String(error);
        options.print(`refused ${request.method} ${request.url}: ${reason}`);
        response.writeHead(400, { 'content-type': 'text/plain' }).end(reason);
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${options.host}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** One line on what arrived: type, connection, the invoice's provider id and status. */
function describe(event: Record<string, unknown>): string {
  const invoice = (event.invoice ?? {}) as Record<string, unknown>;
  const parts = [String(event.type ?? 'event'), String(event.id ?? '')];
  if (typeof event.connection === 'string')
    parts.push(`${event.connection}/${String(invoice.remoteId ?? '')}`);
  if (typeof invoice.status === 'string') parts.push(`status ${invoice.status}`);
  if (typeof invoice.total === 'string')
    parts.push(`total ${invoice.total} ${String(invoice.currency ?? '')}`.trim());
  return parts.join(' ');
}

/**
 * Parses the command line; answers an error message instead when it is wrong. The secret is read
 * from a file or the environment before the command line: an argument shows in `ps` to every user
 * of the machine.
 */
export function parseListenArguments(
  args: readonly string[],
  environment: NodeJS.ProcessEnv = process.env,
  readFile: (path: string) => string = (path) => readFileSync(path, 'utf8'),
): { secret: string; port: number; host: string } | string {
  const values = new Map<string, string>();
  for (let index = 0; index < args.length; index += 2) {
    const name = args[index];
    const value = args[index + 1];
    if (name === undefined || !name.startsWith('--') || value === undefined) return LISTEN_USAGE;
    values.set(name.slice(2), value);
  }
  const file = values.get('secret-file');
  let secret: string | undefined;
  if (file !== undefined) {
    try {
      secret = readFile(file).split(/\r?\n/)[0]?.trim();
    } catch {
      return `--secret-file ${file} cannot be read\n${LISTEN_USAGE}`;
    }
  } else {
    secret = environment.WEBHOOK_SECRET?.trim() || values.get('secret');
  }
  if (secret === undefined || !secret.startsWith('whsec_'))
    return `a secret is required: the whsec_… secret POST /v1/webhooks answered, in --secret-file, WEBHOOK_SECRET or --secret\n${LISTEN_USAGE}`;
  const port = Number(values.get('port') ?? 4000);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    return `--port must be a port number\n${LISTEN_USAGE}`;
  const host = values.get('host') ?? '127.0.0.1';
  if (host !== '127.0.0.1' && host !== '::1' && host !== 'localhost')
    return `--host must be a loopback address: the listener is for this machine only\n${LISTEN_USAGE}`;
  for (const name of values.keys())
    if (!['secret', 'secret-file', 'port', 'host'].includes(name))
      return `unknown option --${name}\n${LISTEN_USAGE}`;
  return { secret, port, host };
}
