import { mayUseConnection, type Principal } from '../auth/principal.ts';
import type { ConnectionDirectory } from '../connections/connection-directory.ts';
import type { ConnectionRegistry } from '../connections/connection-registry.ts';
import { InvalidInput, NotFound } from '../errors.ts';
import { remoteIdFromInvoiceId } from '../invoice/invoice-id.ts';
import type { ProviderAdapter, ProviderProfile } from '../providers/provider.ts';

/** Checks every API operation on a connection makes first, the same way. */

/**
 * The connection's provider (its profile), once the caller may use the connection. A connection
 * the key may not use is answered exactly like one that does not exist.
 */
export function providerFor(
  connections: ConnectionDirectory,
  principal: Principal,
  connectionId: string,
): ProviderProfile {
  if (!mayUseConnection(principal, connectionId)) throw new NotFound('connection', connectionId);
  return connections.provider(connectionId);
}

/** The connection's adapter, with the same check, for the services that call the provider. */
export function adapterFor(
  connections: ConnectionRegistry,
  principal: Principal,
  connectionId: string,
): ProviderAdapter {
  providerFor(connections, principal, connectionId);
  return connections.adapter(connectionId);
}

/** The provider's id behind a path segment: the canonical id of this connection, or the provider's own. */
export function resolveRemoteId(adapter: ProviderProfile, connectionId: string, invoiceId: string): string {
  const remoteId = remoteIdFromInvoiceId(connectionId, invoiceId) ?? invoiceId;
  if (!adapter.idPatterns.invoice.test(remoteId)) {
    throw new InvalidInput('invoiceId', `is neither an invoice id of this connection nor a ${adapter.id} id`);
  }
  return remoteId;
}

export function checkOrderId(adapter: ProviderProfile, orderId: string): void {
  const pattern = adapter.idPatterns.order;
  if (pattern !== undefined && !pattern.test(orderId))
    throw new InvalidInput('orderId', `is not a ${adapter.id} order id`);
}
