import { NoQuery } from '../../shared/api/request-fields.ts';
import { ConnectionPath, EventsQuery, InvoicePath, TenantInvoicesQuery } from '../../shared/api/requests.ts';
import { defineRoute, type RouteSpec } from '../../shared/api/route.ts';
import type { FunctionName } from '../catalog.ts';

/**
 * Reads from the store (event log, histories, tenant-wide invoices, snapshot status): the reads
 * function's routes. Each function's handler imports only its own routes, so that it builds only
 * its own routes' request schemas; ../routes.ts gathers them all.
 */

const FUNCTION = 'reads' satisfies FunctionName;

export const readsRoutes = {
  tenantInvoices: defineRoute({
    method: 'GET',
    path: '/v1/invoices',
    function: FUNCTION,
    operationId: 'listTenantInvoices',
    auth: 'api-key',
    scope: 'invoices:read',
    query: TenantInvoicesQuery,
  }),
  connectionSnapshot: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/snapshot',
    function: FUNCTION,
    operationId: 'getConnectionSnapshotStatus',
    auth: 'api-key',
    scope: 'invoices:read',
    params: ConnectionPath,
    query: NoQuery,
  }),
  listEvents: defineRoute({
    method: 'GET',
    path: '/v1/events',
    function: FUNCTION,
    operationId: 'listEvents',
    auth: 'api-key',
    scope: 'events:read',
    query: EventsQuery,
  }),
  invoiceHistory: defineRoute({
    method: 'GET',
    path: '/v1/connections/{connection}/invoices/{invoiceId}/history',
    function: FUNCTION,
    operationId: 'getInvoiceHistory',
    auth: 'api-key',
    scope: 'events:read',
    params: InvoicePath,
    query: NoQuery,
  }),
} satisfies Record<string, RouteSpec>;
