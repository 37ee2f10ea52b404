import { XMLParser } from 'fast-xml-parser';
import type { BodyOperation, NormalizationContext } from '../shared/providers/provider.ts';
import { PROVIDERS, type ProviderId } from '../shared/providers/registry.ts';
import type { SandboxApp } from '../shared/sandbox/sandbox-app.ts';
import { SANDBOX_CONNECTIONS, SANDBOXES } from '../shared/sandbox/sandbox-registry.ts';
import { checkBody } from '../shared/wire/decode.ts';
import { compareSync, table } from './support/measure.ts';

/**
 * bench/normalize: per provider, normalizing a large page (bytes in, canonical invoices out:
 * parse, validate, normalize) against only parsing the same bytes (JSON.parse, or fast-xml-parser
 * with the options the adapters use), side by side in one run. Target: ratio ≤ 2.
 */

const INVOICES = 2000;
const TARGET = 2;

const xmlOnlyParser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
});

async function fetchBody(app: SandboxApp, target: string, accept = 'application/json'): Promise<string> {
  const url = new URL(target, 'http://sandbox.bench');
  const response = await app.handle({
    baseUrl: 'http://sandbox.bench',
    method: target.startsWith('/v2/') ? 'POST' : 'GET',
    path: url.pathname,
    query: url.searchParams,
    headers: { accept, authorization: `Bearer ${SANDBOX_CONNECTIONS[app.provider as ProviderId].token}` },
    body: '',
  });
  if (response.status !== 200) throw new Error(`${app.provider} ${target} answered ${response.status}`);
  return String(response.body);
}

interface Case {
  provider: ProviderId;
  operation: BodyOperation;
  format: 'json' | 'xml';
  bodies: string[];
}

async function cases(): Promise<Case[]> {
  const result: Case[] = [];
  const pretendentas = SANDBOXES.pretendentas({ size: INVOICES });
  const listPath = `/v1/invoices?api_key=${SANDBOX_CONNECTIONS.pretendentas.token}`;
  for (const format of ['json', 'xml'] as const) {
    const body = await fetchBody(pretendentas, listPath, `application/${format}`);
    result.push({ provider: 'pretendentas', operation: 'list', format, bodies: [body] });
  }

  // orders-api answers per order; one large body is the invoices of many orders together.
  const orders = SANDBOXES['orders-api']({ size: INVOICES });
  const orderIds = [...new Set(orders.sample(INVOICES).map((s) => s.orderId))];
  const jsonParts: unknown[] = [];
  const xmlParts: string[] = [];
  for (const orderId of orderIds) {
    jsonParts.push(...(JSON.parse(await fetchBody(orders, `/v1/Orders/${orderId}/Invoices`)) as unknown[]));
    const xml = await fetchBody(orders, `/v1/Orders/${orderId}/Invoices`, 'application/xml');
    xmlParts.push(
      xml.slice(xml.indexOf('<InvoiceBase>'), xml.lastIndexOf('</InvoiceBase>') + '</InvoiceBase>'.length),
    );
  }
  result.push({
    provider: 'orders-api',
    operation: 'order-invoices',
    format: 'json',
    bodies: [JSON.stringify(jsonParts)],
  });
  result.push({
    provider: 'orders-api',
    operation: 'order-invoices',
    format: 'xml',
    bodies: [
      `<?xml version="1.0" encoding="UTF-8"?><ArrayOfInvoiceBase xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">${xmlParts.join('')}</ArrayOfInvoiceBase>`,
    ],
  });

  // Paged providers: the pages of the sandbox merged into one large page.
  const packcloud = SANDBOXES.packcloud({ size: INVOICES });
  const data: unknown[] = [];
  for (let page = 1; data.length < INVOICES; page++) {
    const body = JSON.parse(
      await fetchBody(packcloud, `/v1/organizations/sandbox-org/billing/invoices?page=${page}&per_page=100`),
    ) as { data: unknown[] };
    data.push(...body.data);
  }
  result.push({
    provider: 'packcloud',
    operation: 'list',
    format: 'json',
    bodies: [JSON.stringify({ data, prev: null, next: null, per_page: INVOICES })],
  });

  const carbonext = SANDBOXES.carbonext({ size: INVOICES });
  const items: unknown[] = [];
  for (let page = 1; items.length < INVOICES; page++) {
    const body = JSON.parse(await fetchBody(carbonext, `/v1/invoices?pageIndex=${page}&pageSize=100`)) as {
      items: unknown[];
    };
    items.push(...body.items);
  }
  result.push({
    provider: 'carbonext',
    operation: 'list',
    format: 'json',
    bodies: [
      JSON.stringify({
        items,
        pageIndex: 1,
        totalPages: 1,
        totalCount: INVOICES,
        hasPreviousPage: false,
        hasNextPage: false,
      }),
    ],
  });

  // vn-einvoice has no list: one invoice per body, so the "page" is many single bodies.
  const vn = SANDBOXES['vn-einvoice']({ size: 500 });
  const vnBodies: string[] = [];
  for (const { remoteId } of vn.sample(500))
    vnBodies.push(await fetchBody(vn, `/v2/ob/invoices/${remoteId}`));
  result.push({ provider: 'vn-einvoice', operation: 'get', format: 'json', bodies: vnBodies });
  return result;
}

export async function benchNormalize(): Promise<boolean> {
  const rows: Array<Record<string, string | number>> = [];
  let allMet = true;
  for (const { provider, operation, format, bodies } of await cases()) {
    const adapter = PROVIDERS[provider];
    const context: NormalizationContext = {
      provider,
      connection: provider,
      timeZone: adapter.defaults.timeZone,
      currency: adapter.defaults.currency,
      statusMap: SANDBOX_CONNECTIONS[provider].statusMap ?? {},
      includeRaw: false,
    };
    const contentType = `application/${format}`;
    // The wire format each case's bodies are checked against, to show what validation alone costs.
    const wire = adapter.wire[operation];
    if (wire === undefined) throw new Error(`${provider} has no wire format for ${operation}`);
    const parseOnly =
      format === 'json' ? (body: string) => JSON.parse(body) : (body: string) => xmlOnlyParser.parse(body);
    let invoices = 0;
    for (const body of bodies)
      invoices += adapter.normalizeBody(operation, body, contentType, context).invoices.length;
    const { baselineMs, candidateMs, ratio } = compareSync(
      () => {
        for (const body of bodies) parseOnly(body);
      },
      () => {
        for (const body of bodies) adapter.normalizeBody(operation, body, contentType, context);
      },
    );
    const validation = compareSync(
      () => {
        for (const body of bodies) parseOnly(body);
      },
      () => {
        for (const body of bodies) checkBody(provider, wire, body, contentType);
      },
      { samples: 15 },
    );
    const met = ratio <= TARGET;
    allMet &&= met;
    rows.push({
      provider,
      format,
      invoices,
      'body KiB': Math.round(bodies.reduce((total, body) => total + body.length, 0) / 1024),
      'parse ms': baselineMs.toFixed(2),
      'parse+validate / parse': validation.ratio.toFixed(2),
      'normalize ms': candidateMs.toFixed(2),
      'ratio normalize/parse': ratio.toFixed(2),
      [`target ≤ ${TARGET}`]: met ? 'met' : 'MISSED',
    });
  }
  console.log(
    '\nbench/normalize: normalize (parse + validate + normalize) vs parse only, same bytes, same run\n',
  );
  console.log(table(rows));
  return allMet;
}
