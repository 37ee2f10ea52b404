import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { Problem } from '../../../shared/api/responses.ts';
import { invoiceId } from '../../../shared/invoice/invoice-id.ts';
import { type LocalApi, startLocalApi } from '../../support/local-api.ts';

/**
 * Malformed requests, each answering the right RFC 9457 problem: status, and for a 400 the
 * parameter at fault. Over real HTTP against the local runtime.
 */

let api: LocalApi;
beforeAll(async () => {
  api = await startLocalApi();
});
afterAll(() => api.stop());

interface Case {
  name: string;
  method?: string;
  path: string;
  headers?: Record<string, string>;
  key?: string | null;
  body?: string;
  status: number;
  parameter?: string;
}

const invoices = '/v1/connections/carbonext/invoices';
const aCarbonextId = '/v1/connections/carbonext/invoices/8dc48e75-4b71-4fa2-ada8-8516fb1a2cfd';

const cases: Case[] = [
  // ids
  {
    name: 'vn-einvoice id that is not a UUID',
    path: '/v1/connections/vn-einvoice/invoices/123',
    status: 400,
    parameter: 'invoiceId',
  },
  {
    name: 'orders-api order id that is not a number',
    path: '/v1/connections/orders-api/orders/abc/invoices',
    status: 400,
    parameter: 'orderId',
  },
  { name: 'invoice id with a space', path: `${invoices}/a%20b`, status: 400, parameter: 'invoiceId' },
  {
    name: 'invoice id of 513 characters',
    path: `${invoices}/${'a'.repeat(513)}`,
    status: 400,
    parameter: 'invoiceId',
  },
  {
    name: 'canonical id of another connection',
    path: `${invoices}/${invoiceId('packcloud', '000001')}`,
    status: 400,
    parameter: 'invoiceId',
  },
  { name: 'encoded slash inside an id', path: `${invoices}/a%2Fb`, status: 400, parameter: 'invoiceId' },
  {
    name: 'broken percent-encoding in the path',
    path: `${invoices}/%E0%A4%A`,
    status: 400,
    parameter: 'path',
  },
  {
    name: 'order id of 257 characters',
    path: `/v1/connections/pretendentas/orders/${'1'.repeat(257)}/invoices`,
    status: 400,
    parameter: 'orderId',
  },
  {
    name: 'pretendentas id with a dot',
    path: '/v1/connections/pretendentas/invoices/a.b',
    status: 400,
    parameter: 'invoiceId',
  },
  {
    name: 'upper-case connection id',
    path: '/v1/connections/CarbonExt/invoices',
    status: 400,
    parameter: 'connection',
  },
  {
    name: 'connection id with an underscore',
    path: '/v1/connections/carbon_ext/invoices',
    status: 400,
    parameter: 'connection',
  },
  {
    name: 'connection id of 64 characters',
    path: `/v1/connections/${'a'.repeat(64)}/invoices`,
    status: 400,
    parameter: 'connection',
  },
  {
    name: 'connection id starting with a dash',
    path: '/v1/connections/-carbonext/invoices',
    status: 400,
    parameter: 'connection',
  },
  { name: 'unknown connection', path: '/v1/connections/nope/invoices', status: 404 },
  { name: 'unknown connection on get', path: '/v1/connections/nope/invoices/x', status: 404 },
  // limits
  { name: 'limit 0', path: `${invoices}?limit=0`, status: 400, parameter: 'limit' },
  { name: 'limit 101', path: `${invoices}?limit=101`, status: 400, parameter: 'limit' },
  { name: 'negative limit', path: `${invoices}?limit=-1`, status: 400, parameter: 'limit' },
  { name: 'limit that is a word', path: `${invoices}?limit=ten`, status: 400, parameter: 'limit' },
  { name: 'fractional limit', path: `${invoices}?limit=1.5`, status: 400, parameter: 'limit' },
  { name: 'empty limit', path: `${invoices}?limit=`, status: 400, parameter: 'limit' },
  { name: 'limit given twice', path: `${invoices}?limit=1&limit=2`, status: 400, parameter: 'limit' },
  { name: 'huge limit', path: `${invoices}?limit=99999999999999999999`, status: 400, parameter: 'limit' },
  // cursors
  { name: 'empty cursor', path: `${invoices}?cursor=`, status: 400, parameter: 'cursor' },
  { name: 'cursor that is a word', path: `${invoices}?cursor=next`, status: 400, parameter: 'cursor' },
  { name: 'cursor with three parts', path: `${invoices}?cursor=a.b.c`, status: 400, parameter: 'cursor' },
  {
    name: 'cursor of 4097 characters',
    path: `${invoices}?cursor=${'a'.repeat(4097)}`,
    status: 400,
    parameter: 'cursor',
  },
  {
    name: 'cursor with a forged signature',
    path: `${invoices}?cursor=eyJ2IjoxLCJjIjoiY2FyYm9uZXh0IiwicCI6IjIiLCJlIjo5OTk5OTk5OTk5fQ.forged`,
    status: 400,
    parameter: 'cursor',
  },
  { name: 'cursor given twice', path: `${invoices}?cursor=a&cursor=b`, status: 400, parameter: 'cursor' },
  // status
  { name: 'status in lower case', path: `${invoices}?status=paid`, status: 400, parameter: 'status' },
  {
    name: 'status that does not exist',
    path: `${invoices}?status=SHIPPED`,
    status: 400,
    parameter: 'status',
  },
  { name: 'empty status', path: `${invoices}?status=`, status: 400, parameter: 'status' },
  {
    name: 'a status list with an empty item',
    path: `${invoices}?status=PAID,`,
    status: 400,
    parameter: 'status',
  },
  // the tenant-wide snapshot read
  { name: 'tenant-wide limit 0', path: '/v1/invoices?limit=0', status: 400, parameter: 'limit' },
  { name: 'tenant-wide limit 501', path: '/v1/invoices?limit=501', status: 400, parameter: 'limit' },
  {
    name: 'updatedSince that is not RFC 3339',
    path: '/v1/invoices?updatedSince=yesterday',
    status: 400,
    parameter: 'updatedSince',
  },
  {
    name: 'updatedSince without a zone',
    path: '/v1/invoices?updatedSince=2026-01-01T00:00:00',
    status: 400,
    parameter: 'updatedSince',
  },
  {
    name: 'includeGone that is not a boolean',
    path: '/v1/invoices?includeGone=maybe',
    status: 400,
    parameter: 'includeGone',
  },
  {
    name: 'tenant-wide status that does not exist',
    path: '/v1/invoices?status=SHIPPED',
    status: 400,
    parameter: 'status',
  },
  {
    name: 'tenant-wide connection list with an unknown connection',
    path: '/v1/invoices?connection=carbonext,nope',
    status: 404,
  },
  {
    name: 'source on the tenant-wide read',
    path: '/v1/invoices?source=live',
    status: 400,
    parameter: 'source',
  },
  { name: 'source that does not exist', path: `${invoices}?source=cache`, status: 400, parameter: 'source' },
  // unknown or misplaced parameters
  { name: 'unknown parameter on a list', path: `${invoices}?foo=1`, status: 400, parameter: 'foo' },
  { name: 'include on a list', path: `${invoices}?include=raw`, status: 400, parameter: 'include' },
  { name: 'limit on a get', path: `${aCarbonextId}?limit=5`, status: 400, parameter: 'limit' },
  {
    name: 'include with an unknown value',
    path: `${aCarbonextId}?include=json`,
    status: 400,
    parameter: 'include',
  },
  { name: 'empty include', path: `${aCarbonextId}?include=`, status: 400, parameter: 'include' },
  {
    name: 'parameter on the connection list',
    path: '/v1/connections?all=true',
    status: 400,
    parameter: 'all',
  },
  { name: 'parameter on the health check', path: '/health?verbose=1', status: 400, parameter: 'verbose' },
  { name: 'undecodable parameter name', path: `${invoices}?%ZZ=1`, status: 400, parameter: '%ZZ' },
  {
    name: 'parameter on the document route',
    path: `${aCarbonextId}/document?inline=1`,
    status: 400,
    parameter: 'inline',
  },
  // methods and routes
  { name: 'POST to a GET route', method: 'POST', path: '/v1/connections', status: 405 },
  { name: 'DELETE on invoices', method: 'DELETE', path: invoices, status: 405 },
  { name: 'PUT on an invoice', method: 'PUT', path: aCarbonextId, status: 405 },
  { name: 'PATCH on health', method: 'PATCH', path: '/health', status: 405 },
  { name: 'POST to the OpenAPI document', method: 'POST', path: '/openapi.json', status: 405 },
  { name: 'unknown API version', path: '/v2/connections', status: 404 },
  { name: 'misspelt collection', path: '/v1/connection', status: 404 },
  { name: 'path past a route', path: `${aCarbonextId}/extra`, status: 404 },
  // GET / redirects to the reference (test/integration/api/docs.test.ts); other methods know nothing there.
  { name: 'POST to the root', method: 'POST', path: '/', status: 404 },
  // credentials
  {
    name: 'Basic credentials',
    path: '/v1/connections',
    key: null,
    headers: { authorization: 'Basic dXNlcjpwYXNz' },
    status: 401,
  },
  {
    name: 'empty bearer token',
    path: '/v1/connections',
    key: null,
    headers: { authorization: 'Bearer ' },
    status: 401,
  },
  { name: 'bearer token too short', path: '/v1/connections', key: 'short', status: 401 },
  { name: 'bearer token of 8 KiB', path: '/v1/connections', key: 'k'.repeat(8192), status: 401 },
  // webhooks
  ...webhookCases(),
  // sizes
  {
    name: 'a 20 KiB header',
    path: '/v1/connections',
    headers: { 'x-padding': 'p'.repeat(20 * 1024) },
    status: 431,
  },
  {
    name: 'a hundred 200-byte headers',
    path: '/v1/connections',
    headers: Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`x-h${i}`, 'h'.repeat(200)])),
    status: 431,
  },
];

