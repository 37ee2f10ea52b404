import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { type Listener, parseListenArguments, startListener } from '../../../shared/cli/listen-command.ts';
import { signedHeaders } from '../../../shared/webhooks/signing.ts';
import { newSecret } from '../../../shared/webhooks/webhook.ts';

/** `invoice-relay listen`: verifies what arrives with the official verifier, refuses the rest. */

const secret = newSecret();
const lines: string[] = [];
let listener: Listener;

beforeAll(async () => {
  listener = await startListener({ secret, port: 0, host: '127.0.0.1', print: (line) => lines.push(line) });
});
afterAll(() => listener.close());

const body = JSON.stringify({
  id: 'evt_1',
  type: 'invoice.paid',
  connection: 'carbonext',
  invoice: { remoteId: '7e10', status: 'PAID', total: '36.3', currency: 'BRL' },
});

async function post(payload: string, headers: Record<string, string>) {
  return fetch(`${listener.url}/hooks`, { method: 'POST', headers, body: payload });
}

describe('listen', () => {
  test('a delivery signed with the secret is verified, printed and answered 204', async () => {
    const response = await post(body, signedHeaders([secret], 'evt_1', body, Date.now()));
    expect(response.status).toBe(204);
    expect(lines.at(-1)).toBe(
      'verified invoice.paid evt_1 carbonext/7e10 status PAID total 36.3 BRL (webhook-id evt_1)',
    );
  });

  test('a forged body, another secret or a stale timestamp is refused with 400', async () => {
    const now = Date.now();
    const headers = signedHeaders([secret], 'evt_1', body, now);
    const forged = await post(body.replace('"PAID"', '"VOID"'), headers);
    const otherSecret = await post(body, signedHeaders([newSecret()], 'evt_1', body, now));
    const stale = await post(body, signedHeaders([secret], 'evt_1', body, now - 3600_000));
    expect([forged.status, otherSecret.status, stale.status]).toEqual([400, 400, 400]);
    expect(lines.slice(-3).every((line) => line.startsWith('refused POST /hooks'))).toBe(true);
  });

  test('arguments: a secret is required and the listener stays on loopback', () => {
    const none = {};
    expect(parseListenArguments(['--secret', secret], none)).toEqual({
      secret,
      port: 4000,
      host: '127.0.0.1',
    });
    expect(parseListenArguments([], none)).toMatch(/a secret is required/);
    expect(parseListenArguments(['--secret', secret, '--host', '0.0.0.0'])).toMatch(/loopback/);
    expect(parseListenArguments(['--secret', secret, '--port', 'http'])).toMatch(
      /--port must be a port number/,
    );
    expect(parseListenArguments(['--secret', secret, '--verbose', 'yes'])).toMatch(
      /unknown option --verbose/,
    );
  });

  test('the secret can stay out of ps: from a file or from WEBHOOK_SECRET, before --secret', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'listen-')), 'secret');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    expect(parseListenArguments(['--secret-file', file], {})).toEqual({
      secret,
      port: 4000,
      host: '127.0.0.1',
    });
    expect(parseListenArguments([], { WEBHOOK_SECRET: secret })).toMatchObject({ secret });
    const other = newSecret();
    expect(parseListenArguments(['--secret', other], { WEBHOOK_SECRET: secret })).toMatchObject({ secret });
    expect(parseListenArguments(['--secret-file', `${file}.missing`], {})).toMatch(/cannot be read/);
  });
});
