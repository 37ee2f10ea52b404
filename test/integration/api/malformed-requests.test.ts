import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { invoiceId } from '../../../shared/invoice/invoice-id.ts';
import { Problem } from '../../../shared/problem.ts';
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
  { name: 'two statuses', path: `${invoices}?status=PAID&status=OPEN`, status: 400, parameter: 'status' },
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
  { name: 'the root', path: '/', status: 404 },
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

describe('malformed requests answer the right problem', () => {
  test('there are at least fifty of them', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  test.each(cases)('$name → $status', async ({ method, path, headers, key, status, parameter }) => {
    const response = await api.call(path, {
      method: method ?? 'GET',
      ...(headers ? { headers } : {}),
      ...(key === undefined ? {} : { key }),
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
