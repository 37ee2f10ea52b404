import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/problem.ts';

/** The CLI as a user runs it: a real process, a body on stdin, JSON out or a problem on stderr. */

function run(args: string[], stdin: string) {
  const result = spawnSync(process.execPath, ['bin/invoice-relay.ts', 'normalize', ...args], {
    input: stdin,
    encoding: 'utf8',
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

function problemOf(stderr: string) {
  const document = JSON.parse(stderr.slice(0, stderr.indexOf('\n}\n') + 2));
  expect(Problem.safeParse(document).success).toBe(true);
  return document;
}

const fixture = (path: string) => readFileSync(`shared/providers/${path}`, 'utf8');

describe('invoice-relay normalize', () => {
  test.each([
    [
      'pretendentas',
      'list',
      'pretendentas/fixtures/seed-list.xml',
      'pretendentas/fixtures/seed-list.expected.json',
    ],
    [
      'vn-einvoice',
      'get',
      'vn-einvoice/fixtures/seed-get.json',
      'vn-einvoice/fixtures/seed-get.expected.json',
    ],
    [
      'orders-api',
      'order-invoices',
      'orders-api/fixtures/seed-order-invoices.xml',
      'orders-api/fixtures/seed-order-invoices.expected.json',
    ],
    [
      'packcloud',
      'list',
      'packcloud/fixtures/constructed-list.json',
      'packcloud/fixtures/constructed-list.expected.json',
    ],
    ['carbonext', 'list', 'carbonext/fixtures/seed-list.json', 'carbonext/fixtures/seed-list.expected.json'],
  ])('prints canonical invoices for %s %s', (provider, operation, body, expected) => {
    const result = run(['--provider', provider, '--operation', operation], fixture(body));
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(fixture(expected)));
  });

  test('vn-einvoice defaults to VND; --currency and --time-zone override the defaults', () => {
    const body = fixture('vn-einvoice/fixtures/seed-get.json').replace(
      '"2022-03-10T16:15:50Z"',
      '"2022-03-10 16:15:50"',
    );
    const plain = JSON.parse(run(['--provider', 'vn-einvoice', '--operation', 'get'], body).stdout)
      .invoices[0];
    expect(plain).toMatchObject({ currency: 'VND', createdAt: '2022-03-10T09:15:50Z' });
    const overridden = JSON.parse(
      run(
        ['--provider', 'vn-einvoice', '--operation', 'get', '--currency', 'USD', '--time-zone', 'UTC'],
        body,
      ).stdout,
    ).invoices[0];
    expect(overridden).toMatchObject({ currency: 'USD', createdAt: '2022-03-10T16:15:50Z' });
  });

  test('a malformed body prints a problem on stderr, no stack trace, exit 1', () => {
    const result = run(['--provider', 'carbonext', '--operation', 'list'], '{"items": [{"id": 1');
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(problemOf(result.stderr)).toMatchObject({
      status: 502,
      detail: 'carbonext: body is not valid JSON',
    });
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });

  test('a record that cannot be read is skipped and told on stderr without its values; the rest print', () => {
    const body = `{"items": [{"id": "good", "status": "Paid", "totalPrice": 5, "orders": []}, {"id": "bad", "status": "Paid", "totalPrice": 1e400, "customerId": "Maria da Silva", "orders": []}], "hasNextPage": false}`;
    const result = run(['--provider', 'carbonext', '--operation', 'list'], body);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      invoices: [{ remoteId: 'good', total: '5' }],
      next: null,
    });
    expect(result.stderr).toBe('skipped items[1] (id bad): totalPrice: must be a decimal number or null\n');
  });

  test('a provider error envelope is an error, with the provider’s message for the operator', () => {
    const result = run(
      ['--provider', 'pretendentas', '--operation', 'list', '--content-type', 'application/json'],
      '{"success": false, "message": "Neteisingas API raktas"}',
    );
    expect(result.code).toBe(1);
    expect(problemOf(result.stderr)).toMatchObject({
      status: 502,
      providerMessage: 'Neteisingas API raktas',
    });
  });

  test('wrong arguments name the argument, exit 2', () => {
    const unknown = run(['--provider', 'nope', '--operation', 'list'], '');
    expect(unknown.code).toBe(2);
    expect(problemOf(unknown.stderr)).toMatchObject({
      status: 400,
      parameter: '--provider',
      detail: '--provider: must be one of pretendentas, vn-einvoice, orders-api, packcloud, carbonext',
    });
    const noProvider = run(['--operation', 'list'], '');
    expect(problemOf(noProvider.stderr)).toMatchObject({ detail: '--provider: is required' });
    const zone = run(['--provider', 'carbonext', '--operation', 'list', '--time-zone', 'Mars/Base'], '');
    expect(problemOf(zone.stderr)).toMatchObject({ parameter: '--time-zone' });
    const missing = run(['--provider', 'carbonext'], '');
    expect(problemOf(missing.stderr)).toMatchObject({
      parameter: '--operation',
      detail: '--operation: is required',
    });
  });

  test('an operation the provider does not offer is a 501 problem listing what it offers', () => {
    const result = run(['--provider', 'vn-einvoice', '--operation', 'list'], '{}');
    expect(result.code).toBe(2);
    expect(problemOf(result.stderr)).toMatchObject({ status: 501, supportedOperations: ['get'] });
  });

  test('runs as the README shows it, through npx', () => {
    const result = spawnSync(
      'npx',
      ['invoice-relay', 'normalize', '--provider', 'carbonext', '--operation', 'get'],
      {
        input: fixture('carbonext/fixtures/seed-get.json'),
        encoding: 'utf8',
      },
    );
    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout).invoices[0].remoteId).toBe('8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd');
  });
});