function webhookCases(): Case[] {
  const json = { 'content-type': 'application/json' };
  const create = (body: unknown) => ({
    method: 'POST',
    path: '/v1/webhooks',
    headers: json,
    body: JSON.stringify(body),
  });
  const webhook = '/v1/webhooks/wh_0000000000000000';
  return [
    // Targets the relay refuses, the audit's bypasses included (IPv4-compatible IPv6, the
    // local-use NAT64 prefix, a port outside the allow list).
    ...Object.entries({
      'plain http': 'http://hooks.example.com/x',
      'the metadata address': 'https://169.254.169.254/latest',
      loopback: 'https://127.0.0.1/hook',
      'an IPv4-mapped private address': 'https://[::ffff:10.0.0.1]/hook',
      'an IPv4-compatible IPv6 loopback': 'https://[::127.0.0.1]/hook',
      'the local-use NAT64 prefix': 'https://[64:ff9b:1::a00:1]/hook',
      'a privileged port other than 443': 'https://1.1.1.1:22/hook',
    }).map(([what, url]) => ({
      name: `webhook to ${what}`,
      ...create({ url }),
      status: 400,
      parameter: 'url',
    })),
    { name: 'webhook without a url', ...create({ filter: {} }), status: 400, parameter: 'body.url' },
    {
      name: 'webhook with an unknown field',
      ...create({ url: 'https://hooks.example.com', secret: 'mine' }),
      status: 400,
      parameter: 'secret',
    },
    {
      name: 'webhook filter with an unknown event type',
      ...create({ url: 'https://1.1.1.1', filter: { eventTypes: ['invoice.deleted'] } }),
      status: 400,
      parameter: 'body.filter.eventTypes.0',
    },
    {
      name: 'webhook filter with an unknown connection',
      ...create({ url: 'https://1.1.1.1', filter: { connections: ['nope'] } }),
      status: 400,
      parameter: 'filter.connections',
    },
    {
      name: 'webhook body that is not JSON',
      method: 'POST',
      path: '/v1/webhooks',
      headers: json,
      body: '{"url":',
      status: 400,
      parameter: 'body',
    },
    {
      name: 'webhook body without a JSON content type',
      method: 'POST',
      path: '/v1/webhooks',
      headers: { 'content-type': 'text/plain' },
      body: '{}',
      status: 400,
      parameter: 'content-type',
    },
    { name: 'webhook id of the wrong shape', path: '/v1/webhooks/123', status: 400, parameter: 'webhookId' },
    { name: 'unknown webhook', path: webhook, status: 404 },
    {
      name: 'recover without a since',
      method: 'POST',
      path: `${webhook}/recover`,
      headers: json,
      body: '{}',
      status: 400,
      parameter: 'body.since',
    },
    {
      name: 'recover with a since that is not a time',
      method: 'POST',
      path: `${webhook}/recover`,
      headers: json,
      body: '{"since":"yesterday"}',
      status: 400,
      parameter: 'body.since',
    },
    {
      name: 'delivery id of the wrong shape',
      method: 'POST',
      path: `${webhook}/deliveries/x/retry`,
      status: 400,
      parameter: 'deliveryId',
    },
    {
      name: 'patch that changes nothing',
      method: 'PATCH',
      path: webhook,
      headers: json,
      body: '{}',
      status: 400,
      parameter: 'body',
    },
  ];
}

describe('malformed requests answer the right problem', () => {
  test('there are at least fifty of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  test.each(cases)('$name → $status', async ({ method, path, headers, key, body, status, parameter }) => {
    const response = await api.call(path, {
      method: method ?? 'GET',
      ...(headers ? { headers } : {}),
      ...(key === undefined ? {} : { key }),
      ...(body === undefined ? {} : { body }),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const text = await response.text();
    const problem = Problem.parse(JSON.parse(text));
    expect(problem.status).toBe(status);
    if (parameter !== undefined) expect(problem.parameter).toBe(parameter);
    if (status === 405) expect(response.headers.get('allow')).toBeTruthy();
    expect(text).not.toMatch(/\bat .+\.ts:\d+/); // never a stack trace
  });
});
