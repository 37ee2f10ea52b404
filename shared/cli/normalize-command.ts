import { parseArgs } from 'node:util';
import * as z from 'zod';
import { InvalidInput, OperationNotSupported, ProviderRejected } from '../errors.ts';
import { CurrencyCode } from '../invoice/invoice.ts';
import { isTimeZone } from '../invoice/time.ts';
import { type Problem, toProblem } from '../problem.ts';
import type { BodyOperation, QuarantinedRecord } from '../providers/provider.ts';
import { isProviderId, PROVIDER_IDS, PROVIDERS } from '../providers/registry.ts';

/**
 * `invoice-relay normalize`: reads one provider response body on stdin and prints the canonical
 * `{"invoices": [...], "next": ...}` on stdout. Records of a list that could not be read are
 * skipped and told on stderr, one line each (position, id, reason; never a value), and the exit
 * code stays 0. Any failure of the body as a whole prints an RFC 9457 problem on stderr (never a
 * stack trace) and exits non-zero: 2 for wrong arguments, 1 for a body that could not be normalized.
 */

export const NORMALIZE_USAGE = `usage: invoice-relay normalize --provider <${PROVIDER_IDS.join('|')}>
                            --operation <list|get|order-invoices>
                            [--content-type <mime>] [--time-zone <IANA zone>] [--currency <ISO 4217>]
                            [--connection <id>] [--include-raw]
Reads a provider response body on stdin; prints {"invoices": [...], "next": <cursor or null>}.
Records that cannot be read are skipped, one line each on stderr.`;

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
}

const Arguments = z.object({
  provider: z.string().refine(isProviderId, { message: `must be one of ${PROVIDER_IDS.join(', ')}` }),
  operation: z.enum(['list', 'get', 'order-invoices']),
  'content-type': z.string().min(1).optional(),
  'time-zone': z
    .string()
    .refine(isTimeZone, { message: 'must be an IANA time zone, e.g. Europe/Vilnius' })
    .optional(),
  currency: CurrencyCode.optional(),
  connection: z.string().min(1).optional(),
  'include-raw': z.boolean().optional(),
});

export function runNormalize(argv: readonly string[], stdin: string): CommandResult {
  let options: z.infer<typeof Arguments>;
  try {
    options = parseArguments(argv);
  } catch (error: unknown) {
    return failure(2, toProblem(error), `\n${NORMALIZE_USAGE}\n`);
  }
  const adapter = PROVIDERS[options.provider as keyof typeof PROVIDERS];
  try {
    if (!adapter.operations.includes(options.operation)) {
      throw new OperationNotSupported(adapter.id, options.operation, adapter.operations);
    }
    const page = adapter.normalizeBody(
      options.operation as BodyOperation,
      stdin,
      options['content-type'] ?? null,
      {
        provider: adapter.id,
        connection: options.connection ?? null,
        timeZone: options['time-zone'] ?? adapter.defaults.timeZone,
        currency: options.currency ?? adapter.defaults.currency,
        statusMap: {},
        includeRaw: options['include-raw'] ?? false,
      },
    );
    const { invoices, next, quarantined } = page;
    return {
      exitCode: 0,
      stdout: `${JSON.stringify({ invoices, next }, null, 2)}\n`,
      stderr: quarantined.map((record) => `${quarantineLine(record)}\n`).join(''),
    };
  } catch (error: unknown) {
    const problem = toProblem(error);
    // The operator piped this body in themselves, so the provider's own message may be shown.
    const extra =
      error instanceof ProviderRejected && error.providerMessage
        ? { providerMessage: error.providerMessage }
        : {};
    return failure(problem.status === 400 || problem.status === 501 ? 2 : 1, { ...problem, ...extra });
  }
}

function quarantineLine({ position, remoteId, reason }: QuarantinedRecord): string {
  return `skipped ${position}${remoteId === null ? '' : ` (id ${remoteId})`}: ${reason}`;
}

function parseArguments(argv: readonly string[]) {
  let values: Record<string, unknown>;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      options: {
        provider: { type: 'string' },
        operation: { type: 'string' },
        'content-type': { type: 'string' },
        'time-zone': { type: 'string' },
        currency: { type: 'string' },
        connection: { type: 'string' },
        'include-raw': { type: 'boolean' },
      },
    }));
  } catch (error: unknown) {
    throw new InvalidInput('arguments', error instanceof Error ? error.message : 'not understood');
  }
  const parsed = Arguments.safeParse(values);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const name = String(issue?.path[0] ?? 'arguments');
    // zod 4 leaves the input out of its issues, so "absent" is read from the arguments themselves.
    throw new InvalidInput(
      `--${name}`,
      values[name] === undefined ? 'is required' : (issue?.message ?? 'is invalid'),
    );
  }
  return parsed.data;
}

function failure(exitCode: number, problem: Problem & Record<string, unknown>, suffix = ''): CommandResult {
  return { exitCode, stdout: '', stderr: `${JSON.stringify(problem, null, 2)}\n${suffix}` };
}
