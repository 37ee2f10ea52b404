import { NoQuery } from '../../shared/api/request-fields.ts';
import {
  ConnectionPath,
  GetInvoiceQuery,
  InvoicePath,
  ListInvoicesQuery,
  OrderInvoicesQuery,
  OrderPath,
} from '../../shared/api/requests.ts';
import { defineRoute, type RouteSpec } from '../../shared/api/route.ts';
import type { FunctionName } from '../catalog.ts';

/**
 * Invoice lookups through the providers and watches: the lookup function's routes. Each function's
 * handler imports only its own routes, so that it builds only its own routes' request schemas;
 * ../routes.ts gathers them all.
 */

const FUNCTION = 'lookup' satisfies FunctionName;

export const lookupRoutes = {
  listConnections: defineRoute({
    method: 'GET',
    path: '/v1/connections',
    function: FUNCTION,
    operationId: 'listConnections',
    auth: 'api-key',
    scope: 'invoices:read',
    query: NoQuery,
  }),
  listInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices',
    function: FUNCTION,
    operationId: 'listInvoices',
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: ListInvoicesQuery,
  }),
  getInvoice: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}',
    function: FUNCTION,
    operationId: 'getInvoice',
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: GetInvoiceQuery,
  }),
  orderInvoices: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/orders/{orderId}/invoices',
    function: FUNCTION,
    operationId: 'listOrderInvoices',
    auth: 'api-key',
    scope: 'invoices:read',
    params: OrderPath,
    query: OrderInvoicesQuery,
  }),
  invoiceDocument: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/document',
    function: FUNCTION,
    operationId: 'getInvoiceDocument',
    auth: 'api-key',
    scope: 'invoices:read',
    params: InvoicePath,
    query: NoQuery,
  }),
  watchInvoice: watchRoute(
    'PUT',
    '/v1/connections/{connection}/watches/{invoiceId}',
    InvoicePath,
    'watchInvoice',
  ),
  unwatchInvoice: watchRoute(
    'DELETE',
    '/v1/connections/{connection}/watches/{invoiceId}',
    InvoicePath,
    'unwatchInvoice',
  ),
  watchOrder: watchRoute(
    'PUT',
    '/v1/connections/{connection}/watches/orders/{orderId}',
    OrderPath,
    'watchOrder',
  ),
  unwatchOrder: watchRoute(
    'DELETE',
    '/v1/connections/{connection}/watches/orders/{orderId}',
    OrderPath,
    'unwatchOrder',
  ),
} satisfies Record<string, RouteSpec>;

/** The four watch routes differ only in method, path and parameters. */
function watchRoute<P extends typeof InvoicePath | typeof OrderPath>(
  method: 'PUT' | 'DELETE',
  path: string,
  params: P,
  operationId: string,
) {
  return defineRoute({
    method,
    path,
    function: FUNCTION,
    operationId,
    auth: 'api-key',
    scope: 'watches:write',
    params,
    query: NoQuery,
  });
}
