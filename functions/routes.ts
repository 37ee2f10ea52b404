import { defineRoute, type RouteSpec } from '../shared/api/route.ts';
import {
  ConnectionList,
  ConnectionPath,
  GetInvoiceQuery,
  Health,
  InvoiceList,
  InvoicePath,
  ListInvoicesQuery,
  NoQuery,
  OrderPath,
} from '../shared/api/schemas.ts';
import { Invoice, InvoicePage } from '../shared/invoice/invoice.ts';

/**
 * The route table: every route of the HTTP API, once. API Gateway routes (infra/), the local
 * runtime's router, each function's dispatch and validation, and the OpenAPI document all read it.
 * `function` names the Lambda that serves the route (one per concern).
 */

export const FUNCTIONS = { lookup: 'lookup', docs: 'docs' } as const;

const invoicesTag = 'Invoices';

export const routes = {
  health: defineRoute({
    method: 'GET',
    path: '/health',
    function: FUNCTIONS.docs,
    operationId: 'health',
    summary: 'Liveness',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: { 200: { description: 'The service answers', schema: Health } },
  }),
  openapi: defineRoute({
    method: 'GET',
    path: '/openapi.json',
    function: FUNCTIONS.docs,
    operationId: 'openapi',
    summary: 'This API as an OpenAPI 3.1 document',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: { 200: { description: 'OpenAPI 3.1 document' } },
  }),
  docs: defineRoute({
    method: 'GET',
    path: '/docs',
    function: FUNCTIONS.docs,
    operationId: 'docs',
    summary: 'A readable reference of this API',
    tag: 'Service',
    auth: 'none',
    query: NoQuery,
    responses: { 200: { description: 'HTML reference', contentType: 'text/html' } },
  }),
  listConnections: defineRoute({
    method: 'GET',
    path: '/v1/connections',
    function: FUNCTIONS.lookup,
    operationId: 'listConnections',
    summary: 'The connections this API key may use, and what each can do',
    tag: 'Connections',
    auth: 'api-key',
    scope: 'invoices:read',
    query: NoQuery,
    responses: { 200: { description: 'Connections', schema: ConnectionList } },
  }),
  listInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices',
    function: FUNCTIONS.lookup,
    operationId: 'listInvoices',
    summary: 'One page of a connection’s invoices',
    description:
      'Follow `next` until it is null. With `status`, each upstream page is filtered, so a page may hold fewer than `limit` invoices while `next` is set. Cursors are signed, bound to the connection and expire after 24 hours.',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: ListInvoicesQuery,
    responses: { 200: { description: 'A page of invoices', schema: InvoicePage } },
  }),
  getInvoice: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}',
    function: FUNCTIONS.lookup,
    operationId: 'getInvoice',
    summary: 'One invoice, by canonical id or the provider’s id',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: GetInvoiceQuery,
    responses: { 200: { description: 'The invoice', schema: Invoice } },
  }),
  orderInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/orders/{orderId}/invoices',
    function: FUNCTIONS.lookup,
    operationId: 'listOrderInvoices',
    summary: 'The invoices of one order',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: OrderPath,
    query: NoQuery,
    responses: { 200: { description: 'The order’s invoices', schema: InvoiceList } },
  }),
  invoiceDocument: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/document',
    function: FUNCTIONS.lookup,
    operationId: 'getInvoiceDocument',
    summary: 'The invoice document (PDF)',
    description:
      'Redirects to the document when the provider’s link works without our credentials; otherwise fetches it for you.',
    tag: invoicesTag,
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: NoQuery,
    responses: {
      200: { description: 'The document', contentType: 'application/pdf' },
      302: { description: 'Where the document is', headers: { location: 'URL of the document' } },
    },
  }),
} satisfies Record<string, RouteSpec>;

export const ROUTES: readonly RouteSpec[] = Object.values(routes);

/** Routes served by one function. */
export function routesOf(functionName: string): RouteSpec[] {
  return ROUTES.filter((route) => route.function === functionName);
}
